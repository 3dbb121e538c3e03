package dev.hauberk.config;

import dev.hauberk.context.container.ContainerOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * The daemon's settings, read from conf/hauberk.yaml. Every default lives here and
 * nowhere else; conf/hauberk.yaml documents each key with this default and its
 * consequence. Relative paths are resolved against the configuration file's directory.
 *
 * @param http          where the HTTP API listens
 * @param journal       the detection journal's settings, passed to the journal verticle as JSON
 * @param kernel        sizes of the kernel-side maps
 * @param daemon        process-wide settings
 * @param ruleModes     per-rule mode overrides by rule name, applied over each rule's default mode
 * @param ruleModeSources file:line:column of each override, for errors about it
 * @param containers    how containers are resolved through CRI and containerd; its defaults are
 *                      the DEFAULT_* constants of {@link ContainerOptions}
 */
public record HauberkConfig(
        Path source,
        Http http,
        JsonObject journal,
        Kernel kernel,
        Daemon daemon,
        Map<String, String> ruleModes,
        Map<String, String> ruleModeSources,
        ContainerOptions containers) {

    public static final String DEFAULT_HTTP_HOST = "127.0.0.1";
    public static final String DEFAULT_TOKEN_FILE = "/etc/hauberk/api-token";
    public static final long DEFAULT_AGGREGATION_WINDOW_MS = 2000;
    public static final long MAX_AGGREGATION_WINDOW_MS = 600_000;
    public static final int DEFAULT_HTTP_PORT = 7450;
    public static final String DEFAULT_JOURNAL_DIRECTORY = "/var/lib/hauberk/journal";
    public static final long DEFAULT_RING_BUFFER_BYTES = 8L << 20;
    public static final long DEFAULT_PROCESS_TABLE_ENTRIES = 65_536;
    public static final long DEFAULT_PROCESS_HISTORY_ENTRIES = 8_192;
    public static final int DEFAULT_ANCESTRY_DEPTH = 8;
    public static final String DEFAULT_CGROUP_HIERARCHY = "auto";
    public static final String DEFAULT_PIN_PATH = "/sys/fs/bpf/hauberk";
    public static final boolean DEFAULT_KEEP_ATTACHED_ON_EXIT = true;
    public static final int DEFAULT_HANDOFF_RECORDS = 65_536;
    public static final String DEFAULT_LOCK_FILE = "/run/hauberk/hauberk.lock";
    public static final String DEFAULT_RULES_DIRECTORY = "rules";
    public static final String DEFAULT_VERTICLES_DIRECTORY = "../verticles";
    public static final String DEFAULT_BPFFS = "/sys/fs/bpf";

    /**
     * HTTP listener.
     *
     * @param tokenFile the API's bearer token; created with mode 0600 at first start when absent
     */
    public record Http(String host, int port, Path tokenFile) {
    }

    /**
     * Kernel-side settings.
     *
     * @param ringBufferBytes       size of the detection ring buffer, a power of two of at least one page
     * @param processTableEntries   maximum live processes tracked; more are counted as lost
     * @param processHistoryEntries exited and replaced process images kept for ancestries (least recently used out)
     * @param ancestryDepth         ancestors recorded per detection, 0 to 16
     * @param cgroupHierarchy       auto, v2 or v1:CONTROLLER: whose cgroup ids identify containers
     * @param pinPath               bpffs directory where programs and maps are pinned; null pins nothing
     * @param keepAttachedOnExit    whether programs stay attached (and enforcing) after the daemon stops
     */
    public record Kernel(
            long ringBufferBytes,
            long processTableEntries,
            long processHistoryEntries,
            int ancestryDepth,
            String cgroupHierarchy,
            Path pinPath,
            boolean keepAttachedOnExit) {
    }

    /**
     * Process-wide settings.
     *
     * @param lockFile            held while the daemon runs, so a second instance refuses to start
     * @param rulesDirectory      the rule catalogue, one or more *.yaml files
     * @param verticlesDirectory  one deployment descriptor (*.json) per verticle
     * @param handoffRecords      records the ring reader may queue for the event loop before dropping
     * @param hostName            the host name in detections; empty means the kernel's host name
     * @param aggregationWindowMs window in ms in which repeats of a detection are merged into one
     *                            follow-up; 0 delivers every repeat on its own
     */
    public record Daemon(
            Path lockFile,
            Path rulesDirectory,
            Path verticlesDirectory,
            int handoffRecords,
            String hostName,
            long aggregationWindowMs) {
    }

    static final Set<String> TOP_LEVEL_KEYS = Set.of("http", "journal", "kernel", "daemon", "rule_modes", "containers");
}
