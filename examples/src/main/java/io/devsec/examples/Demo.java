package io.devsec.examples;

import io.devsec.core.DeviceSecurity;
import io.devsec.core.LoginException;
import io.devsec.core.PasswordRejectedException;
import io.devsec.core.provisioning.LabelPasswords;
import io.devsec.core.provisioning.ProvisioningRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import javax.security.auth.x500.X500Principal;

/**
 * The end-to-end demo: the life of one smart plug with DevSec, told step by step on standard output.
 *
 * <ol>
 *   <li>At the factory, {@code devsec provision} gives the plug a unique label password (here done in
 *       code, as the command does it).
 *   <li>First start: DevSec creates the encrypted keystore, the identity key pair, the device id, the CSR
 *       and a self-signed certificate, and takes the label password from the provisioning record.
 *   <li>Second start: the same identity is loaded; nothing is regenerated.
 *   <li>A login with a wrong password is refused and counted; the right one succeeds.
 *   <li>A weak new password is refused with the reason; a strong one is accepted.
 *   <li>The status report.
 * </ol>
 *
 * <p>Usage: {@code java -jar devsec-examples.jar [--data FOLDER]}. Without {@code --data} it runs in a fresh
 * temporary folder and removes it at the end. Exit code 0 when every step behaved as expected.
 */
public final class Demo {

    private static final String PRODUCT = "Acme Smart Plug";

    private final PrintStream out;
    private int step;

    private Demo(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /** Runs the demo and returns the process exit code (tests call this). */
    public static int run(String[] args, PrintStream out) {
        Path data;
        boolean temporary;
        try {
            if (args.length == 2 && args[0].equals("--data")) {
                data = Paths.get(args[1]);
                temporary = false;
            } else if (args.length == 0) {
                data = Files.createTempDirectory("devsec-demo-");
                temporary = true;
            } else {
                out.println("usage: java -jar devsec-examples.jar [--data FOLDER]");
                return 2;
            }
        } catch (IOException e) {
            out.println("Cannot create a temporary folder: " + e.getMessage());
            return 1;
        }
        try {
            new Demo(out).tell(data);
            out.println();
            out.println("Demo finished: every step behaved as expected.");
            return 0;
        } catch (DemoFailure e) {
            out.println("DEMO FAILED: " + e.getMessage());
            return 1;
        } catch (IOException | GeneralSecurityException e) {
            out.println("DEMO FAILED: " + e);
            return 1;
        } finally {
            if (temporary) {
                deleteTree(data);
            }
        }
    }

    private void tell(Path data) throws IOException, GeneralSecurityException {
        Path deviceFolder = data.resolve("plug");
        Path factory = Files.createDirectories(data.resolve("factory"));
        out.println("DevSec demo: one smart plug, from the factory to its owner (data folder " + data + ")");

        // 1. The factory: a unique label password per device, never a shared default (provision 4.1).
        heading("At the factory: a unique label password for serial PLUG-00000042");
        Path recordFile = factory.resolve("PLUG-00000042.json");
        char[] labelPassword = LabelPasswords.generate(new SecureRandom());
        ProvisioningRecord record = ProvisioningRecord.of("PLUG-00000042", labelPassword);
        record.write(recordFile);
        record.destroy();
        out.println("  Label printed: serial PLUG-00000042, password " + new String(labelPassword)
                + " (" + LabelPasswords.ENTROPY_BITS_FLOOR + " bits of entropy, from SecureRandom)");
        out.println("  Provisioning record written for the device: " + recordFile.getFileName());

        // 2. First start.
        heading("First start: the device creates its identity and takes its label password");
        String deviceId;
        String certificate;
        try (DeviceSecurity device = open(deviceFolder, recordFile)) {
            deviceId = device.deviceId();
            certificate = device.certificateChain().get(0).getSubjectX500Principal()
                    .getName(X500Principal.RFC2253, Map.of("2.5.4.5", "SERIALNUMBER"));
            out.println("  Device id:          " + deviceId + " (derived from the identity public key)");
            out.println("  Identity:           EC P-256 key pair, sealed in " + DeviceSecurity.KEYSTORE_FILE
                    + " (AES-256-GCM)");
            out.println("  Certificate:        self-signed " + certificate + " until the CA issues one");
            String csr = device.certificateSigningRequestPem();
            out.println("  CSR for the CA:     " + csr.lines().findFirst().orElse("") + " ... ("
                    + csr.length() + " characters of PEM)");
            out.println("  Label password:     taken from the record; only its Argon2id hash is stored");
            expect(!Files.exists(recordFile), "the provisioning record is deleted once used");
            out.println("  Provisioning record deleted: " + !Files.exists(recordFile));
        }

        // 3. Second start.
        heading("Second start: the same identity is loaded, nothing is regenerated");
        try (DeviceSecurity device = open(deviceFolder, null)) {
            expect(device.deviceId().equals(deviceId), "the device id survives a restart");
            expect(device.takeInitialPassword().isEmpty(), "no new password is generated");
            out.println("  Device id:          " + device.deviceId() + " (same as before: "
                    + device.deviceId().equals(deviceId) + ")");
            out.println("  Serial number:      " + device.serialNumber().orElse("none"));

            // 4. Logins.
            heading("Login: a wrong password, then the label password");
            char[] wrong = "admin".toCharArray();
            try {
                device.login(wrong);
                throw new DemoFailure("a wrong password was accepted");
            } catch (LoginException e) {
                out.println("  'admin' refused:    " + e.getMessage());
            }
            device.login(labelPassword);
            out.println("  Label password:     accepted (compared in constant time through its Argon2id hash)");

            // 5. Password change under NIST SP 800-63B rules.
            heading("Password change: a weak value refused, a strong one accepted");
            for (String weak : new String[] {"password", "xc3511xc3511xc3511", "qwertyuiopasdfghjkl", "plug-" + deviceId}) {
                try {
                    device.changePassword(labelPassword, weak.toCharArray());
                    throw new DemoFailure("a weak password was accepted: " + weak);
                } catch (PasswordRejectedException e) {
                    out.println("  " + pad("'" + shorten(weak) + "'", 24) + " refused: " + e.getMessage());
                }
            }
            char[] strong = "marmalade tugboat quivers under lantern 7".toCharArray();
            device.changePassword(labelPassword, strong);
            out.println("  A 41-character passphrase: accepted");
            device.login(strong);
            out.println("  Login with the new passphrase: accepted");
            Arrays.fill(strong, '\0');
            Arrays.fill(labelPassword, '\0');

            // 6. Status.
            heading("Status report");
            String status = device.status().toText();
            status.lines().forEach(line -> out.println("  " + line));
        }
    }

    private static DeviceSecurity open(Path deviceFolder, Path recordFile) throws IOException, GeneralSecurityException {
        DeviceSecurity.Builder builder = DeviceSecurity.builder().dataFolder(deviceFolder).productName(PRODUCT);
        if (recordFile != null) {
            builder.provisioningRecord(recordFile);
        }
        return builder.build();
    }

    private void heading(String title) {
        out.println();
        out.println(++step + ". " + title);
    }

    private static void expect(boolean condition, String what) {
        if (!condition) {
            throw new DemoFailure("expected: " + what);
        }
    }

    private static String shorten(String s) {
        return s.length() <= 20 ? s : s.substring(0, 17) + "...";
    }

    private static String pad(String s, int width) {
        StringBuilder b = new StringBuilder(s);
        while (b.length() < width) {
            b.append(' ');
        }
        return b.toString();
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: the folder is under the system's temporary folder.
        }
    }

    /** A step of the demo did not behave as DevSec promises. */
    private static final class DemoFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DemoFailure(String message) {
            super(message);
        }
    }
}
