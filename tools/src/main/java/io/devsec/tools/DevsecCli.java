package io.devsec.tools;

import io.devsec.tools.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The manufacturer's command line: {@code java -jar devsec.jar --help}.
 *
 * <p>Runs at the factory or in the back end, never on a device: signing keys and provisioning
 * secrets stay off devices (provision 4.6). Exit codes: 0 success, 1 a check or operation failed,
 * 2 a usage error.
 */
@Command(
        name = "devsec",
        mixinStandardHelpOptions = true,
        versionProvider = DevsecCli.Version.class,
        description = "DevSec manufacturer tools: provisioning, update signing, reports and benchmarks.",
        subcommands = {
            CommandLine.HelpCommand.class,
            BenchCommand.class,
            io.devsec.tools.provision.ProvisionCommand.class,
            io.devsec.tools.report.ReportCommand.class,
            io.devsec.tools.evidence.EvidenceCommand.class, io.devsec.tools.evidence.VerifyEvidenceCommand.class,
            io.devsec.tools.sbom.SbomCheckCommand.class,
            io.devsec.tools.update.KeygenCommand.class, io.devsec.tools.update.RootCommand.class, io.devsec.tools.update.SignCommand.class, io.devsec.tools.update.VerifyCommand.class,
        })
public final class DevsecCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new DevsecCli());
        shareVersion(cl, new Version());
        return cl.execute(args);
    }

    /** Gives every subcommand the tool's version, so that "devsec sign --version" prints it too. */
    private static void shareVersion(CommandLine cl, CommandLine.IVersionProvider version) {
        if (cl.getCommandSpec().versionProvider() == null && cl.getCommandSpec().version().length == 0) {
            cl.getCommandSpec().versionProvider(version);
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            shareVersion(sub, version);
        }
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: see 'devsec --help'.");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = DevsecCli.class.getPackage().getImplementationVersion();
            return new String[] {"devsec " + (v == null ? "development build" : v)};
        }
    }
}
