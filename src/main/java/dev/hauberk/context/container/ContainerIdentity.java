package dev.hauberk.context.container;

import java.util.Objects;

/**
 * The container identity that a cgroup path shows, before any runtime is queried.
 *
 * @param runtime     the runtime the path shape belongs to
 * @param containerId the runtime's container id: 64 hex digits, or a containerd name such as {@code sleeper}
 * @param namespace   the containerd namespace when the path shows it ({@code /default/<id>}), otherwise null
 * @param podUid      the Kubernetes pod UID with dashes, when the path shows it, otherwise null
 * @param qosClass    the Kubernetes QoS class, when the path shows a pod, otherwise null
 */
public record ContainerIdentity(
        ContainerRuntime runtime,
        String containerId,
        String namespace,
        String podUid,
        QosClass qosClass) {

    public ContainerIdentity {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(containerId, "containerId");
        if (containerId.isEmpty()) {
            throw new IllegalArgumentException("container id must not be empty");
        }
    }

    /** Creates an identity with no namespace and no pod, as a plain {@code docker-<id>.scope} gives. */
    public static ContainerIdentity of(ContainerRuntime runtime, String containerId) {
        return new ContainerIdentity(runtime, containerId, null, null, null);
    }

    /** Returns whether kubelet manages the container, so that CRI is queried before containerd's own API. */
    public boolean isKubernetes() {
        return runtime.isKubernetes() || podUid != null;
    }
}
