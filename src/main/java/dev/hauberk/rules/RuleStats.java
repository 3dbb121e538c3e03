package dev.hauberk.rules;

import io.vertx.core.json.JsonObject;

/**
 * A rule's counters from the kernel's per-CPU hk_rule_stats, summed over CPUs, since the
 * map was created (a restart that reuses the pinned maps keeps counting).
 *
 * @param reported actions reported in monitor mode: each is one that enforce mode would have blocked
 * @param killed   processes killed with SIGKILL in enforce mode
 * @param blocked  actions refused by an LSM or cgroup hook in enforce mode
 * @param excepted actions that matched the rule but that an exception exempted
 */
public record RuleStats(long reported, long killed, long blocked, long excepted) {

    public static final RuleStats ZERO = new RuleStats(0, 0, 0, 0);

    public JsonObject toJson() {
        return new JsonObject()
                .put("reported", reported)
                .put("killed", killed)
                .put("blocked", blocked)
                .put("excepted", excepted);
    }
}
