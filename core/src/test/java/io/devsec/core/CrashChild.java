package io.devsec.core;

import java.nio.file.Path;
import java.nio.file.Paths;

/** Child JVM for CrashSafetyTest: does device work until the parent kills it with SIGKILL. */
public final class CrashChild {
    private CrashChild() {}

    public static void main(String[] args) throws Exception {
        Path data = Paths.get(args[1]);
        DeviceSecurity.Builder builder = DeviceSecurity.builder().dataFolder(data).productName("Crash Test Device")
                .loginThrottle(LoginThrottle.builder().freeFailures(10).build());
        if ("start".equals(args[0])) {
            System.out.println("BEGIN");
            System.out.flush();
            try (DeviceSecurity device = builder.build()) {
                System.out.println("READY " + device.deviceId());
                System.out.flush();
            }
        } else if ("login".equals(args[0])) {
            try (DeviceSecurity device = builder.build()) {
                System.out.println("OPENED");
                System.out.flush();
                char[] wrong = "not the password of this device".toCharArray();
                while (true) {
                    try {
                        device.login(wrong);
                    } catch (WrongPasswordException e) {
                        System.out.println("FAILED " + e.consecutiveFailures());
                        System.out.flush();
                    } catch (LoginException e) {
                        System.out.println("STOPPED " + e.consecutiveFailures());
                        System.out.flush();
                        return;
                    }
                }
            }
        }
    }
}
