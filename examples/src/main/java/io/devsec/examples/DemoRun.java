package io.devsec.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * What the runnable samples share: the {@code [--data FOLDER]} command line (a temporary folder, deleted
 * afterwards, when none is given), the closing line, the failure line and the process exit code.
 */
final class DemoRun {

    /** The sample's story, told in the data folder. */
    interface Story {
        void tell(Path data) throws Exception;
    }

    private DemoRun() {
    }

    /**
     * Runs {@code story} and returns the exit code: 0 when it finished ({@code finished} is printed after a blank
     * line), 1 when it failed ({@code failure} names the exception) or no temporary folder could be made, 2 for
     * a bad command line ({@code usage} is printed).
     */
    static int run(String[] args, PrintStream out, String tempPrefix, String usage, String finished,
            Function<Exception, String> failure, Story story) {
        Path data;
        boolean temporary;
        try {
            if (args.length == 2 && args[0].equals("--data")) {
                data = Paths.get(args[1]);
                temporary = false;
            } else if (args.length == 0) {
                data = Files.createTempDirectory(tempPrefix);
                temporary = true;
            } else {
                out.println(usage);
                return 2;
            }
        } catch (IOException e) {
            out.println("Cannot create a temporary folder: " + e.getMessage());
            return 1;
        }
        try {
            story.tell(data);
            out.println();
            out.println(finished);
            return 0;
        } catch (Exception e) {
            out.println(failure.apply(e));
            return 1;
        } finally {
            if (temporary) {
                deleteTree(data);
            }
        }
    }

    /** {@code s} padded with spaces to {@code width} characters. */
    static String pad(String s, int width) {
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
}
