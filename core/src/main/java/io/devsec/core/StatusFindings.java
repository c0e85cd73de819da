package io.devsec.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The health check of {@link DeviceSecurity#status()} (provision 4.12): each part adds its own findings in plain
 * words; {@link #all()} lists them most urgent first (problems, then actions, then what is fine), each level in
 * the order the parts were asked.
 */
final class StatusFindings {

    private final List<DeviceStatus.Finding> problems = new ArrayList<>();
    private final List<DeviceStatus.Finding> actions = new ArrayList<>();
    private final List<DeviceStatus.Finding> ok = new ArrayList<>();

    /** Something is wrong now. */
    void problem(String area, String text) {
        problems.add(new DeviceStatus.Finding(DeviceStatus.Finding.Level.PROBLEM, area, text));
    }

    /** Something the integrator or owner should do. */
    void action(String area, String text) {
        actions.add(new DeviceStatus.Finding(DeviceStatus.Finding.Level.ACTION, area, text));
    }

    /** Something that is fine. */
    void ok(String area, String text) {
        ok.add(new DeviceStatus.Finding(DeviceStatus.Finding.Level.OK, area, text));
    }

    /** Every finding, most urgent first. */
    List<DeviceStatus.Finding> all() {
        List<DeviceStatus.Finding> all = new ArrayList<>(problems);
        all.addAll(actions);
        all.addAll(ok);
        return all;
    }
}
