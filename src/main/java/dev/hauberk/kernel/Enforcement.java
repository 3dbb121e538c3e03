package dev.hauberk.kernel;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a rule in enforce mode stops its action on this kernel, and why that way.
 *
 * @param mechanism lsm (refused before it happens), cgroup (refused by a cgroup hook),
 *                  sigkill (the process dies before it returns to user space, after the
 *                  action), or none (monitor only)
 */
public record Enforcement(int ruleId, Mechanism mechanism, String reason) {

    public enum Mechanism {
        LSM("lsm"), CGROUP("cgroup"), SIGKILL("sigkill"), NONE("none");

        private final String jsonName;

        Mechanism(String jsonName) {
            this.jsonName = jsonName;
        }

        public String jsonName() {
            return jsonName;
        }
    }

    public JsonObject toJson() {
        return new JsonObject().put("ruleId", ruleId).put("mechanism", mechanism.jsonName()).put("reason", reason);
    }

    /**
     * The mechanism of every rule the kernel object implements, from what the kernel offers.
     * It mirrors the programs in bpf/: each rule's LSM hook and its fallback.
     */
    public static Map<Integer, Enforcement> matrix(KernelCapabilities kernel) {
        Map<Integer, Enforcement> matrix = new LinkedHashMap<>();
        String noLsm = "BPF-LSM unavailable: " + kernel.lsmReason();
        for (int execRule : new int[] {1, 2, 3}) {
            matrix.put(execRule, kernel.lsm()
                    ? new Enforcement(execRule, Mechanism.LSM, "bprm_check_security refuses the exec with EPERM; the program never runs")
                    : new Enforcement(execRule, Mechanism.SIGKILL, noLsm + "; the process is killed at exec, before its first instruction"));
        }
        if (kernel.lsm()) {
            matrix.put(10, new Enforcement(10, Mechanism.LSM, "socket_connect refuses the connect with EPERM"));
        } else if (kernel.cgroupV2Root() != null) {
            matrix.put(10, new Enforcement(10, Mechanism.CGROUP, noLsm + "; cgroup connect4 and connect6 programs on the root "
                    + "cgroup v2 (" + kernel.cgroupV2Root() + ") refuse the connect with EPERM"));
        } else {
            matrix.put(10, new Enforcement(10, Mechanism.NONE, noLsm + ", and no cgroup v2 is mounted for a cgroup hook; "
                    + "the rule reports only"));
        }
        matrix.put(20, kernel.lsm()
                ? new Enforcement(20, Mechanism.LSM, "file_open refuses the open with EPERM")
                : new Enforcement(20, Mechanism.SIGKILL, noLsm + "; the writer is killed when the open returns: the file is "
                        + "opened by then, and truncated if O_TRUNC was given"));
        return matrix;
    }
}
