package io.devsec.tools.bench;

import io.devsec.core.DeviceSecurity;
import java.nio.file.Paths;

/**
 * The child processes of {@code devsec bench startup}. {@code empty}: returns at once (a bare JVM on the
 * same class path). {@code build DIR}: {@code DeviceSecurity.builder().dataFolder(DIR)...build()}, then
 * {@code close()}; prints marker lines around build() on stdout so that a parent counting
 * {@code -verbose:class} lines can tell which classes build() loaded.
 */
public final class StartupProbe {
    /** Printed on stdout just before build(). */
    static final String BUILD_START = "DEVSEC-BUILD-START";
    /** Printed on stdout just after build() returned. */
    static final String BUILD_END = "DEVSEC-BUILD-END";

    private StartupProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || "empty".equals(args[0])) {
            return;
        }
        System.out.println(BUILD_START);
        System.out.flush();
        DeviceSecurity device = DeviceSecurity.builder().dataFolder(Paths.get(args[1])).productName("bench startup")
                .build();
        System.out.println(BUILD_END);
        System.out.flush();
        device.close();
    }
}
