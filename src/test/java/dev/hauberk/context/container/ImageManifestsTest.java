package dev.hauberk.context.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ImageManifestsTest {

    private static final String CONFIG = "sha256:" + "c9".repeat(32);
    private static final String AMD64 = "sha256:" + "a1".repeat(32);
    private static final String ARM64_V8 = "sha256:" + "b2".repeat(32);
    private static final String ARM_V7 = "sha256:" + "d3".repeat(32);

    private static final ImageManifests.Platform LINUX_AMD64 = new ImageManifests.Platform("linux", "amd64", null);

    private static final String INDEX = """
            {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
              {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "%s", "size": 500,
               "platform": {"os": "linux", "architecture": "arm", "variant": "v7"}},
              {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "%s", "size": 501,
               "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}},
              {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "%s", "size": 502,
               "platform": {"os": "linux", "architecture": "amd64"}}
            ]}
            """.formatted(ARM_V7, ARM64_V8, AMD64);

    private static JsonObject json(String text) {
        return ImageManifests.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void ociManifestGivesConfigDigest() {
        JsonObject manifest = json("""
                {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                 "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "%s", "size": 400},
                 "layers": []}
                """.formatted(CONFIG));

        assertThat(ImageManifests.isIndex(ImageManifests.OCI_MANIFEST, manifest)).isFalse();
        assertThat(ImageManifests.configDigest(ImageManifests.OCI_MANIFEST, manifest)).isEqualTo(CONFIG);
    }

    @Test
    void dockerManifestGivesConfigDigest() {
        JsonObject manifest = json("""
                {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                 "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "digest": "%s"}}
                """.formatted(CONFIG));

        assertThat(ImageManifests.configDigest("", manifest)).isEqualTo(CONFIG);
    }

    @Test
    void indexSelectsTheMachinesPlatform() {
        JsonObject index = json(INDEX);

        assertThat(ImageManifests.isIndex(ImageManifests.OCI_INDEX, index)).isTrue();
        assertThat(ImageManifests.isIndex("", index)).as("recognised by its manifests array").isTrue();
        ImageManifests.Descriptor selected = ImageManifests.selectManifest(index, LINUX_AMD64);
        assertThat(selected.digest()).isEqualTo(AMD64);
        assertThat(selected.mediaType()).isEqualTo(ImageManifests.OCI_MANIFEST);
        assertThat(selected.size()).isEqualTo(502);
    }

    @Test
    void indexVariantMustMatch() {
        JsonObject index = json(INDEX);

        assertThat(ImageManifests.selectManifest(index, new ImageManifests.Platform("linux", "arm", "v7")).digest())
                .isEqualTo(ARM_V7);
        assertThat(ImageManifests.selectManifest(index, new ImageManifests.Platform("linux", "arm64", null)).digest())
                .isEqualTo(ARM64_V8);
        assertThatThrownBy(() -> ImageManifests.selectManifest(index, new ImageManifests.Platform("linux", "arm", "v6")))
                .hasMessage("index has no manifest for linux/arm/v6");
    }

    @Test
    void indexWithoutPlatformIsRejected() {
        JsonObject index = json(INDEX);

        assertThatThrownBy(() -> ImageManifests.selectManifest(index, new ImageManifests.Platform("linux", "s390x", null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("index has no manifest for linux/s390x");
    }

    @Test
    void schemaOneManifestIsRejected() {
        JsonObject manifest = json("{\"schemaVersion\": 1, \"fsLayers\": []}");

        assertThatThrownBy(() -> ImageManifests.configDigest(
                "application/vnd.docker.distribution.manifest.v1+prettyjws", manifest))
                .hasMessage("unsupported manifest media type application/vnd.docker.distribution.manifest.v1+prettyjws");
    }

    @Test
    void manifestWithoutValidDigestIsRejected() {
        JsonObject manifest = json("{\"config\": {\"digest\": \"md5:abc\"}}");

        assertThatThrownBy(() -> ImageManifests.configDigest(ImageManifests.OCI_MANIFEST, manifest))
                .hasMessage("manifest has no valid config.digest (found md5:abc)");
    }

    @Test
    void blobThatIsNotJsonIsRejected() {
        assertThatThrownBy(() -> ImageManifests.parse(new byte[] {0x1f, (byte) 0x8b, 0x08}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a JSON object");
    }

    @Test
    void currentPlatformUsesOciArchitectureNames() {
        ImageManifests.Platform platform = ImageManifests.Platform.current();

        assertThat(platform.os()).isEqualTo("linux");
        assertThat(platform.architecture()).isNotEqualTo("x86_64").isNotEqualTo("aarch64");
    }
}
