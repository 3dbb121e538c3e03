package dev.hauberk.context.container;

/** The container runtime that created a container, as its cgroup path or its runtime API shows it. */
public enum ContainerRuntime {

    /** Docker Engine: {@code docker-<id>.scope} or {@code /docker/<id>}. */
    DOCKER("docker"),
    /** containerd's own API, as {@code ctr} or nerdctl use it: {@code /<namespace>/<id>}. */
    CONTAINERD("containerd"),
    /** Kubernetes through containerd's CRI plugin: {@code cri-containerd-<id>.scope} or {@code /k8s.io/<id>}. */
    CRI_CONTAINERD("cri-containerd"),
    /** Kubernetes through CRI-O: {@code crio-<id>.scope}. */
    CRIO("cri-o"),
    /** Podman: {@code libpod-<id>.scope} or {@code libpod-payload-<id>}. */
    PODMAN("podman"),
    /**
     * A Kubernetes container whose path does not name the runtime, as with kubelet's cgroupfs
     * driver ({@code /kubepods/burstable/pod<uid>/<id>}). Resolution through CRI replaces it with
     * the runtime that the CRI socket reports.
     */
    CRI("cri");

    private final String label;

    ContainerRuntime(String label) {
        this.label = label;
    }

    /** Returns the name used in JSON and logs, such as {@code cri-containerd}. */
    public String label() {
        return label;
    }

    /** Returns whether kubelet manages containers of this runtime, so that CRI is the first API to query. */
    public boolean isKubernetes() {
        return this == CRI_CONTAINERD || this == CRIO || this == CRI;
    }
}
