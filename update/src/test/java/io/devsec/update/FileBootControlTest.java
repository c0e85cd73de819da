package io.devsec.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.devsec.testkit.ManualClock;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBootControlTest {
    @TempDir
    Path dir;

    final ManualClock clock = new ManualClock(TestKeys.NOW);
    final TrialPolicy policy = TrialPolicy.of(2, Duration.ofMinutes(10));
    static final byte[] KEY = "file-boot-control-test-state-key".getBytes(StandardCharsets.US_ASCII);

    BootControl open() throws IOException {
        return BootControl.fileBased(dir, policy, clock, 1, KEY);
    }

    void install(BootControl bc, Slot slot, long version) throws IOException {
        bc.beginInstall(slot);
        try (OutputStream out = bc.openForWrite(slot)) {
            out.write(("v" + version).getBytes());
        }
        bc.markInstalled(slot, version);
    }

    @Test
    void firstStart_runsFactoryVersionInSlotA() throws Exception {
        BootStatus st = open().boot();
        assertThat(st.runningSlot()).isEqualTo(Slot.A);
        assertThat(st.runningVersion()).isEqualTo(1);
        assertThat(st.state(Slot.B)).isEqualTo(SlotState.EMPTY);
    }

    @Test
    void installTrialConfirm_switchesConfirmedSlot() throws Exception {
        BootControl bc = open();
        bc.boot();
        install(bc, Slot.B, 2);
        assertThat(bc.status().state(Slot.B)).isEqualTo(SlotState.INSTALLED);
        assertThat(open().boot().runningSlot()).as("installed but not switched: still A").isEqualTo(Slot.A);
        bc.startTrial(Slot.B);
        BootControl restarted = open();
        BootStatus st = restarted.boot();
        assertThat(st.runningSlot()).isEqualTo(Slot.B);
        assertThat(st.trialStarts()).isEqualTo(1);
        restarted.confirm();
        BootStatus after = open().boot();
        assertThat(after.confirmedSlot()).isEqualTo(Slot.B);
        assertThat(after.runningVersion()).isEqualTo(2);
        assertThat(after.trialSlot()).isEmpty();
    }

    @Test
    void trialNotConfirmedWithinStarts_rollsBackByItself() throws Exception {
        BootControl bc = open();
        bc.boot();
        install(bc, Slot.B, 2);
        bc.startTrial(Slot.B);
        assertThat(open().boot().runningSlot()).isEqualTo(Slot.B);
        assertThat(open().boot().runningSlot()).isEqualTo(Slot.B);
        BootStatus third = open().boot();
        assertThat(third.rolledBack()).isTrue();
        assertThat(third.runningSlot()).isEqualTo(Slot.A);
        assertThat(third.state(Slot.B)).isEqualTo(SlotState.FAILED);
        assertThat(open().boot().runningSlot()).isEqualTo(Slot.A);
    }

    @Test
    void trialNotConfirmedWithinTime_rollsBackByItself() throws Exception {
        BootControl bc = open();
        bc.boot();
        install(bc, Slot.B, 2);
        bc.startTrial(Slot.B);
        clock.advance(Duration.ofMinutes(10));
        BootStatus st = open().boot();
        assertThat(st.rolledBack()).isTrue();
        assertThat(st.runningVersion()).isEqualTo(1);
    }

    @Test
    void confirmedSlotAndPendingTrial_cannotBeOverwritten() throws Exception {
        BootControl bc = open();
        bc.boot();
        assertThatThrownBy(() -> bc.beginInstall(Slot.A)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> bc.openForWrite(Slot.B)).isInstanceOf(IllegalStateException.class);
        install(bc, Slot.B, 2);
        bc.startTrial(Slot.B);
        assertThatThrownBy(() -> bc.beginInstall(Slot.B)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(bc::confirm).as("this start runs A, not the trial").isInstanceOf(IllegalStateException.class);
    }

    @Test
    void interruptedWrite_isNeverBootable() throws Exception {
        BootControl bc = open();
        bc.boot();
        bc.beginInstall(Slot.B);
        assertThatThrownBy(() -> bc.startTrial(Slot.B)).isInstanceOf(IllegalStateException.class);
        assertThat(open().boot().runningSlot()).isEqualTo(Slot.A);
    }

    @Test
    void corruptStateFile_isReportedNotReplaced() throws Exception {
        open().boot();
        Path state = dir.resolve("boot-state");
        String text = Files.readString(state).replace("slot B EMPTY 0", "slot B CONFIRMED 9");
        Files.writeString(state, text);
        assertThatThrownBy(this::open).isInstanceOf(IOException.class).hasMessageContaining("corrupt");
        assertThat(Files.readString(state)).isEqualTo(text);
    }

    /** Rewrites the state file with {@code from} replaced by {@code to} and a recomputed SHA-256, as an attacker could. */
    void forgeWithRecomputedSha256(String from, String to) throws Exception {
        Path state = dir.resolve("boot-state");
        String text = Files.readString(state);
        int cut = text.lastIndexOf('\n', text.length() - 2) + 1;
        String body = text.substring(0, cut).replace(from, to);
        assertThat(body).contains(to);
        String sum = io.devsec.update.internal.Hex.encode(MessageDigest.getInstance("SHA-256")
                .digest(body.getBytes(StandardCharsets.US_ASCII)));
        Files.writeString(state, body + "sha256 " + sum + "\n");
    }

    @Test
    void stateFileForgedWithRecomputedSha256_isRefused() throws Exception {
        BootControl bc = open();
        bc.boot();
        install(bc, Slot.B, 2);
        // The attacker marks the unconfirmed slot B confirmed, skipping the trial and the health check.
        forgeWithRecomputedSha256("confirmed A", "confirmed B");
        forgeWithRecomputedSha256("slot B INSTALLED 2", "slot B CONFIRMED 2");
        assertThatThrownBy(() -> open().boot()).isInstanceOf(IOException.class);
    }

    @Test
    void imageSlotFileIsSymlinkOutside_readAndWriteRefused() throws Exception {
        BootControl bc = open();
        bc.boot();
        Path outside = Files.writeString(dir.resolveSibling(dir.getFileName() + "-outside.txt"), "precious");
        Files.createSymbolicLink(dir.resolve("slot-b").resolve("image"), outside);
        bc.beginInstall(Slot.B);
        assertThatThrownBy(() -> {
            try (OutputStream out = bc.openForWrite(Slot.B)) {
                out.write("evil".getBytes(StandardCharsets.US_ASCII));
            }
        }).isInstanceOf(IOException.class);
        assertThat(Files.readString(outside)).isEqualTo("precious");
        Files.createSymbolicLink(dir.resolve("slot-a").resolve("image"), outside);
        assertThatThrownBy(() -> bc.openForRead(Slot.A).close()).isInstanceOf(IOException.class);
    }

    @Test
    void slotFolderIsSymlinkOutside_readAndWriteRefused() throws Exception {
        BootControl bc = open();
        bc.boot();
        Path outside = Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-outside"));
        Files.writeString(outside.resolve("image"), "precious");
        Path slotB = dir.resolve("slot-b");
        Files.delete(slotB);
        Files.createSymbolicLink(slotB, outside);
        bc.beginInstall(Slot.B);
        assertThatThrownBy(() -> {
            try (OutputStream out = bc.openForWrite(Slot.B)) {
                out.write("evil".getBytes(StandardCharsets.US_ASCII));
            }
        }).isInstanceOf(IOException.class);
        assertThat(Files.readString(outside.resolve("image"))).isEqualTo("precious");
        assertThatThrownBy(() -> bc.openForRead(Slot.B).close()).isInstanceOf(IOException.class);
    }

    @Test
    void stateFileWrittenUnderAnotherKey_isRefused() throws Exception {
        open().boot();
        byte[] other = "another-device-boot-state-key-32".getBytes(StandardCharsets.US_ASCII);
        Files.delete(dir.resolve("boot-state"));
        BootControl.fileBased(dir, policy, clock, 1, other).boot();
        assertThatThrownBy(this::open).isInstanceOf(CorruptBootStateException.class)
                .hasMessageContaining("authentication code mismatch");
    }

    /** A state file as the version-1 code wrote it (bare SHA-256). */
    void writeLegacy(String confirmed, String slotA, String slotB) throws Exception {
        String body = "devsec-boot-state 1\nconfirmed " + confirmed + "\nslot A " + slotA + "\nslot B " + slotB
                + "\ntrial none\n";
        String sum = io.devsec.update.internal.Hex.encode(MessageDigest.getInstance("SHA-256")
                .digest(body.getBytes(StandardCharsets.US_ASCII)));
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("boot-state"), body + "sha256 " + sum + "\n");
    }

    @Test
    void legacyStateFile_refusedByDefault() throws Exception {
        writeLegacy("A", "CONFIRMED 1", "EMPTY 0");
        assertThatThrownBy(this::open).isInstanceOf(CorruptBootStateException.class)
                .hasMessageContaining("version-1");
    }

    @Test
    void legacyStateFile_upgradedOnceThenForgedLegacyRefused() throws Exception {
        writeLegacy("B", "CONFIRMED 1", "CONFIRMED 4");
        BootStatus st = BootControl.fileBasedUpgradingInsecureLegacyState(dir, policy, clock, 1, KEY).boot();
        assertThat(st.confirmedVersion()).isEqualTo(4);
        assertThat(Files.readString(dir.resolve("boot-state"))).startsWith("devsec-boot-state 2\n")
                .contains("hmac-sha256 ");
        assertThat(open().boot().confirmedVersion()).as("now authenticated").isEqualTo(4);
        // Later, an attacker writes a version-1 file again: refused.
        writeLegacy("A", "CONFIRMED 9", "CONFIRMED 4");
        assertThatThrownBy(this::open).isInstanceOf(CorruptBootStateException.class);
    }

    @Test
    void shortStateKey_isMisuse() {
        assertThatThrownBy(() -> BootControl.fileBased(dir, policy, clock, 1, new byte[16]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stateKey");
    }

    @Test
    void stateFileIsSymlink_isRefused() throws Exception {
        open().boot();
        Path real = dir.resolveSibling(dir.getFileName() + "-state");
        Files.move(dir.resolve("boot-state"), real);
        Files.createSymbolicLink(dir.resolve("boot-state"), real);
        assertThatThrownBy(this::open).isInstanceOf(CorruptBootStateException.class);
    }
}
