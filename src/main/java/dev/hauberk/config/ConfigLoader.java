package dev.hauberk.config;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

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
        http.requireOnly(Set.of("host", "port"));
        HauberkConfig.Http httpConfig = new HauberkConfig.Http(
                http.string("host", HauberkConfig.DEFAULT_HTTP_HOST),
                (int) http.integer("port", HauberkConfig.DEFAULT_HTTP_PORT, 1, 65_535));

        YamlMap kernel = root.map("kernel");
        kernel.requireOnly(Set.of("ring_buffer_bytes", "process_table_entries"));
        long ringBytes = kernel.integer("ring_buffer_bytes", HauberkConfig.DEFAULT_RING_BUFFER_BYTES,
                MIN_RING_BUFFER_BYTES, MAX_RING_BUFFER_BYTES);
        if (Long.bitCount(ringBytes) != 1) {
            throw kernel.error("ring_buffer_bytes", ringBytes + " is not a power of two");
        }
        HauberkConfig.Kernel kernelConfig = new HauberkConfig.Kernel(ringBytes,
                kernel.integer("process_table_entries", HauberkConfig.DEFAULT_PROCESS_TABLE_ENTRIES, 1024, 4_194_304));

        YamlMap daemon = root.map("daemon");
        daemon.requireOnly(Set.of("lock_file", "rules_directory", "verticles_directory", "handoff_records", "host_name"));
        HauberkConfig.Daemon daemonConfig = new HauberkConfig.Daemon(
                resolve(base, daemon.string("lock_file", HauberkConfig.DEFAULT_LOCK_FILE)),
                resolve(base, daemon.string("rules_directory", HauberkConfig.DEFAULT_RULES_DIRECTORY)),
                resolve(base, daemon.string("verticles_directory", HauberkConfig.DEFAULT_VERTICLES_DIRECTORY)),
                (int) daemon.integer("handoff_records", HauberkConfig.DEFAULT_HANDOFF_RECORDS, 64, 16_777_216),
                daemon.string("host_name", ""));

        JsonObject journalConfig = journal(root.map("journal"), base);

        YamlMap modes = root.map("rule_modes");
        Map<String, String> ruleModes = new LinkedHashMap<>();
        for (String rule : modes.keys()) {
            String mode = modes.requireString(rule);
            if (!Set.of("off", "monitor", "enforce").contains(mode)) {
                throw modes.error(rule, "mode '" + mode + "' does not exist; expected off, monitor or enforce");
            }
            ruleModes.put(rule, mode);
        }

        return new HauberkConfig(absolute, httpConfig, journalConfig, kernelConfig, daemonConfig, Map.copyOf(ruleModes));
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

    private static Path resolve(Path base, String path) {
        return base.resolve(path).normalize();
    }
}
