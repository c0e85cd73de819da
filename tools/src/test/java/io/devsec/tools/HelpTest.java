package io.devsec.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.devsec.tools.testing.Cli;
import io.devsec.tools.testing.Cli.Run;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Command-line conventions that hold for every command and subcommand. */
class HelpTest {

    /** Every command path, e.g. [], [sign], [root, create], [bench, keystore]. */
    static List<List<String>> commandPaths() {
        List<List<String>> paths = new ArrayList<>();
        collect(new CommandLine(new DevsecCli()), new ArrayList<>(), paths);
        return paths;
    }

    private static void collect(CommandLine cl, List<String> path, List<List<String>> out) {
        out.add(List.copyOf(path));
        for (var e : cl.getSubcommands().entrySet()) {
            if (e.getValue().getCommandName().equals(e.getKey()) && !e.getKey().equals("help")) {
                List<String> next = new ArrayList<>(path);
                next.add(e.getKey());
                collect(e.getValue(), next, out);
            }
        }
    }

    @Test
    void help_onEveryCommandAndSubcommand_exitsZeroWithUsageOnStdout() {
        List<List<String>> paths = commandPaths();
        assertThat(paths).contains(List.of("sign"), List.of("root", "create"), List.of("bench", "keystore"));
        for (List<String> path : paths) {
            for (String flag : List.of("--help", "-h")) {
                List<String> args = new ArrayList<>(path);
                args.add(flag);
                Run r = Cli.run(args.toArray(String[]::new));
                assertThat(r.exit()).as("devsec %s: %s", args, r.err()).isZero();
                assertThat(r.out()).as("devsec %s", args).contains("Usage: devsec");
            }
        }
    }

    /** Commands whose "--version N" is part of the update contract (the version of what they sign). */
    static final List<List<String>> CONTRACT_VERSION_OPTION = List.of(List.of("sign"), List.of("root", "create"));

    @Test
    void version_onUpdateContractCommands_isTheSignedVersionAndNeverCollides() {
        for (List<String> path : CONTRACT_VERSION_OPTION) {
            CommandLine cl = new CommandLine(new DevsecCli());
            for (String name : path) {
                cl = cl.getSubcommands().get(name);
            }
            List<OptionSpec> named = new ArrayList<>();
            for (OptionSpec o : cl.getCommandSpec().options()) {
                if (List.of(o.names()).contains("--version")) {
                    named.add(o);
                }
            }
            assertThat(named).as("devsec %s --version", path).hasSize(1);
            assertThat(named.get(0).versionHelp()).isFalse();
            assertThat(named.get(0).paramLabel()).isEqualTo("N");
        }
    }

    @Test
    void version_onEveryOtherCommand_isTheStandardVersionOptionAndExitsZero() {
        for (List<String> path : commandPaths()) {
            if (CONTRACT_VERSION_OPTION.contains(path)) {
                continue;
            }
            CommandLine cl = new CommandLine(new DevsecCli());
            for (String name : path) {
                cl = cl.getSubcommands().get(name);
            }
            CommandSpec spec = cl.getCommandSpec();
            for (OptionSpec o : spec.options()) {
                for (String n : o.names()) {
                    if (n.equals("--version") || n.equals("-V")) {
                        assertThat(o.versionHelp()).as("devsec %s %s collides with the standard --version", path, n)
                                .isTrue();
                    }
                    if (n.equals("--help") || n.equals("-h")) {
                        assertThat(o.usageHelp()).as("devsec %s %s", path, n).isTrue();
                    }
                }
            }
            List<String> args = new ArrayList<>(path);
            args.add("--version");
            Run r = Cli.run(args.toArray(String[]::new));
            assertThat(r.exit()).as("devsec %s: %s", args, r.err()).isZero();
            assertThat(r.out()).startsWith("devsec ");
        }
    }

    @Test
    void secretOptions_takeAVariableNameOrNothing_neverTheSecret() {
        for (List<String> path : commandPaths()) {
            CommandLine cl = new CommandLine(new DevsecCli());
            for (String name : path) {
                cl = cl.getSubcommands().get(name);
            }
            for (OptionSpec o : cl.getCommandSpec().options()) {
                String n = o.longestName().toLowerCase(java.util.Locale.ROOT);
                if (n.contains("pass") || n.contains("pin") || n.contains("secret")) {
                    assertThat(n.endsWith("-env") || n.endsWith("-stdin")).as("devsec %s %s", path, n).isTrue();
                }
            }
        }
    }
}
