package dev.hauberk.sink;

import io.vertx.core.json.JsonObject;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Settings of the {@link Journal}.
 *
 * @param directory       where the journal files are; created with mode 0750 when absent
 * @param maxFileBytes    size in bytes at which the journal starts a new file; a single detection
 *                        larger than this gets a file of its own
 * @param maxFiles        number of files kept, the current one included; the oldest is deleted first
 * @param fsync           when appends are forced to disk
 * @param fsyncIntervalMs with {@link FsyncPolicy#INTERVAL}, the maximum time in ms between an append
 *                        and its fsync
 * @param indexSize       number of the most recent detections kept in memory for queries; 0 reads
 *                        every query from the files
 */
public record JournalOptions(
        Path directory,
        long maxFileBytes,
        int maxFiles,
        FsyncPolicy fsync,
        long fsyncIntervalMs,
        int indexSize) {

    public static final String DEFAULT_DIRECTORY = "/var/lib/hauberk/journal";
    public static final long DEFAULT_MAX_FILE_BYTES = 64L * 1024 * 1024;
    public static final int DEFAULT_MAX_FILES = 16;
    public static final FsyncPolicy DEFAULT_FSYNC = FsyncPolicy.INTERVAL;
    public static final long DEFAULT_FSYNC_INTERVAL_MS = 1000;
    public static final int DEFAULT_INDEX_SIZE = 10_000;

    public static final long MIN_MAX_FILE_BYTES = 1024;
    public static final long MAX_MAX_FILE_BYTES = 1L << 40;
    public static final int MAX_MAX_FILES = 100_000;
    public static final long MAX_FSYNC_INTERVAL_MS = 3_600_000;
    public static final int MAX_INDEX_SIZE = 1_000_000;

    /** The configuration keys that {@link #fromConfig} reads. */
    public static final List<String> KEYS =
            List.of("directory", "maxFileBytes", "maxFiles", "fsync", "fsyncIntervalMs", "indexSize");

    /** Validates the ranges; throws IllegalArgumentException naming the key. */
    public JournalOptions {
        if (directory == null) {
            throw new IllegalArgumentException("journal config key 'directory' is missing");
        }
        requireRange("maxFileBytes", maxFileBytes, MIN_MAX_FILE_BYTES, MAX_MAX_FILE_BYTES);
        requireRange("maxFiles", maxFiles, 1, MAX_MAX_FILES);
        if (fsync == null) {
            throw new IllegalArgumentException("journal config key 'fsync' is missing");
        }
        requireRange("fsyncIntervalMs", fsyncIntervalMs, 1, MAX_FSYNC_INTERVAL_MS);
        requireRange("indexSize", indexSize, 0, MAX_INDEX_SIZE);
    }

    /** Options with every default, in the given directory. */
    public static JournalOptions defaults(Path directory) {
        return new JournalOptions(directory, DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_FILES, DEFAULT_FSYNC,
                DEFAULT_FSYNC_INTERVAL_MS, DEFAULT_INDEX_SIZE);
    }

    /**
     * Reads the options from a verticle configuration; an absent key takes its default.
     * Throws IllegalArgumentException naming the key, the value and the allowed values.
     * Keys this class does not read are returned by {@link #unknownKeys} for the caller to report.
     */
    public static JournalOptions fromConfig(JsonObject config) {
        return new JournalOptions(
                directory(config),
                longValue(config, "maxFileBytes", DEFAULT_MAX_FILE_BYTES, MIN_MAX_FILE_BYTES, MAX_MAX_FILE_BYTES),
                (int) longValue(config, "maxFiles", DEFAULT_MAX_FILES, 1, MAX_MAX_FILES),
                fsync(config),
                longValue(config, "fsyncIntervalMs", DEFAULT_FSYNC_INTERVAL_MS, 1, MAX_FSYNC_INTERVAL_MS),
                (int) longValue(config, "indexSize", DEFAULT_INDEX_SIZE, 0, MAX_INDEX_SIZE));
    }

    /** Returns the keys of a configuration that {@link #fromConfig} does not read, sorted. */
    public static Set<String> unknownKeys(JsonObject config) {
        Set<String> unknown = new TreeSet<>(config.fieldNames());
        unknown.removeAll(KEYS);
        return unknown;
    }

    private static Path directory(JsonObject config) {
        Object value = config.getValue("directory");
        if (value == null) {
            return Path.of(DEFAULT_DIRECTORY);
        }
        if (!(value instanceof String text) || text.isBlank()) {
            throw new IllegalArgumentException(
                    "journal config key 'directory' must be a non-empty path string, got " + describe(value));
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(
                    "journal config key 'directory' is not a valid path: " + e.getMessage(), e);
        }
    }

    private static FsyncPolicy fsync(JsonObject config) {
        Object value = config.getValue("fsync");
        if (value == null) {
            return DEFAULT_FSYNC;
        }
        String names = String.join(", ", Arrays.stream(FsyncPolicy.values()).map(FsyncPolicy::configName).toList());
        if (!(value instanceof String text)) {
            throw new IllegalArgumentException(
                    "journal config key 'fsync' must be one of " + names + ", got " + describe(value));
        }
        return FsyncPolicy.parse(text).orElseThrow(() -> new IllegalArgumentException(
                "journal config key 'fsync' must be one of " + names + ", got " + describe(value)));
    }

    private static long longValue(JsonObject config, String key, long defaultValue, long min, long max) {
        Object value = config.getValue(key);
        if (value == null) {
            return defaultValue;
        }
        boolean integral = value instanceof Integer || value instanceof Long
                || value instanceof Short || value instanceof Byte;
        if (!integral) {
            throw new IllegalArgumentException("journal config key '" + key + "' must be an integer from "
                    + min + " to " + max + ", got " + describe(value));
        }
        long number = ((Number) value).longValue();
        requireRange(key, number, min, max);
        return number;
    }

    private static void requireRange(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("journal config key '" + key + "' must be an integer from "
                    + min + " to " + max + ", got " + value);
        }
    }

    private static String describe(Object value) {
        return value instanceof String text ? "\"" + text + "\"" : String.valueOf(value);
    }
}
