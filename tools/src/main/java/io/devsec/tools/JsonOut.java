package io.devsec.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;

/**
 * The {@code --json} output of the commands: one JSON object on one line of standard output, whose
 * fields docs/cli-json.md lists. Messages for people still go to standard error.
 */
public final class JsonOut {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonOut() {
    }

    /**
     * A new result object with its {@code "command"} field set.
     *
     * @param command the command path, e.g. "bench keystore"
     * @return the object to fill
     */
    public static ObjectNode result(String command) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("command", command);
        return o;
    }

    /** Prints the object as one line and flushes. */
    public static void print(PrintWriter out, ObjectNode result) {
        try {
            out.println(MAPPER.writeValueAsString(result));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }
}
