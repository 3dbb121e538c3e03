package dev.hauberk.context.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ContainerInfoTest {

    private static final String UID = "2c5a4f6e-0b1d-4c3a-9e8f-7a6b5c4d3e2f";

    @Test
    void resolvedInfoJsonHasEveryField() {
        ContainerInfo info = new ContainerInfo("f8bd40a6", "app", ContainerRuntime.CRI_CONTAINERD, "k8s.io",
                "localhost/busybox:test", "sha256:c9b1", ResolutionStatus.RESOLVED, null,
                new PodInfo("web-0", "shop", UID), 500, Instant.parse("2026-12-04T20:40:47Z"), null);

        JsonObject json = info.toJson();

        assertThat(json.fieldNames()).containsExactlyInAnyOrder("id", "name", "runtime", "namespace", "image",
                "imageId", "status", "reason", "pod", "cgroupId", "startedAt", "stoppedAt");
        assertThat(json.getString("runtime")).isEqualTo("cri-containerd");
        assertThat(json.getString("status")).isEqualTo("resolved");
        assertThat(json.getString("imageId")).isEqualTo("sha256:c9b1");
        assertThat(json.getJsonObject("pod")).isEqualTo(new JsonObject()
                .put("name", "web-0").put("namespace", "shop").put("uid", UID));
        assertThat(json.getLong("cgroupId")).isEqualTo(500);
        assertThat(json.getString("startedAt")).isEqualTo("2026-12-04T20:40:47Z");
        assertThat(json.containsKey("stoppedAt")).isTrue();
        assertThat(json.getValue("stoppedAt")).isNull();
        assertThat(json.getValue("reason")).isNull();
    }

    @Test
    void containerOutsideKubernetesHasNullPod() {
        ContainerInfo info = ContainerInfo.imageUnknown(
                new ContainerIdentity(ContainerRuntime.CONTAINERD, "sleeper", "default", null, null), "socket not found");

        JsonObject json = info.toJson();

        assertThat(json.containsKey("pod")).isTrue();
        assertThat(json.getValue("pod")).isNull();
        assertThat(json.getString("status")).isEqualTo("image-unknown");
        assertThat(json.getString("reason")).isEqualTo("socket not found");
        assertThat(json.getString("namespace")).isEqualTo("default");
        assertThat(json.getValue("cgroupId")).as("0 means not from the registry").isNull();
    }

    @Test
    void pendingInfoKeepsPodUidFromPath() {
        ContainerIdentity identity = new ContainerIdentity(ContainerRuntime.CRI, "ab".repeat(32), null, UID,
                QosClass.BURSTABLE);

        ContainerInfo pending = ContainerInfo.pending(identity).withCgroup(7, Instant.EPOCH, null);

        assertThat(pending.status()).isEqualTo(ResolutionStatus.PENDING);
        assertThat(pending.toJson().getString("status")).isEqualTo("pending");
        assertThat(pending.pod()).isEqualTo(new PodInfo(null, null, UID));
        assertThat(pending.cgroupId()).isEqualTo(7);
    }

    @Test
    void emptyPodBecomesNull() {
        ContainerInfo info = new ContainerInfo("x", null, ContainerRuntime.DOCKER, null, null, null,
                ResolutionStatus.IMAGE_UNKNOWN, "r", new PodInfo(null, null, null), 0, null, null);

        assertThat(info.pod()).isNull();
    }
}
