package dev.hauberk.event;

/** A ring record that carries context rather than a detection: containers appearing and going. */
public sealed interface ContextEvent {

    /** A cgroup created or removed in the tracked hierarchy; path is relative to its root, as in /proc/PID/cgroup. */
    record Cgroup(boolean created, long cgroupId, int level, String path, long timeNs) implements ContextEvent {
    }

    /**
     * The first exec in a container, which the kernel added to its container table.
     *
     * @param cgroupName the name of the container's cgroup directory
     */
    record ContainerExec(long cgroupId, long firstExecNs, long mntNs, long pidNs, long netNs, int firstTgid,
                         String cgroupName) implements ContextEvent {
    }
}
