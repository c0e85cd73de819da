package io.devsec.tools.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code devsec bench ...}: benchmarks that compare DevSec with a baseline measured in the same run. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks: each prints medians for DevSec and for a baseline measured in the same run, and the ratios.",
        subcommands = {
            // keystore, mqtt, reconnect, update: each a class in this package.
            KeystoreBench.class,
            UpdateBench.class,
            MqttBench.class,
            ReconnectBench.class,
            StartupBench.class,
        })
public final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing benchmark: see 'devsec bench --help'.");
    }
}
