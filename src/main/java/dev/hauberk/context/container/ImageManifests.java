package dev.hauberk.context.container;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads OCI and Docker image manifests and indexes, to find the image config digest that is the
 * image id. A manifest names its config directly. An index (a multi-platform image) lists one
 * manifest per platform, so the one for this machine's OS and architecture is read next.
 */
public final class ImageManifests {

    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";

    private static final Set<String> INDEX_TYPES = Set.of(OCI_INDEX, DOCKER_MANIFEST_LIST);
    private static final Set<String> MANIFEST_TYPES = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    private ImageManifests() {
    }

    /** A platform as OCI names it: os {@code linux}, architecture {@code amd64}, optional variant {@code v8}. */
    public record Platform(String os, String architecture, String variant) {

        /** Returns the platform of this JVM's machine, with the architecture in OCI's (Go's) naming. */
        public static Platform current() {
            String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
            String oci = switch (arch) {
                case "amd64", "x86_64" -> "amd64";
                case "aarch64", "arm64" -> "arm64";
                case "x86", "i386", "i686" -> "386";
                case "ppc64le" -> "ppc64le";
                case "s390x" -> "s390x";
                case "riscv64" -> "riscv64";
                case "arm" -> "arm";
                default -> arch;
            };
            return new Platform("linux", oci, null);
        }

        @Override
        public String toString() {
            return os + "/" + architecture + (variant == null ? "" : "/" + variant);
        }
    }

    /** A blob to read next: the platform's manifest in an index. */
    public record Descriptor(String mediaType, String digest, long size) {
    }

    /** Returns whether mediaType, or the document itself when mediaType is empty, is an index. */
    public static boolean isIndex(String mediaType, JsonObject document) {
        if (mediaType != null && !mediaType.isEmpty()) {
            return INDEX_TYPES.contains(mediaType);
        }
        return document.containsKey("manifests");
    }

    /**
     * Parses a blob as JSON.
     *
     * @throws IllegalArgumentException when the blob is not a JSON object
     */
    public static JsonObject parse(byte[] blob) {
        try {
            return new JsonObject(Buffer.buffer(blob));
        } catch (DecodeException | ClassCastException e) {
            throw new IllegalArgumentException("not a JSON object: " + e.getMessage(), e);
        }
    }

    /**
     * Returns the config digest of a manifest.
     *
     * @throws IllegalArgumentException when mediaType is not a manifest type Hauberk reads (for
     *                                  example Docker's schema 1, which has no config) or the
     *                                  manifest has no valid config digest
     */
    public static String configDigest(String mediaType, JsonObject manifest) {
        String declared = mediaType == null || mediaType.isEmpty() ? manifest.getString("mediaType", "") : mediaType;
        if (!declared.isEmpty() && !MANIFEST_TYPES.contains(declared)) {
            throw new IllegalArgumentException("unsupported manifest media type " + declared);
        }
        JsonObject config = manifest.getJsonObject("config");
        String digest = config == null ? null : config.getString("digest");
        if (digest == null || !DIGEST.matcher(digest).matches()) {
            throw new IllegalArgumentException("manifest has no valid config.digest (found " + digest + ")");
        }
        return digest;
    }

    /**
     * Selects the manifest for platform from an index. A variant in platform must match; without
     * one, the first manifest of the OS and architecture wins, as an index lists its preferred
     * variant first.
     *
     * @throws IllegalArgumentException when no manifest matches
     */
    public static Descriptor selectManifest(JsonObject index, Platform platform) {
        JsonArray manifests = index.getJsonArray("manifests");
        if (manifests == null) {
            throw new IllegalArgumentException("index has no manifests array");
        }
        for (int i = 0; i < manifests.size(); i++) {
            JsonObject entry = manifests.getJsonObject(i);
            JsonObject entryPlatform = entry.getJsonObject("platform");
            if (entryPlatform == null
                    || !platform.os().equals(entryPlatform.getString("os"))
                    || !platform.architecture().equals(entryPlatform.getString("architecture"))) {
                continue;
            }
            if (platform.variant() != null && !platform.variant().equals(entryPlatform.getString("variant"))) {
                continue;
            }
            String digest = entry.getString("digest");
            if (digest == null || !DIGEST.matcher(digest).matches()) {
                throw new IllegalArgumentException("index entry for " + platform + " has an invalid digest " + digest);
            }
            return new Descriptor(entry.getString("mediaType", ""), digest, entry.getLong("size", 0L));
        }
        throw new IllegalArgumentException("index has no manifest for " + platform);
    }
}
