package io.devsec.tools;

import java.io.Console;
import java.io.PrintWriter;
import java.lang.reflect.Method;

/**
 * Progress lines for long work, shown only when the command runs on a terminal: nothing is written when
 * the output goes to a file, a pipe or a test.
 */
public final class Terminal {
    private Terminal() {
    }

    /**
     * Whether standard input and output are an interactive terminal. On Java 22 and later
     * {@code System.console()} is never null, so {@code Console.isTerminal()} decides there.
     *
     * @return true on a terminal
     */
    public static boolean interactive() {
        Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            Method m = Console.class.getMethod("isTerminal");
            return (Boolean) m.invoke(c);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /** A progress line on stderr, redrawn in place, at most once per percent or per 200 ms. */
    public static final class Progress {
        private final PrintWriter err;
        private final String what;
        private final long total;
        private final boolean on;
        private int lastPercent = -1;
        private long lastNanos;
        private boolean drawn;

        /**
         * @param err where to draw (the command's stderr)
         * @param what what is being done, e.g. "hashing fw.bin"
         * @param total units of work (bytes, devices, runs)
         * @param worthIt false to stay silent even on a terminal (small work)
         */
        public Progress(PrintWriter err, String what, long total, boolean worthIt) {
            this.err = err;
            this.what = what;
            this.total = Math.max(1, total);
            this.on = worthIt && interactive();
        }

        /** Reports how much is done. */
        public void update(long done) {
            if (!on) {
                return;
            }
            int percent = (int) Math.min(100, done * 100 / total);
            long now = System.nanoTime();
            if (percent != lastPercent && (now - lastNanos > 200_000_000L || percent == 100)) {
                err.print("\r" + what + ": " + percent + "% (" + done + "/" + total + ")");
                err.flush();
                lastPercent = percent;
                lastNanos = now;
                drawn = true;
            }
        }

        /** Ends the progress line. */
        public void done() {
            if (on && drawn) {
                err.println();
                err.flush();
            }
        }
    }
}
