package dev.hauberk.context.container;

/** How far a container's runtime metadata has been resolved. */
public enum ResolutionStatus {

    /** A runtime lookup is in progress; only what the cgroup path shows is known. */
    PENDING("pending"),
    /** A runtime returned the container and its image id. */
    RESOLVED("resolved"),
    /**
     * No runtime returned the image id: no socket could be reached, no runtime had the container,
     * or the image record was gone. {@link ContainerInfo#reason()} says which.
     */
    IMAGE_UNKNOWN("image-unknown");

    private final String label;

    ResolutionStatus(String label) {
        this.label = label;
    }

    /** Returns the name used in JSON, such as {@code image-unknown}. */
    public String label() {
        return label;
    }
}
