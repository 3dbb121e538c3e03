package dev.hauberk.event;

/** Namespace inode numbers of a process, as in /proc/PID/ns/*. */
public record Namespaces(long mnt, long pid, long net, long user, long cgroup, long uts, long ipc) {
}
