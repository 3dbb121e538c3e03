package dev.hauberk.context.container;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Objects;

/**
 * The state of one container: identity from its cgroup path, metadata from its runtime, and
 * when the registry saw its cgroup come and go.
 *
 * @param id        the runtime's container id
 * @param name      the container's name: the CRI container name, nerdctl's name label, or the id
 *                  for a plain containerd container; null until resolved
 * @param runtime   the runtime that created the container
 * @param namespace the containerd namespace, such as {@code default} or {@code k8s.io}; null when
 *                  the container is not in containerd or the namespace is unknown
 * @param image     the image name the container was created from, such as {@code localhost/busybox:test}
 * @param imageId   the image config digest ({@code sha256:...}), the id that CRI and containerd
 *                  both produce; null unless {@code status} is {@link ResolutionStatus#RESOLVED}
 * @param status    how far resolution got
 * @param reason    why the image id is unknown; null unless {@code status} is
 *                  {@link ResolutionStatus#IMAGE_UNKNOWN}
 * @param pod       the Kubernetes pod, or null for a container outside Kubernetes
 * @param cgroupId  the cgroup id (the cgroup directory's inode number) the registry tracks it
 *                  under; 0 when the info did not come from the registry
 * @param startedAt when the registry first saw the container's cgroup; null outside the registry
 * @param stoppedAt when the container's cgroup was removed; null while it exists
 */
public record ContainerInfo(
        String id,
        String name,
        ContainerRuntime runtime,
        String namespace,
        String image,
        String imageId,
        ResolutionStatus status,
        String reason,
        PodInfo pod,
        long cgroupId,
        Instant startedAt,
        Instant stoppedAt) {

    public ContainerInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(status, "status");
        if (pod != null && pod.isEmpty()) {
            pod = null;
        }
    }

    /** Creates the info of a container whose lookup is in progress: only its cgroup path is known. */
    public static ContainerInfo pending(ContainerIdentity identity) {
        return fromPath(identity, ResolutionStatus.PENDING, null);
    }

    /** Creates the info of a container that no runtime resolved, keeping the reason. */
    public static ContainerInfo imageUnknown(ContainerIdentity identity, String reason) {
        return fromPath(identity, ResolutionStatus.IMAGE_UNKNOWN, reason);
    }

    private static ContainerInfo fromPath(ContainerIdentity identity, ResolutionStatus status, String reason) {
        PodInfo pod = identity.podUid() == null ? null : new PodInfo(null, null, identity.podUid());
        return new ContainerInfo(identity.containerId(), null, identity.runtime(), identity.namespace(), null, null,
                status, reason, pod, 0, null, null);
    }

    /** Returns this info as the registry tracks it under cgroupId, with its first-seen and gone times. */
    public ContainerInfo withCgroup(long cgroupId, Instant startedAt, Instant stoppedAt) {
        return new ContainerInfo(id, name, runtime, namespace, image, imageId, status, reason, pod,
                cgroupId, startedAt, stoppedAt);
    }

    /** Returns this info with status {@link ResolutionStatus#IMAGE_UNKNOWN} and reason. */
    public ContainerInfo withImageUnknown(String reason) {
        return new ContainerInfo(id, name, runtime, namespace, image, null, ResolutionStatus.IMAGE_UNKNOWN, reason,
                pod, cgroupId, startedAt, stoppedAt);
    }

    /**
     * Returns the JSON form: {@code id, name, runtime, namespace, image, imageId, status, reason,
     * pod, cgroupId, startedAt, stoppedAt}. Unknown values are null, times are ISO-8601 UTC, and
     * {@code cgroupId} is a number (null when 0).
     */
    public JsonObject toJson() {
        return new JsonObject()
                .put("id", id)
                .put("name", name)
                .put("runtime", runtime.label())
                .put("namespace", namespace)
                .put("image", image)
                .put("imageId", imageId)
                .put("status", status.label())
                .put("reason", reason)
                .put("pod", pod == null ? null : pod.toJson())
                .put("cgroupId", cgroupId == 0 ? null : cgroupId)
                .put("startedAt", startedAt == null ? null : startedAt.toString())
                .put("stoppedAt", stoppedAt == null ? null : stoppedAt.toString());
    }
}
