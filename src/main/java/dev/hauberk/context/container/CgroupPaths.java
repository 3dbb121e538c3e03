package dev.hauberk.context.container;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses cgroup paths, as they appear in {@code /proc/PID/cgroup} or relative to a cgroup
 * mount, into the identity of the container that owns them.
 *
 * <p>The path is read from the leaf towards the root, and the innermost component that names a
 * container wins, so a nested cgroup such as {@code .../<id>/init.scope} belongs to its container.
 * A containerd namespace path {@code /NAMESPACE/ID} is recognised only at the top of the
 * hierarchy and only for the configured namespaces, so {@code /system.slice/containerd.service}
 * is never taken for container {@code containerd.service} in namespace {@code system.slice}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class CgroupPaths {

    /** containerd namespaces recognised in {@code /NAMESPACE/ID} paths unless configured otherwise. */
    public static final List<String> DEFAULT_CONTAINERD_NAMESPACES = List.of("default", "k8s.io", "moby");

    /** Container ids of Docker, CRI (containerd and CRI-O) and Podman: 64 lowercase hex digits. */
    private static final String HEX_ID = "[0-9a-f]{64}";
    private static final Pattern HEX_ID_PATTERN = Pattern.compile(HEX_ID);

    /**
     * A containerd identifier, as containerd's identifiers package validates it: letters and
     * digits, separated by single '.', '_' or '-', at most 76 characters.
     */
    private static final Pattern CONTAINERD_ID = Pattern.compile("[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*");
    private static final int CONTAINERD_ID_MAX_LENGTH = 76;

    // Leaf shapes that name the runtime. ".scope" is the systemd driver's suffix; the same
    // prefixes without it come from runtimes that use the cgroupfs driver.
    private static final Pattern CRI_CONTAINERD = Pattern.compile("cri-containerd-(" + HEX_ID + ")(?:\\.scope)?");
    private static final Pattern CRIO = Pattern.compile("crio-(" + HEX_ID + ")(?:\\.scope)?");
    private static final Pattern DOCKER = Pattern.compile("docker-(" + HEX_ID + ")\\.scope");
    private static final Pattern PODMAN = Pattern.compile("libpod-(?:payload-)?(" + HEX_ID + ")(?:\\.scope)?");

    // Monitor processes that run beside a container, not in it: CRI-O's and Podman's conmon.
    private static final Pattern CONMON = Pattern.compile("(?:crio|libpod)-conmon-" + HEX_ID + "(?:\\.scope)?");

    // Kubernetes pod cgroups. systemd driver: kubepods-burstable-pod<uid>.slice, with '_' in
    // place of '-' in the UID because '-' separates slice levels. cgroupfs driver: pod<uid>.
    private static final Pattern SYSTEMD_POD = Pattern.compile(
            "kubepods(?:-(burstable|besteffort))?-pod([0-9a-f]{8}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{12})\\.slice");
    private static final Pattern CGROUPFS_POD = Pattern.compile(
            "pod([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");

    private final Set<String> containerdNamespaces;

    /** Creates a parser that recognises {@code /NAMESPACE/ID} for exactly these containerd namespaces. */
    public CgroupPaths(Collection<String> containerdNamespaces) {
        this.containerdNamespaces = Set.copyOf(containerdNamespaces);
    }

    /** Creates a parser for {@link #DEFAULT_CONTAINERD_NAMESPACES}. */
    public static CgroupPaths withDefaults() {
        return new CgroupPaths(DEFAULT_CONTAINERD_NAMESPACES);
    }

    /**
     * Parses one cgroup path such as {@code /kubepods/burstable/pod<uid>/<id>}. Returns empty for a
     * path that belongs to no container: the root, a systemd service or session, a conmon.
     */
    public Optional<ContainerIdentity> parse(String path) {
        if (path == null || !path.startsWith("/")) {
            return Optional.empty();
        }
        List<String> components = components(path);
        Pod pod = pod(components);

        for (int i = components.size() - 1; i >= 0; i--) {
            String component = components.get(i);
            if (CONMON.matcher(component).matches()) {
                return Optional.empty();
            }
            Optional<ContainerIdentity> identity = container(components, i, pod);
            if (identity.isPresent()) {
                return identity;
            }
        }
        return Optional.empty();
    }

    /**
     * Parses one line of {@code /proc/PID/cgroup}: {@code 0::PATH} for cgroup v2, or
     * {@code ID:CONTROLLERS:PATH} for a v1 hierarchy. Returns empty for a malformed line.
     */
    public Optional<ContainerIdentity> parseProcLine(String line) {
        int first = line.indexOf(':');
        int second = first < 0 ? -1 : line.indexOf(':', first + 1);
        if (second < 0) {
            return Optional.empty();
        }
        return parse(line.substring(second + 1).strip());
    }

    /**
     * Parses the whole content of {@code /proc/PID/cgroup}. The v2 line is read first, because
     * its cgroup is the one whose id BPF programs see. On a v1-only host the first v1 line that
     * names a container is used.
     */
    public Optional<ContainerIdentity> parseProcFile(String content) {
        List<String> lines = content.lines().filter(line -> !line.isBlank()).toList();
        for (String line : lines) {
            if (line.startsWith("0::")) {
                Optional<ContainerIdentity> identity = parseProcLine(line);
                if (identity.isPresent()) {
                    return identity;
                }
            }
        }
        for (String line : lines) {
            Optional<ContainerIdentity> identity = parseProcLine(line);
            if (identity.isPresent()) {
                return identity;
            }
        }
        return Optional.empty();
    }

    /** Returns the container that component i names, given the components before it. */
    private Optional<ContainerIdentity> container(List<String> components, int i, Pod pod) {
        String component = components.get(i);
        String parent = i > 0 ? components.get(i - 1) : null;

        Matcher matcher = CRI_CONTAINERD.matcher(component);
        if (matcher.matches()) {
            return Optional.of(pod.identity(ContainerRuntime.CRI_CONTAINERD, matcher.group(1), null));
        }
        matcher = CRIO.matcher(component);
        if (matcher.matches()) {
            return Optional.of(pod.identity(ContainerRuntime.CRIO, matcher.group(1), null));
        }
        matcher = DOCKER.matcher(component);
        if (matcher.matches()) {
            return Optional.of(pod.identity(ContainerRuntime.DOCKER, matcher.group(1), null));
        }
        matcher = PODMAN.matcher(component);
        if (matcher.matches()) {
            return Optional.of(pod.identity(ContainerRuntime.PODMAN, matcher.group(1), null));
        }

        // cgroupfs driver: the bare id under its pod (kubelet) or under /docker (Docker Engine).
        if (HEX_ID_PATTERN.matcher(component).matches() && parent != null) {
            if (pod.uid != null && CGROUPFS_POD.matcher(parent).matches()) {
                return Optional.of(pod.identity(ContainerRuntime.CRI, component, null));
            }
            if (parent.equals("docker")) {
                return Optional.of(pod.identity(ContainerRuntime.DOCKER, component, null));
            }
        }

        // Plain containerd without a cgroup parent: /NAMESPACE/ID, at the top of the hierarchy only.
        if (i == 1 && containerdNamespaces.contains(parent) && isContainerdId(component)) {
            ContainerRuntime runtime = parent.equals("k8s.io") ? ContainerRuntime.CRI_CONTAINERD : ContainerRuntime.CONTAINERD;
            return Optional.of(pod.identity(runtime, component, parent));
        }
        return Optional.empty();
    }

    private static boolean isContainerdId(String component) {
        return component.length() <= CONTAINERD_ID_MAX_LENGTH && CONTAINERD_ID.matcher(component).matches();
    }

    /** Finds the pod UID and QoS class that the path shows, or returns a pod with both null. */
    private static Pod pod(List<String> components) {
        for (int i = 0; i < components.size(); i++) {
            String component = components.get(i);
            Matcher systemd = SYSTEMD_POD.matcher(component);
            if (systemd.matches()) {
                return new Pod(systemd.group(2).replace('_', '-'), qos(systemd.group(1)));
            }
            Matcher cgroupfs = CGROUPFS_POD.matcher(component);
            if (cgroupfs.matches() && i > 0) {
                String parent = components.get(i - 1);
                if (parent.equals("kubepods")) {
                    return new Pod(cgroupfs.group(1), QosClass.GUARANTEED);
                }
                if (i > 1 && components.get(i - 2).equals("kubepods")
                        && (parent.equals("burstable") || parent.equals("besteffort"))) {
                    return new Pod(cgroupfs.group(1), qos(parent));
                }
            }
        }
        return new Pod(null, null);
    }

    /** Maps kubelet's QoS level name to its class. A path without a level belongs to a Guaranteed pod. */
    private static QosClass qos(String level) {
        if (level == null) {
            return QosClass.GUARANTEED;
        }
        return level.equals("burstable") ? QosClass.BURSTABLE : QosClass.BEST_EFFORT;
    }

    private static List<String> components(String path) {
        return java.util.Arrays.stream(path.split("/")).filter(part -> !part.isEmpty()).toList();
    }

    private record Pod(String uid, QosClass qos) {

        ContainerIdentity identity(ContainerRuntime runtime, String id, String namespace) {
            return new ContainerIdentity(runtime, id, namespace, uid, qos);
        }
    }
}
