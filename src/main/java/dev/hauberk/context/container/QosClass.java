package dev.hauberk.context.container;

/** Kubernetes pod QoS class, which kubelet encodes in the pod's cgroup parent. */
public enum QosClass {

    /** Requests equal limits for every container: the pod cgroup sits directly under kubepods. */
    GUARANTEED("guaranteed"),
    BURSTABLE("burstable"),
    BEST_EFFORT("besteffort");

    private final String label;

    QosClass(String label) {
        this.label = label;
    }

    /** Returns the name kubelet uses in cgroup paths, such as {@code besteffort}. */
    public String label() {
        return label;
    }
}
