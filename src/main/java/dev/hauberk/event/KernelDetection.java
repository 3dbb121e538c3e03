package dev.hauberk.event;

import java.util.List;

/** A detection record from the ring buffer, decoded but not yet enriched; ancestors start with the parent. */
public record KernelDetection(
        int ruleId,
        Action action,
        int mode,
        int cpu,
        long timeNs,
        ProcessInfo process,
        List<AncestorInfo> ancestors) {
}
