package dev.hauberk.event;

/** Mirrors enum hk_action: what the kernel did about a detection. */
public enum Action {
    /** Reported only: the rule was in monitor mode, or could not act. */
    REPORTED(0, "reported"),
    /** The process was sent SIGKILL before it returned to user space. */
    KILLED(1, "killed"),
    /** The operation was refused by an LSM or cgroup hook. */
    BLOCKED(2, "blocked");

    private final int code;
    private final String jsonName;

    Action(int code, String jsonName) {
        this.code = code;
        this.jsonName = jsonName;
    }

    public int code() {
        return code;
    }

    public String jsonName() {
        return jsonName;
    }

    public static Action fromCode(int code) {
        for (Action action : values()) {
            if (action.code == code) {
                return action;
            }
        }
        throw new IllegalArgumentException("unknown action code " + code);
    }
}
