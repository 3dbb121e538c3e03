package dev.hauberk.rules;

import dev.hauberk.bpf.BpfException;
import dev.hauberk.bpf.BpfObject;

/**
 * The kernel's rule maps (bpf/lib/rules.h), by role.
 *
 * @param cpus number of possible CPUs, the number of values of the per-CPU stats map
 */
public record RuleMaps(
        KernelMap config,
        KernelMap generation,
        KernelMap matches,
        KernelMap prefixes,
        KernelMap cidrs,
        KernelMap stats,
        int cpus) {

    public static final String CONFIG = "hk_rule_config";
    public static final String GENERATION = "hk_rule_generation";
    public static final String MATCHES = "hk_rule_matches";
    public static final String PREFIXES = "hk_rule_prefixes";
    public static final String CIDRS = "hk_rule_cidrs";
    public static final String STATS = "hk_rule_stats";

    /** Returns the rule maps of a loaded object. */
    public static RuleMaps of(BpfObject object, int cpus) throws BpfException {
        return new RuleMaps(
                KernelMap.of(object.requireMap(CONFIG)),
                KernelMap.of(object.requireMap(GENERATION)),
                KernelMap.of(object.requireMap(MATCHES)),
                KernelMap.of(object.requireMap(PREFIXES)),
                KernelMap.of(object.requireMap(CIDRS)),
                KernelMap.of(object.requireMap(STATS)),
                cpus);
    }
}
