package io.devsec.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.transport.OutboxKey;
import io.devsec.transport.OutboxSettings;
import io.devsec.transport.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxCrashTest {
    @Test
    void sigkillMidAppend_recoversEveryAcknowledgedMessageInOrder(@TempDir Path dir) throws Exception {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        Map<Long, Integer> acknowledged = new HashMap<>();
        for (int round = 0; round < 3; round++) {
            Process child = ChildJvm.start(OutboxCrashChild.class, dir.toString(), HexFormat.of().formatHex(k));
            int acksThisRound = 0;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("ACK ")) {
                        String[] parts = line.split(" ");
                        acknowledged.put(Long.parseLong(parts[1]), Integer.parseInt(parts[2]));
                        if (++acksThisRound == 300) {
                            child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no close()
                            break;
                        }
                    }
                }
            }
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(acksThisRound).isEqualTo(300);
        }
        try (OutboxJournal j = OutboxJournal.open(OutboxSettings.of(dir, OutboxKey.of(new SecretKeySpec(k, "AES"))))) {
            Map<Long, OutboxJournal.Entry> bySeq = new HashMap<>();
            for (OutboxJournal.Entry e : j.pending()) {
                bySeq.put(e.seq(), e);
            }
            assertThat(j.pending()).extracting(OutboxJournal.Entry::seq).isSorted().doesNotHaveDuplicates();
            for (Map.Entry<Long, Integer> a : acknowledged.entrySet()) {
                OutboxJournal.Entry e = bySeq.get(a.getKey());
                assertThat(e).as("acknowledged seq %d", a.getKey()).isNotNull();
                assertThat(new String(e.payload(), StandardCharsets.UTF_8)).startsWith("msg-" + a.getValue() + "-");
            }
            assertThat(j.size()).isGreaterThanOrEqualTo(900);
        }
    }
}
