package io.devsec.core.internal;

import io.devsec.update.BootStatus;
import io.devsec.update.UpdateException;
import io.devsec.update.UpdateListener;
import io.devsec.update.UpdateMetadata;

/** Combines update listeners. */
public final class UpdateListeners {

    private UpdateListeners() {}

    /** A listener that passes every callback to {@code first}, then to {@code second}. */
    public static UpdateListener chain(UpdateListener first, UpdateListener second) {
        return new UpdateListener() {
            @Override
            public void onInstalled(UpdateMetadata update) {
                first.onInstalled(update);
                second.onInstalled(update);
            }

            @Override
            public void onRefused(UpdateException reason) {
                first.onRefused(reason);
                second.onRefused(reason);
            }

            @Override
            public void onConfirmed(long version) {
                first.onConfirmed(version);
                second.onConfirmed(version);
            }

            @Override
            public void onRolledBack(BootStatus status) {
                first.onRolledBack(status);
                second.onRolledBack(status);
            }

            @Override
            public void onRolledBack(BootStatus status, String reason) {
                first.onRolledBack(status, reason);
                second.onRolledBack(status, reason);
            }

            @Override
            public void onSupportEnded(java.time.LocalDate supportUntil) {
                first.onSupportEnded(supportUntil);
                second.onSupportEnded(supportUntil);
            }

            @Override
            public void onCheckFailed(Exception error) {
                first.onCheckFailed(error);
                second.onCheckFailed(error);
            }
        };
    }
}
