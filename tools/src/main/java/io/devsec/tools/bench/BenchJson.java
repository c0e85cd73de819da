package io.devsec.tools.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devsec.tools.JsonOut;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --json} of the benchmarks: the human-readable lines move to stderr, and stdout gets one JSON
 * object: {@code command}, {@code run} (when and where), {@code metrics} (name to number, units in the
 * name) and {@code ratios} (name, value, target, met). docs/cli-json.md documents it.
 */
public final class BenchJson {
    @Option(names = "--json", description = "Print the results as one JSON object on stdout (text goes to stderr).")
    boolean json;

    private ObjectNode result;

    /** Where the human-readable lines go: stdout, or stderr under --json. */
    PrintWriter text(CommandLine.Model.CommandSpec spec) {
        return json ? spec.commandLine().getErr() : spec.commandLine().getOut();
    }

    /** The result object of this run (created on first use). */
    ObjectNode result(CommandLine.Model.CommandSpec spec) {
        if (result == null) {
            result = JsonOut.result(spec.qualifiedName(" ").replaceFirst("^devsec ", ""));
            ObjectNode run = result.putObject("run");
            run.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            run.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
            run.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                    + System.getProperty("os.arch"));
            run.put("cpus", Runtime.getRuntime().availableProcessors());
            String version = BenchJson.class.getPackage().getImplementationVersion();
            run.put("devsecVersion", version == null ? "development build" : version);
            result.putObject("metrics");
            result.putArray("ratios");
        }
        return result;
    }

    void metric(CommandLine.Model.CommandSpec spec, String name, double value) {
        ((ObjectNode) result(spec).get("metrics")).put(name, value);
    }

    void ratio(CommandLine.Model.CommandSpec spec, String name, double value, String target, Boolean met) {
        ObjectNode r = ((com.fasterxml.jackson.databind.node.ArrayNode) result(spec).get("ratios")).addObject();
        r.put("name", name);
        r.put("value", value);
        if (target != null) {
            r.put("target", target);
        }
        if (met != null) {
            r.put("met", met);
        }
    }

    /** Prints the JSON object on stdout when --json was given. */
    void finish(CommandLine.Model.CommandSpec spec) {
        if (json) {
            JsonOut.print(spec.commandLine().getOut(), result(spec));
        }
    }
}
