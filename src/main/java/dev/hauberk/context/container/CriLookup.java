package dev.hauberk.context.container;

import dev.hauberk.context.runtime.cri.v1.ContainerFilter;
import dev.hauberk.context.runtime.cri.v1.ContainerStatus;
import dev.hauberk.context.runtime.cri.v1.PodSandboxMetadata;
import io.vertx.core.Future;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Resolves one container through CRI: ContainerStatus for the name and image, ImageStatus for the
 * image config digest, and the pod from kubelet's labels or from the container's sandbox.
 */
final class CriLookup {

    static final String POD_NAME_LABEL = "io.kubernetes.pod.name";
    static final String POD_NAMESPACE_LABEL = "io.kubernetes.pod.namespace";
    static final String POD_UID_LABEL = "io.kubernetes.pod.uid";

    private static final Pattern BARE_HEX_DIGEST = Pattern.compile("[0-9a-f]{64}");

    private final CriClient client;
    private volatile ContainerRuntime socketRuntime;

    CriLookup(CriClient client) {
        this.client = client;
    }

    String socketPath() {
        return client.socketPath();
    }

    /**
     * Looks the container up. Fails with {@link RuntimeCallException} when CRI cannot be reached or
     * does not have the container. Succeeds with status {@link ResolutionStatus#IMAGE_UNKNOWN} and a
     * reason when CRI returns the container but not its image id.
     */
    Future<ContainerInfo> lookup(ContainerIdentity identity) {
        return client.containerStatus(identity.containerId()).compose(response -> {
            ContainerStatus status = response.getStatus();
            Future<ContainerRuntime> runtime = runtime(identity);
            Future<PodInfo> pod = pod(identity, status);
            Future<Image> image = image(status);
            return Future.all(runtime, pod, image).map(done -> info(identity, status, runtime.result(),
                    pod.result(), image.result()));
        });
    }

    private ContainerInfo info(ContainerIdentity identity, ContainerStatus status, ContainerRuntime runtime,
            PodInfo pod, Image image) {
        // containerd's CRI plugin keeps every CRI container in its namespace k8s.io.
        String namespace = runtime == ContainerRuntime.CRI_CONTAINERD ? "k8s.io" : identity.namespace();
        String name = status.getMetadata().getName().isEmpty() ? null : status.getMetadata().getName();
        ResolutionStatus resolution = image.id == null ? ResolutionStatus.IMAGE_UNKNOWN : ResolutionStatus.RESOLVED;
        return new ContainerInfo(identity.containerId(), name, runtime, namespace, image.name, image.id,
                resolution, image.reason, pod, 0, null, null);
    }

    /** Returns the runtime behind the socket, queried once, for identities whose path does not name it. */
    private Future<ContainerRuntime> runtime(ContainerIdentity identity) {
        if (identity.runtime() != ContainerRuntime.CRI) {
            return Future.succeededFuture(identity.runtime());
        }
        ContainerRuntime known = socketRuntime;
        if (known != null) {
            return Future.succeededFuture(known);
        }
        return client.version().map(version -> {
            ContainerRuntime runtime = switch (version.getRuntimeName()) {
                case "containerd" -> ContainerRuntime.CRI_CONTAINERD;
                case "cri-o" -> ContainerRuntime.CRIO;
                default -> ContainerRuntime.CRI;
            };
            socketRuntime = runtime;
            return runtime;
        }).otherwise(ContainerRuntime.CRI);
    }

    /**
     * Returns the pod from kubelet's labels on the container, else from its pod sandbox's metadata.
     * A failure here keeps what the labels and the cgroup path show rather than failing the lookup.
     */
    private Future<PodInfo> pod(ContainerIdentity identity, ContainerStatus status) {
        Map<String, String> labels = status.getLabelsMap();
        PodInfo fromLabels = new PodInfo(labels.get(POD_NAME_LABEL), labels.get(POD_NAMESPACE_LABEL),
                labels.get(POD_UID_LABEL)).orElse(new PodInfo(null, null, identity.podUid()));
        if (fromLabels.name() != null && fromLabels.namespace() != null && fromLabels.uid() != null) {
            return Future.succeededFuture(fromLabels);
        }
        // ContainerStatus has no sandbox id, but ListContainers does.
        ContainerFilter filter = ContainerFilter.newBuilder().setId(identity.containerId()).build();
        return client.listContainers(filter).compose(list -> list.getContainersList().stream()
                .filter(container -> container.getId().equals(identity.containerId()))
                .findFirst()
                .map(container -> client.podSandboxStatus(container.getPodSandboxId())
                        .map(sandbox -> fromSandbox(sandbox.getStatus().getMetadata()).orElse(fromLabels)))
                .orElse(Future.succeededFuture(fromLabels)))
                .otherwise(fromLabels);
    }

    private static PodInfo fromSandbox(PodSandboxMetadata metadata) {
        return new PodInfo(emptyToNull(metadata.getName()), emptyToNull(metadata.getNamespace()),
                emptyToNull(metadata.getUid()));
    }

    /** Returns the image name and config digest. An unreachable runtime fails it, and a missing image gives a reason. */
    private Future<Image> image(ContainerStatus status) {
        String userSpecified = status.getImage().getUserSpecifiedImage();
        String name = emptyToNull(userSpecified.isEmpty() ? status.getImage().getImage() : userSpecified);

        // Newer runtimes fill image_id; containerd 1.6 leaves it empty.
        String imageId = normalizeDigest(status.getImageId());
        if (imageId != null) {
            return Future.succeededFuture(new Image(name, imageId, null));
        }

        String reference = status.getImageRef().isEmpty() ? name : status.getImageRef();
        if (reference == null) {
            return Future.succeededFuture(new Image(name, null, "CRI ContainerStatus returned no image reference"));
        }
        return client.imageStatus(reference).map(response -> {
            if (!response.hasImage()) {
                return new Image(name, null, "CRI " + client.socketPath() + ": image " + reference + " not found");
            }
            String id = normalizeDigest(response.getImage().getId());
            String displayName = name;
            // A container created from an image id has that id as its image name.
            if ((displayName == null || displayName.startsWith("sha256:")) && response.getImage().getRepoTagsCount() > 0) {
                displayName = response.getImage().getRepoTags(0);
            }
            if (id == null) {
                return new Image(displayName, null, "CRI " + client.socketPath() + ": image " + reference + " has no id");
            }
            return new Image(displayName, id, null);
        });
    }

    /** Returns digest as {@code sha256:<hex>}, adding the prefix to a bare 64-digit hex id; null for empty. */
    static String normalizeDigest(String digest) {
        if (digest == null || digest.isEmpty()) {
            return null;
        }
        if (BARE_HEX_DIGEST.matcher(digest).matches()) {
            return "sha256:" + digest;
        }
        return digest;
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private record Image(String name, String id, String reason) {
    }
}
