package dev.hauberk.context.container;

import dev.hauberk.context.runtime.containerd.v1.Container;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Resolves one container through containerd's own API: Containers.Get for the record, then the
 * image's config digest from its manifest. The pod comes from the annotations that containerd's
 * CRI plugin writes into the OCI spec, or from kubelet's labels.
 */
final class ContainerdLookup {

    static final String SANDBOX_NAME_ANNOTATION = "io.kubernetes.cri.sandbox-name";
    static final String SANDBOX_NAMESPACE_ANNOTATION = "io.kubernetes.cri.sandbox-namespace";
    static final String SANDBOX_UID_ANNOTATION = "io.kubernetes.cri.sandbox-uid";
    static final String CONTAINER_NAME_ANNOTATION = "io.kubernetes.cri.container-name";
    static final String CONTAINER_TYPE_ANNOTATION = "io.kubernetes.cri.container-type";
    /** containerd's CRI plugin labels its records with the kind, {@code sandbox} or {@code container}. */
    static final String CRI_KIND_LABEL = "io.cri-containerd.kind";
    static final String NERDCTL_NAME_LABEL = "nerdctl/name";

    private final ContainerdClient client;
    private final List<String> namespaces;

    /** Creates a lookup that searches namespaces when a cgroup path does not show the namespace. */
    ContainerdLookup(ContainerdClient client, List<String> namespaces) {
        this.client = client;
        this.namespaces = List.copyOf(namespaces);
    }

    String socketPath() {
        return client.socketPath();
    }

    /**
     * Looks the container up. Fails with {@link RuntimeCallException} when containerd cannot be
     * reached or no searched namespace has the container; succeeds with status
     * {@link ResolutionStatus#IMAGE_UNKNOWN} and a reason when the record has no usable image.
     */
    Future<ContainerInfo> lookup(ContainerIdentity identity) {
        return lookupIn(identity, candidateNamespaces(identity), 0);
    }

    /** Returns the namespaces to search: the one the path shows, else the one the runtime uses, else all configured. */
    List<String> candidateNamespaces(ContainerIdentity identity) {
        if (identity.namespace() != null) {
            return List.of(identity.namespace());
        }
        if (identity.isKubernetes()) {
            return List.of("k8s.io");
        }
        if (identity.runtime() == ContainerRuntime.DOCKER) {
            return List.of("moby");
        }
        return namespaces;
    }

    private Future<ContainerInfo> lookupIn(ContainerIdentity identity, List<String> candidates, int index) {
        if (index >= candidates.size()) {
            return Future.failedFuture(new RuntimeCallException(client.socketPath(),
                    "containerd.services.containers.v1.Containers/Get", RuntimeCallException.Kind.STATUS,
                    GrpcStatus.NOT_FOUND, "container " + identity.containerId() + " not found in namespaces "
                            + String.join(", ", candidates), null));
        }
        String namespace = candidates.get(index);
        return client.getContainer(namespace, identity.containerId())
                .compose(container -> resolve(identity, namespace, container),
                        error -> error instanceof RuntimeCallException call && call.isNotFound()
                                ? lookupIn(identity, candidates, index + 1)
                                : Future.failedFuture(error));
    }

    private Future<ContainerInfo> resolve(ContainerIdentity identity, String namespace, Container container) {
        Map<String, String> labels = container.getLabelsMap();
        Map<String, String> annotations = annotations(container);
        ContainerRuntime runtime = identity.runtime();
        if (labels.containsKey(CRI_KIND_LABEL)
                && (runtime == ContainerRuntime.CRI || runtime == ContainerRuntime.CONTAINERD)) {
            runtime = ContainerRuntime.CRI_CONTAINERD;
        }
        PodInfo pod = new PodInfo(annotations.get(SANDBOX_NAME_ANNOTATION), annotations.get(SANDBOX_NAMESPACE_ANNOTATION),
                annotations.get(SANDBOX_UID_ANNOTATION))
                .orElse(new PodInfo(labels.get(CriLookup.POD_NAME_LABEL), labels.get(CriLookup.POD_NAMESPACE_LABEL),
                        labels.get(CriLookup.POD_UID_LABEL)))
                .orElse(new PodInfo(null, null, identity.podUid()));
        ContainerInfo found = new ContainerInfo(identity.containerId(), name(container, labels, annotations), runtime,
                namespace, emptyToNull(container.getImage()), null, ResolutionStatus.IMAGE_UNKNOWN, null, pod,
                0, null, null);

        if (container.getImage().isEmpty()) {
            // Docker Engine, for one, keeps its images outside containerd and leaves this field empty.
            return Future.succeededFuture(found.withImageUnknown("containerd " + client.socketPath()
                    + ": the record of " + identity.containerId() + " in namespace " + namespace + " names no image"));
        }
        return client.imageConfigDigest(namespace, container.getImage()).map(digest -> new ContainerInfo(
                found.id(), found.name(), found.runtime(), found.namespace(), found.image(), digest,
                ResolutionStatus.RESOLVED, null, found.pod(), 0, null, null)
        ).recover(error -> {
            if (error instanceof RuntimeCallException call && !call.isTransient() && !call.isUnreachable()) {
                return Future.succeededFuture(found.withImageUnknown("containerd " + client.socketPath() + ": image "
                        + container.getImage() + " in namespace " + namespace + ": " + call.detail()));
            }
            return Future.failedFuture(error);
        });
    }

    /** The name nerdctl or CRI gave the container, else its id, which is the name ctr uses. */
    private static String name(Container container, Map<String, String> labels, Map<String, String> annotations) {
        String nerdctl = labels.get(NERDCTL_NAME_LABEL);
        if (nerdctl != null && !nerdctl.isEmpty()) {
            return nerdctl;
        }
        String criName = annotations.get(CONTAINER_NAME_ANNOTATION);
        if (criName != null && !criName.isEmpty()) {
            return criName;
        }
        if ("sandbox".equals(annotations.get(CONTAINER_TYPE_ANNOTATION))) {
            String sandboxName = annotations.get(SANDBOX_NAME_ANNOTATION);
            if (sandboxName != null && !sandboxName.isEmpty()) {
                return sandboxName;
            }
        }
        return container.getId();
    }

    /** The OCI spec's annotations; the spec is JSON in a protobuf Any. Empty when absent or unreadable. */
    private static Map<String, String> annotations(Container container) {
        if (!container.hasSpec() || container.getSpec().getValue().isEmpty()) {
            return Map.of();
        }
        try {
            JsonObject spec = new JsonObject(container.getSpec().getValue().toString(StandardCharsets.UTF_8));
            JsonObject annotations = spec.getJsonObject("annotations");
            if (annotations == null) {
                return Map.of();
            }
            Map<String, String> result = new java.util.HashMap<>();
            annotations.forEach(entry -> {
                if (entry.getValue() instanceof String value) {
                    result.put(entry.getKey(), value);
                }
            });
            return result;
        } catch (RuntimeException e) {
            // An unreadable spec only costs the pod details; the image still resolves.
            return Map.of();
        }
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
