package io.devsec.transport.internal;

import io.devsec.transport.OutboxKey;
import io.devsec.transport.OutboxSettings;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import javax.crypto.spec.SecretKeySpec;

/** Child JVM for the crash test: appends forever, printing "ACK seq" after each append returns (fsynced). */
public final class OutboxCrashChild {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        byte[] k = HexFormat.of().parseHex(args[1]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (OutboxJournal j = OutboxJournal.open(OutboxSettings.of(dir, OutboxKey.of(new SecretKeySpec(k, "AES"))))) {
            out.println("OPEN " + j.size());
            for (int i = 0; ; i++) {
                byte[] payload = ("msg-" + i + "-" + "x".repeat(i % 500)).getBytes(StandardCharsets.UTF_8);
                long seq = j.append("devices/crash/t", payload);
                out.println("ACK " + seq + " " + i);
            }
        }
    }
}
