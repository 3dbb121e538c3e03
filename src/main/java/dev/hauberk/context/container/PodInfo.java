package dev.hauberk.context.container;

import io.vertx.core.json.JsonObject;

/**
 * The Kubernetes pod of a container. Any field may be null: the cgroup path shows only the UID,
 * and a runtime may know none of them.
 */
public record PodInfo(String name, String namespace, String uid) {

    /** Returns whether no field is known. */
    public boolean isEmpty() {
        return name == null && namespace == null && uid == null;
    }

    /** Returns this pod with each null field taken from other, when other is not null. */
    public PodInfo orElse(PodInfo other) {
        if (other == null) {
            return this;
        }
        return new PodInfo(
                name != null ? name : other.name,
                namespace != null ? namespace : other.namespace,
                uid != null ? uid : other.uid);
    }

    /** Returns {@code {"name", "namespace", "uid"}} with null for unknown fields. */
    public JsonObject toJson() {
        return new JsonObject()
                .put("name", name)
                .put("namespace", namespace)
                .put("uid", uid);
    }
}
