package dev.hauberk.config;

import dev.hauberk.context.container.ContainerOptions;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Reads conf/hauberk.yaml into a {@link HauberkConfig}, rejecting unknown keys and bad values with file:line:column. */
public final class ConfigLoader {

    private static final int MIN_RING_BUFFER_BYTES = 4096;
    private static final long MAX_RING_BUFFER_BYTES = 1L << 30;

    private ConfigLoader() {
    }

    public static HauberkConfig load(Path file) throws ConfigException {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file + ": configuration file not found");
        }
        Path absolute = file.toAbsolutePath().normalize();
        Path base = absolute.getParent();
        YamlMap root = YamlMap.parseFile(absolute);
        root.requireOnly(HauberkConfig.TOP_LEVEL_KEYS);

        YamlMap http = root.map("http");
        http.requireOnly(Set.of("host", "port", "token_file"));
        String host = http.string("host", HauberkConfig.DEFAULT_HTTP_HOST);
        try {
            // A literal only: a name would be resolved through DNS at every start.
            InetAddress.ofLiteral(host);
        } catch (IllegalArgumentException e) {
            throw http.error("host", "'" + host + "' is not an IPv4 or IPv6 address (such as 127.0.0.1 or ::1)");
        }
        String tokenFile = http.string("token_file", HauberkConfig.DEFAULT_TOKEN_FILE);
        if (tokenFile.isBlank()) {
            throw http.error("token_file", "needs a file name; the API's bearer token is read from it");
        }
        HauberkConfig.Http httpConfig = new HauberkConfig.Http(host,
                (int) http.integer("port", HauberkConfig.DEFAULT_HTTP_PORT, 1, 65_535), resolve(base, tokenFile));

        YamlMap kernel = root.map("kernel");
        kernel.requireOnly(Set.of("ring_buffer_bytes", "process_table_entries", "process_history_entries",
                "ancestry_depth", "cgroup_hierarchy", "pin_path", "keep_attached_on_exit"));
        long ringBytes = kernel.integer("ring_buffer_bytes", HauberkConfig.DEFAULT_RING_BUFFER_BYTES,
                MIN_RING_BUFFER_BYTES, MAX_RING_BUFFER_BYTES);
        if (Long.bitCount(ringBytes) != 1) {
            throw kernel.error("ring_buffer_bytes", ringBytes + " is not a power of two");
        }
        String hierarchy = kernel.string("cgroup_hierarchy", HauberkConfig.DEFAULT_CGROUP_HIERARCHY);
        if (!hierarchy.equals("auto") && !hierarchy.equals("v2") && !hierarchy.matches("v1:[a-z_]+")) {
            throw kernel.error("cgroup_hierarchy", "'" + hierarchy + "' is not auto, v2 or v1:CONTROLLER (such as v1:memory)");
        }
        String pinPath = kernel.string("pin_path", HauberkConfig.DEFAULT_PIN_PATH);
        if (!pinPath.isEmpty() && !pinPath.startsWith("/")) {
            throw kernel.error("pin_path", "'" + pinPath + "' is not an absolute path in a bpffs (or empty to pin nothing)");
        }
        HauberkConfig.Kernel kernelConfig = new HauberkConfig.Kernel(ringBytes,
                kernel.integer("process_table_entries", HauberkConfig.DEFAULT_PROCESS_TABLE_ENTRIES, 1024, 4_194_304),
                kernel.integer("process_history_entries", HauberkConfig.DEFAULT_PROCESS_HISTORY_ENTRIES, 256, 1_048_576),
                (int) kernel.integer("ancestry_depth", HauberkConfig.DEFAULT_ANCESTRY_DEPTH, 0, 16),
                hierarchy,
                pinPath.isEmpty() ? null : Path.of(pinPath),
                kernel.bool("keep_attached_on_exit", HauberkConfig.DEFAULT_KEEP_ATTACHED_ON_EXIT));

        YamlMap daemon = root.map("daemon");
        daemon.requireOnly(Set.of("lock_file", "rules_directory", "verticles_directory", "handoff_records", "host_name",
                "aggregation_window_ms"));
        HauberkConfig.Daemon daemonConfig = new HauberkConfig.Daemon(
                resolve(base, daemon.string("lock_file", HauberkConfig.DEFAULT_LOCK_FILE)),
                resolve(base, daemon.string("rules_directory", HauberkConfig.DEFAULT_RULES_DIRECTORY)),
                resolve(base, daemon.string("verticles_directory", HauberkConfig.DEFAULT_VERTICLES_DIRECTORY)),
                (int) daemon.integer("handoff_records", HauberkConfig.DEFAULT_HANDOFF_RECORDS, 64, 16_777_216),
                daemon.string("host_name", ""),
                daemon.integer("aggregation_window_ms", HauberkConfig.DEFAULT_AGGREGATION_WINDOW_MS, 0,
                        HauberkConfig.MAX_AGGREGATION_WINDOW_MS));

        JsonObject journalConfig = journal(root.map("journal"), base);

        YamlMap modes = root.map("rule_modes");
        Map<String, String> ruleModes = new LinkedHashMap<>();
        Map<String, String> ruleModeSources = new LinkedHashMap<>();
        for (String rule : modes.keys()) {
            String mode = modes.requireString(rule);
            if (!Set.of("off", "monitor", "enforce").contains(mode)) {
                throw modes.error(rule, "mode '" + mode + "' does not exist; expected off, monitor or enforce");
            }
            ruleModes.put(rule, mode);
            ruleModeSources.put(rule, modes.keyPosition(rule));
        }

        ContainerOptions containers = containers(root.map("containers"));

        // Last, so that a value error elsewhere is reported before a missing directory.
        requireDirectory(daemon, "rules_directory", daemonConfig.rulesDirectory(), base);
        requireDirectory(daemon, "verticles_directory", daemonConfig.verticlesDirectory(), base);

        return new HauberkConfig(absolute, httpConfig, journalConfig, kernelConfig, daemonConfig, Map.copyOf(ruleModes),
                Map.copyOf(ruleModeSources),
                containers);
    }

    /** Reads the containers section, checking every value here so that errors carry positions. */
    private static ContainerOptions containers(YamlMap containers) throws ConfigException {
        containers.requireOnly(Set.of("cri_sockets", "containerd_sockets", "containerd_namespaces", "timeout_ms",
                "retries", "cache_entries", "keep_removed_seconds"));
        List<String> criSockets = containers.has("cri_sockets")
                ? checkedList(containers, "cri_sockets", ContainerOptions::socketPathProblem)
                : ContainerOptions.DEFAULT_CRI_SOCKETS;
        List<String> containerdSockets = containers.has("containerd_sockets")
                ? checkedList(containers, "containerd_sockets", ContainerOptions::socketPathProblem)
                : ContainerOptions.DEFAULT_CONTAINERD_SOCKETS;
        List<String> namespaces = containers.has("containerd_namespaces")
                ? checkedList(containers, "containerd_namespaces", ContainerOptions::namespaceProblem)
                : ContainerOptions.DEFAULT_CONTAINERD_NAMESPACES;
        long timeoutMs = containers.integer("timeout_ms", ContainerOptions.DEFAULT_TIMEOUT_MS,
                ContainerOptions.MIN_TIMEOUT_MS, ContainerOptions.MAX_TIMEOUT_MS);
        int retries = (int) containers.integer("retries", ContainerOptions.DEFAULT_RETRIES, 0, ContainerOptions.MAX_RETRIES);
        int cacheEntries = (int) containers.integer("cache_entries", ContainerOptions.DEFAULT_CACHE_ENTRIES,
                ContainerOptions.MIN_CACHE_ENTRIES, ContainerOptions.MAX_CACHE_ENTRIES);
        long keepRemovedSeconds = containers.integer("keep_removed_seconds", ContainerOptions.DEFAULT_KEEP_REMOVED_SECONDS,
                0, ContainerOptions.MAX_KEEP_REMOVED_SECONDS);
        return new ContainerOptions(criSockets, containerdSockets, namespaces, timeoutMs, retries, cacheEntries,
                keepRemovedSeconds);
    }

    /**
     * Reads a list of plain values, checking each with problem (which returns null for a valid
     * value) and rejecting duplicates. An empty list is valid.
     */
    private static List<String> checkedList(YamlMap map, String key, Function<String, String> problem)
            throws ConfigException {
        List<String> values = map.strings(key);
        List<String> positions = map.itemPositions(key);
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            String where = i < positions.size() ? positions.get(i) : map.position(key);
            String invalid = problem.apply(value);
            if (invalid != null) {
                throw new ConfigException(where + ": " + key + ": " + invalid);
            }
            if (values.subList(0, i).contains(value)) {
                throw new ConfigException(where + ": " + key + ": '" + value + "' is listed twice");
            }
        }
        return List.copyOf(values);
    }

    /** The journal section, checked here so that its errors carry positions, then handed over as JSON. */
    private static JsonObject journal(YamlMap journal, Path base) throws ConfigException {
        journal.requireOnly(Set.of("directory", "max_file_bytes", "max_files", "fsync", "fsync_interval_ms", "index_size"));
        String fsync = journal.string("fsync", "interval");
        if (!Set.of("always", "interval", "never").contains(fsync)) {
            throw journal.error("fsync", "'" + fsync + "' is not one of always, interval, never");
        }
        JsonObject json = new JsonObject()
                .put("directory", resolve(base, journal.string("directory", HauberkConfig.DEFAULT_JOURNAL_DIRECTORY)).toString())
                .put("fsync", fsync);
        if (journal.has("max_file_bytes")) {
            json.put("maxFileBytes", journal.integer("max_file_bytes", 0, 1024, 1L << 40));
        }
        if (journal.has("max_files")) {
            json.put("maxFiles", journal.integer("max_files", 0, 1, 100_000));
        }
        if (journal.has("fsync_interval_ms")) {
            json.put("fsyncIntervalMs", journal.integer("fsync_interval_ms", 0, 1, 3_600_000));
        }
        if (journal.has("index_size")) {
            json.put("indexSize", journal.integer("index_size", 0, 0, 1_000_000));
        }
        return json;
    }

    /** A directory setting that must exist; the error names the key and how relative paths resolve. */
    private static void requireDirectory(YamlMap section, String key, Path resolved, Path base) throws ConfigException {
        if (!Files.isDirectory(resolved)) {
            throw new ConfigException(section.position(key) + ": " + key + ": directory " + resolved
                    + " not found (relative paths resolve against the configuration file's directory, " + base + ")");
        }
    }

    private static Path resolve(Path base, String path) {
        return base.resolve(path).normalize();
    }
}
