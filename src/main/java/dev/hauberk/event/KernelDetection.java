package dev.hauberk.event;

/** A detection record from the ring buffer, decoded but not yet enriched. */
public record KernelDetection(
        int ruleId,
        Action action,
        int mode,
        int cpu,
        long timeNs,
        ProcessInfo process,
        ParentInfo parent) {
}
