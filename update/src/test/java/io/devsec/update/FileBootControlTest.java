package io.devsec.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBootControlTest {
    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(TestKeys.NOW);
    final TrialPolicy policy = TrialPolicy.of(2, Duration.ofMinutes(10));

    BootControl open() throws IOException {
        return BootControl.fileBased(dir, policy, clock, 1);
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
}
