package io.devsec.tools.update;

import io.devsec.update.Envelope;
import io.devsec.update.MetadataLimits;
import io.devsec.update.RollbackCounter;
import io.devsec.update.UpdateMetadata;
import io.devsec.update.UpdateVerifier;
import io.devsec.update.VerifiedUpdate;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devsec.tools.JsonOut;
import io.devsec.tools.Terminal;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code devsec verify}: checks an update the way a device does, streaming the image. Exit 0 and one
 * line naming the version when everything holds; 1 and one line on stderr otherwise; 2 on a usage
 * error.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Verify update metadata and image as a device would: exit 0 when valid, 1 when not.")
public final class VerifyCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--root", required = true, paramLabel = "root.json",
            description = "The root the device trusted at manufacture.")
    Path root;

    @Option(names = "--root-chain", paramLabel = "rN.json", description = "A later root, in order (repeat).")
    List<Path> rootChain = new ArrayList<>();

    @Option(names = "--metadata", required = true, paramLabel = "FILE.update.json")
    Path metadata;

    @Option(names = "--image", required = true, paramLabel = "FILE")
    Path image;

    @Option(names = "--installed-version", defaultValue = "0", paramLabel = "N",
            description = "Version installed on the device (default 0).")
    long installedVersion;

    @Option(names = "--hardware-id", paramLabel = "ID",
            description = "The device's hardware id (default: accept the one in the metadata).")
    String hardwareId;

    @Option(names = "--at", paramLabel = "INSTANT", description = "Verify as of this instant (default: now).")
    Instant at;

    @Option(names = "--json", description = "Print the outcome as one JSON object on stdout (see docs/cli-json.md);"
            + " a failure still exits 1 and prints its line on stderr.")
    boolean json;

    @Override
    public Integer call() {
        if (installedVersion < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--installed-version must not be negative");
        }
        try {
            byte[] env = Files.readAllBytes(metadata);
            String hw = hardwareId;
            if (hw == null) {
                // No device to compare with: take the metadata's own hardware id (after full
                // verification below, nothing else is taken from unverified bytes).
                hw = UpdateMetadata.parse(Envelope.parse(env, MetadataLimits.DEFAULT).payload(), MetadataLimits.DEFAULT)
                        .hardwareId();
            }
            Clock clock = at == null ? Clock.systemUTC() : Clock.fixed(at, ZoneOffset.UTC);
            UpdateVerifier v = UpdateVerifier.builder().initialRoot(Files.readAllBytes(root))
                    .rollbackCounter(RollbackCounter.inMemory(0)).hardwareId(hw).clock(clock).build();
            v.trustedRoot();
            for (Path r : rootChain) {
                v.updateRoot(Files.readAllBytes(r));
            }
            VerifiedUpdate u = v.verifyMetadata(env, installedVersion);
            long size = Files.size(image);
            Terminal.Progress progress = new Terminal.Progress(spec.commandLine().getErr(),
                    "verifying " + image.getFileName(), size, size > (64L << 20));
            try (InputStream in = Files.newInputStream(image)) {
                UpdateVerifier.copyImage(u, in, new OutputStream() {
                    private long done;

                    @Override
                    public void write(int b) {
                        progress.update(++done);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        done += len;
                        progress.update(done);
                    }
                });
            }
            progress.done();
            UpdateMetadata md = u.metadata();
            if (json) {
                ObjectNode o = JsonOut.result("verify");
                o.put("valid", true);
                o.put("version", md.version());
                o.put("hardwareId", md.hardwareId());
                o.put("rootVersion", u.rootVersion());
                o.put("securityUpdate", md.securityUpdate());
                o.put("imageLength", md.imageLength());
                o.put("imageSha256", md.imageSha256());
                o.put("expires", md.expires().toString());
                JsonOut.print(spec.commandLine().getOut(), o);
                return 0;
            }
            spec.commandLine().getOut().println("verified version " + md.version() + " for " + md.hardwareId()
                    + " (root version " + u.rootVersion() + (md.securityUpdate() ? ", security update" : "") + ")");
            spec.commandLine().getOut().flush();
            return 0;
        } catch (Exception e) {
            if (json) {
                ObjectNode o = JsonOut.result("verify");
                o.put("valid", false);
                o.put("error", e.getClass().getSimpleName());
                o.put("message", String.valueOf(e.getMessage()).replace('\n', ' '));
                JsonOut.print(spec.commandLine().getOut(), o);
            }
            return CliSupport.fail(spec, "verification failed", e);
        }
    }
}
