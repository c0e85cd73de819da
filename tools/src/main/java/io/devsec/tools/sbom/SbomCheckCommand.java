package io.devsec.tools.sbom;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devsec.tools.JsonOut;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code devsec sbom-check}: matches a CycloneDX JSON SBOM against a local OSV advisory file, offline.
 * Exit 0 when no component is affected, 1 when one is (each match listed), 2 on a usage error or a file
 * that cannot be read or parsed.
 */
@Command(name = "sbom-check", mixinStandardHelpOptions = true,
        description = {"Match a CycloneDX JSON SBOM against local OSV advisories (offline).",
            "Exit 0: no component affected; 1: affected components listed; 2: usage error or unreadable file."})
public final class SbomCheckCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--sbom", required = true, paramLabel = "bom.json", description = "CycloneDX JSON SBOM (target/bom.json).")
    Path sbom;

    @Option(names = "--advisories", required = true, paramLabel = "FILE|DIR",
            description = "OSV JSON: one advisory, an array of them, or a folder of .json files.")
    Path advisories;

    @Option(names = "--json", description = "Print the result as one JSON object on stdout (see docs/cli-json.md).")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Component> components;
        List<Advisory> loaded;
        try {
            components = Component.readSbom(sbom);
            loaded = Advisory.load(advisories);
        } catch (StrictJson.BadFileException e) {
            err.println("devsec sbom-check: " + e.getMessage());
            err.flush();
            if (json) {
                ObjectNode o = JsonOut.result("sbom-check");
                o.put("error", e.getMessage());
                JsonOut.print(out, o);
            }
            return 2;
        }
        SbomCheck.Result r = SbomCheck.check(components, loaded);
        if (json) {
            JsonOut.print(out, toJson(r));
            return r.matches().isEmpty() ? 0 : 1;
        }
        for (SbomCheck.Match m : r.matches()) {
            String aliases = m.aliases().isEmpty() ? "" : " (" + StrictJson.printable(String.join(", ", m.aliases()), 200) + ")";
            out.println("AFFECTED " + StrictJson.printable(m.component(), 300) + " " + StrictJson.printable(m.version(), 100)
                    + ": " + StrictJson.printable(m.advisoryId(), 100) + aliases + " - " + StrictJson.printable(m.summary(), 200)
                    + "; " + m.fixedVersion().map(f -> "fixed in " + StrictJson.printable(f, 100)).orElse("no fixed version listed"));
        }
        for (SbomCheck.Unchecked u : r.unchecked()) {
            err.println("UNCHECKED " + StrictJson.printable(u.component(), 300) + " " + StrictJson.printable(u.version(), 100)
                    + " against " + StrictJson.printable(u.advisoryId(), 100) + ": " + StrictJson.printable(u.reason(), 200));
        }
        if (!r.componentsWithoutVersion().isEmpty()) {
            err.println("Not checked (no version in the SBOM): " + StrictJson.printable(String.join(", ", r.componentsWithoutVersion()), 2000));
        }
        if (r.matches().isEmpty()) {
            out.println("No advisory matches any of " + r.components() + " components (" + r.advisories() + " advisories checked).");
        } else {
            long affected = r.matches().stream().map(m -> m.component() + "@" + m.version()).distinct().count();
            out.println(r.matches().size() + " advisories match " + affected + " of " + r.components() + " components ("
                    + r.advisories() + " advisories checked).");
        }
        out.flush();
        err.flush();
        return r.matches().isEmpty() ? 0 : 1;
    }

    static ObjectNode toJson(SbomCheck.Result r) {
        ObjectNode o = JsonOut.result("sbom-check");
        o.put("components", r.components());
        o.put("advisories", r.advisories());
        o.put("affectedCount", r.matches().size());
        ArrayNode affected = o.putArray("affected");
        for (SbomCheck.Match m : r.matches()) {
            ObjectNode a = affected.addObject();
            a.put("component", m.component());
            a.put("version", m.version());
            a.put("advisory", m.advisoryId());
            m.aliases().forEach(a.putArray("aliases")::add);
            a.put("summary", m.summary());
            if (m.fixedVersion().isPresent()) {
                a.put("fixedVersion", m.fixedVersion().get());
            } else {
                a.putNull("fixedVersion");
            }
        }
        ArrayNode unchecked = o.putArray("unchecked");
        for (SbomCheck.Unchecked u : r.unchecked()) {
            ObjectNode a = unchecked.addObject();
            a.put("component", u.component());
            a.put("version", u.version());
            a.put("advisory", u.advisoryId());
            a.put("reason", u.reason());
        }
        r.componentsWithoutVersion().forEach(o.putArray("withoutVersion")::add);
        return o;
    }
}
