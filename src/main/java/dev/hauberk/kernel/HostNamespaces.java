package dev.hauberk.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host's mount and pid namespaces, against which the kernel tells a containerised
 * process apart. They are the daemon's own: Hauberk must run in the host's namespaces
 * (as a systemd service, or a pod with hostPID and the host's mount namespace), and
 * reading PID 1's instead needs ptrace access that some sandboxes deny even to root.
 */
public record HostNamespaces(long mnt, long pid) {

    public static HostNamespaces read() throws IOException {
        return new HostNamespaces(inode(Path.of("/proc/self/ns/mnt")), inode(Path.of("/proc/self/ns/pid")));
    }

    static long inode(Path namespace) throws IOException {
        return ((Number) Files.getAttribute(namespace, "unix:ino")).longValue();
    }
}
