package dev.hauberk.event;

import java.util.List;

/**
 * A detection record from the ring buffer, decoded but not yet enriched.
 *
 * @param generation number of the rule set generation that decided
 * @param target     what the action was aimed at, or null for an exec rule
 * @param ancestors  the parent first
 */
public record KernelDetection(
        int ruleId,
        Action action,
        int mode,
        int cpu,
        long timeNs,
        long generation,
        ProcessInfo process,
        TargetInfo target,
        List<AncestorInfo> ancestors) {
}
