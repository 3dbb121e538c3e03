package dev.hauberk.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * A YAML mapping read with its source positions, so that every error names
 * file:line:column. Keys are checked against the set the caller expects: an unknown
 * key is an error, not silently ignored.
 */
public final class YamlMap {

    private final String file;
    private final Node node;
    private final Map<String, NodeTuple> entries;

    private YamlMap(String file, Node node, Map<String, NodeTuple> entries) {
        this.file = file;
        this.node = node;
        this.entries = entries;
    }

    /** Parses a file whose top level must be a mapping; an empty file is an empty mapping. */
    public static YamlMap parseFile(Path path) throws ConfigException {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(path + ": cannot read: " + e.getMessage(), e);
        }
        return parse(path.toString(), new java.io.StringReader(text));
    }

    public static YamlMap parse(String file, Reader reader) throws ConfigException {
        LoadSettings settings = LoadSettings.builder().setLabel(file).build();
        Optional<Node> root;
        try {
            root = new Compose(settings).composeReader(reader);
        } catch (MarkedYamlEngineException e) {
            String where = e.getProblemMark().map(m -> position(file, m)).orElse(file);
            throw new ConfigException(where + ": invalid YAML: " + e.getProblem(), e);
        } catch (YamlEngineException e) {
            throw new ConfigException(file + ": invalid YAML: " + e.getMessage(), e);
        }
        if (root.isEmpty()) {
            return new YamlMap(file, null, Map.of());
        }
        return of(file, root.get());
    }

    private static YamlMap of(String file, Node node) throws ConfigException {
        if (!(node instanceof MappingNode mapping)) {
            throw new ConfigException(position(file, node) + ": expected a mapping of keys to values");
        }
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                throw new ConfigException(position(file, tuple.getKeyNode()) + ": a key must be a plain string");
            }
            if (entries.putIfAbsent(key.getValue(), tuple) != null) {
                throw new ConfigException(position(file, key) + ": duplicate key '" + key.getValue() + "'");
            }
        }
        return new YamlMap(file, node, entries);
    }

    static String position(String file, Mark mark) {
        return file + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
    }

    static String position(String file, Node node) {
        return node == null ? file : node.getStartMark().map(m -> position(file, m)).orElse(file);
    }

    /** file:line:column of this mapping. */
    public String position() {
        return position(file, node);
    }

    /** file:line:column of the value of key, or of the mapping when the key is absent. */
    public String position(String key) {
        NodeTuple tuple = entries.get(key);
        return tuple == null ? position() : position(file, tuple.getValueNode());
    }

    /** file:line:column of the key itself. */
    public String keyPosition(String key) {
        NodeTuple tuple = entries.get(key);
        return tuple == null ? position() : position(file, tuple.getKeyNode());
    }

    public String file() {
        return file;
    }

    public Set<String> keys() {
        return entries.keySet();
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    /** Fails on the first key not in allowed, naming it and the keys that are allowed. */
    public void requireOnly(Set<String> allowed) throws ConfigException {
        for (String key : entries.keySet()) {
            if (!allowed.contains(key)) {
                throw new ConfigException(keyPosition(key) + ": unknown key '" + key + "'; expected one of "
                        + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        }
    }

    public ConfigException error(String key, String message) {
        return new ConfigException(position(key) + ": " + key + ": " + message);
    }

    private Node value(String key) {
        NodeTuple tuple = entries.get(key);
        return tuple == null ? null : tuple.getValueNode();
    }

    private ScalarNode scalar(String key) throws ConfigException {
        Node value = value(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof ScalarNode scalar)) {
            throw error(key, "expected a single value");
        }
        return scalar;
    }

    public Optional<String> string(String key) throws ConfigException {
        ScalarNode scalar = scalar(key);
        if (scalar == null || isNull(scalar)) {
            return Optional.empty();
        }
        return Optional.of(scalar.getValue());
    }

    public String string(String key, String defaultValue) throws ConfigException {
        return string(key).orElse(defaultValue);
    }

    public String requireString(String key) throws ConfigException {
        return string(key).orElseThrow(() -> new ConfigException(position() + ": missing required key '" + key + "'"));
    }

    /**
     * An integer value within [min, max]; absent gives defaultValue. A present key needs a
     * plain number: an explicit null or a quoted string is an error, not a default.
     */
    public long integer(String key, long defaultValue, long min, long max) throws ConfigException {
        ScalarNode scalar = scalar(key);
        if (scalar == null) {
            return defaultValue;
        }
        if (isNull(scalar)) {
            throw error(key, "needs a number; remove the key to use the default " + defaultValue);
        }
        String text = scalar.getValue();
        if (!scalar.isPlain()) {
            throw error(key, "'" + text + "' is quoted; write the number without quotes");
        }
        long value;
        try {
            value = Long.parseLong(text.replace("_", ""));
        } catch (NumberFormatException e) {
            String reason = text.replace("_", "").matches("-?\\d+") ? "is out of range [" + min + ", " + max + "]"
                    : "is not an integer";
            throw error(key, "'" + text + "' " + reason);
        }
        if (value < min || value > max) {
            throw error(key, value + " is out of range [" + min + ", " + max + "]");
        }
        return value;
    }

    public long requireInteger(String key, long min, long max) throws ConfigException {
        if (string(key).isEmpty()) {
            throw new ConfigException(position() + ": missing required key '" + key + "'");
        }
        return integer(key, 0, min, max);
    }

    public boolean bool(String key, boolean defaultValue) throws ConfigException {
        Optional<String> text = string(key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        return switch (text.get()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw error(key, "'" + text.get() + "' is not true or false");
        };
    }

    /** A nested mapping; absent means empty. */
    public YamlMap map(String key) throws ConfigException {
        Node value = value(key);
        if (value == null || (value instanceof ScalarNode scalar && isNull(scalar))) {
            return new YamlMap(file, node, Map.of());
        }
        if (!(value instanceof MappingNode)) {
            throw error(key, "expected a mapping of keys to values");
        }
        return of(file, value);
    }

    /** A sequence of plain values; a single value counts as a one-element list. */
    public List<String> strings(String key) throws ConfigException {
        Node value = value(key);
        List<String> result = new ArrayList<>();
        if (value == null) {
            return result;
        }
        if (value instanceof ScalarNode scalar) {
            if (!isNull(scalar)) {
                result.add(scalar.getValue());
            }
            return result;
        }
        if (!(value instanceof SequenceNode sequence)) {
            throw error(key, "expected a list of values");
        }
        for (Node item : sequence.getValue()) {
            if (!(item instanceof ScalarNode scalar)) {
                throw new ConfigException(position(file, item) + ": " + key + ": expected a single value in the list");
            }
            result.add(scalar.getValue());
        }
        return result;
    }

    /** The positions of the items of a sequence, for errors about one item. */
    public List<String> itemPositions(String key) {
        Node value = value(key);
        List<String> result = new ArrayList<>();
        if (value instanceof SequenceNode sequence) {
            for (Node item : sequence.getValue()) {
                result.add(position(file, item));
            }
        } else if (value != null) {
            result.add(position(file, value));
        }
        return result;
    }

    /** A sequence of mappings. */
    public List<YamlMap> maps(String key) throws ConfigException {
        Node value = value(key);
        List<YamlMap> result = new ArrayList<>();
        if (value == null) {
            return result;
        }
        if (!(value instanceof SequenceNode sequence)) {
            throw error(key, "expected a list of mappings");
        }
        Set<Node> seen = new HashSet<>();
        for (Node item : sequence.getValue()) {
            if (seen.add(item)) {
                result.add(of(file, item));
            }
        }
        return result;
    }

    private static boolean isNull(ScalarNode scalar) {
        String text = scalar.getValue();
        return scalar.getTag().getValue().endsWith(":null") || (scalar.isPlain() && ("~".equals(text) || "null".equals(text) || text.isEmpty()));
    }
}
