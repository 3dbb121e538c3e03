package dev.hauberk.context.container;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Settings of container resolution, the {@code containers} section of {@code conf/hauberk.yaml}.
 *
 * @param criSockets           CRI sockets, tried in order; empty disables CRI
 * @param containerdSockets    containerd sockets for its own API, tried in order; empty disables it
 * @param containerdNamespaces containerd namespaces recognised in {@code /NAMESPACE/ID} cgroup paths
 *                             and searched when a path does not show the namespace
 * @param timeoutMs            deadline of each gRPC call in ms, connection included
 * @param retries              retries of a lookup that failed with UNAVAILABLE or a deadline
 * @param cacheEntries         resolved containers kept in memory; the least recently used go first
 * @param keepRemovedSeconds   how long a removed container stays known, so that late detections
 *                             still resolve
 */
public record ContainerOptions(
        List<String> criSockets,
        List<String> containerdSockets,
        List<String> containerdNamespaces,
        long timeoutMs,
        int retries,
        int cacheEntries,
        long keepRemovedSeconds) {

    public static final List<String> DEFAULT_CRI_SOCKETS = List.of("/run/containerd/containerd.sock", "/run/crio/crio.sock");
    public static final List<String> DEFAULT_CONTAINERD_SOCKETS = List.of("/run/containerd/containerd.sock");
    public static final List<String> DEFAULT_CONTAINERD_NAMESPACES = CgroupPaths.DEFAULT_CONTAINERD_NAMESPACES;
    public static final long DEFAULT_TIMEOUT_MS = 2000;
    public static final int DEFAULT_RETRIES = 3;
    public static final int DEFAULT_CACHE_ENTRIES = 4096;
    public static final long DEFAULT_KEEP_REMOVED_SECONDS = 600;

    public static final long MIN_TIMEOUT_MS = 10;
    public static final long MAX_TIMEOUT_MS = 60_000;
    public static final int MAX_RETRIES = 10;
    public static final int MIN_CACHE_ENTRIES = 16;
    public static final int MAX_CACHE_ENTRIES = 1_000_000;
    public static final long MAX_KEEP_REMOVED_SECONDS = 86_400;

    /** The longest path a Linux sockaddr_un holds: 108 bytes of sun_path minus the final NUL. */
    public static final int MAX_SOCKET_PATH_BYTES = 107;

    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*");
    private static final int MAX_NAMESPACE_LENGTH = 76;

    /** Validates every value; throws IllegalArgumentException naming the key and the value. */
    public ContainerOptions {
        criSockets = List.copyOf(criSockets);
        containerdSockets = List.copyOf(containerdSockets);
        containerdNamespaces = List.copyOf(containerdNamespaces);
        for (String socket : criSockets) {
            requireSocketPath("cri_sockets", socket);
        }
        for (String socket : containerdSockets) {
            requireSocketPath("containerd_sockets", socket);
        }
        for (String namespace : containerdNamespaces) {
            String problem = namespaceProblem(namespace);
            if (problem != null) {
                throw new IllegalArgumentException("containerd_namespaces: " + problem);
            }
        }
        requireRange("timeout_ms", timeoutMs, MIN_TIMEOUT_MS, MAX_TIMEOUT_MS);
        requireRange("retries", retries, 0, MAX_RETRIES);
        requireRange("cache_entries", cacheEntries, MIN_CACHE_ENTRIES, MAX_CACHE_ENTRIES);
        requireRange("keep_removed_seconds", keepRemovedSeconds, 0, MAX_KEEP_REMOVED_SECONDS);
    }

    /** Returns the options with every default. */
    public static ContainerOptions defaults() {
        return new ContainerOptions(DEFAULT_CRI_SOCKETS, DEFAULT_CONTAINERD_SOCKETS, DEFAULT_CONTAINERD_NAMESPACES,
                DEFAULT_TIMEOUT_MS, DEFAULT_RETRIES, DEFAULT_CACHE_ENTRIES, DEFAULT_KEEP_REMOVED_SECONDS);
    }

    /** Returns why path cannot be a runtime socket, or null when it can. */
    public static String socketPathProblem(String path) {
        if (path == null || !path.startsWith("/")) {
            return "'" + path + "' is not an absolute path";
        }
        int bytes = path.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_SOCKET_PATH_BYTES) {
            return "'" + path + "' is " + bytes + " bytes long; a unix socket path holds at most " + MAX_SOCKET_PATH_BYTES;
        }
        return null;
    }

    /** Returns why name cannot be a containerd namespace, or null when it can. */
    public static String namespaceProblem(String name) {
        if (name == null || name.length() > MAX_NAMESPACE_LENGTH || !NAMESPACE.matcher(name).matches()) {
            return "'" + name + "' is not a valid containerd namespace: use letters and digits separated by"
                    + " single '.', '_' or '-', at most " + MAX_NAMESPACE_LENGTH + " characters";
        }
        return null;
    }

    private static void requireSocketPath(String key, String path) {
        String problem = socketPathProblem(path);
        if (problem != null) {
            throw new IllegalArgumentException(key + ": " + problem);
        }
    }

    private static void requireRange(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + ": " + value + " is out of range [" + min + ", " + max + "]");
        }
    }
}
