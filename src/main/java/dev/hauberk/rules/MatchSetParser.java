package dev.hauberk.rules;

import dev.hauberk.config.ConfigException;
import dev.hauberk.config.YamlMap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads a rule's {@code scope} or {@code exceptions} mapping, checking every value; each error
 * names the item's file:line:column, the key (such as scope.exe_paths) and the reason.
 */
final class MatchSetParser {

    private static final Pattern IMAGE_ID = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern CONTAINER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private final YamlMap map;
    private final String section;

    private MatchSetParser(YamlMap map, String section) {
        this.map = map;
        this.section = section;
    }

    /** Reads rule.scope; an absent scope is {@link MatchSets#EMPTY}, applying everywhere. */
    static MatchSets scope(YamlMap rule) throws ConfigException {
        return new MatchSetParser(rule.map("scope"), "scope").parse(true);
    }

    /** Reads rule.exceptions; absent means none. */
    static MatchSets exceptions(YamlMap rule) throws ConfigException {
        return new MatchSetParser(rule.map("exceptions"), "exceptions").parse(false);
    }

    private MatchSets parse(boolean isScope) throws ConfigException {
        Set<String> allowed = new HashSet<>();
        for (MatchKind kind : MatchKind.values()) {
            allowed.add(kind.key());
        }
        if (isScope) {
            allowed.add("where");
        }
        map.requireOnly(allowed);

        Scope where = Scope.ANY;
        if (isScope) {
            String text = map.string("where", "any");
            where = Scope.parse(text).orElseThrow(() -> error(map.position("where"), "where",
                    "'" + text + "' is not one of any, host, container"));
        }
        MatchSets sets = new MatchSets(where,
                items(MatchKind.EXE_PATH, text -> pathProblem(text, false)),
                items(MatchKind.EXE_PREFIX, text -> pathProblem(text, true)),
                items(MatchKind.PARENT_EXE, text -> pathProblem(text, false)),
                uids(),
                items(MatchKind.CONTAINER_ID, MatchSetParser::containerIdProblem),
                items(MatchKind.IMAGE_ID, MatchSetParser::imageIdProblem),
                ports(),
                cidrs());
        if (where == Scope.HOST) {
            for (MatchKind kind : List.of(MatchKind.CONTAINER_ID, MatchKind.IMAGE_ID)) {
                if (!sets.values(kind).isEmpty()) {
                    throw error(map.position(kind.key()), kind.key(),
                            "never matches with where: host, because host processes have no container; remove one of them");
                }
            }
        }
        return sets;
    }

    /** Reads a list of strings, checking each with problem (null when valid) and rejecting duplicates. */
    private List<String> items(MatchKind kind, Function<String, String> problem) throws ConfigException {
        List<String> values = map.strings(kind.key());
        List<String> positions = map.itemPositions(kind.key());
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            String invalid = problem.apply(value);
            if (invalid != null) {
                throw error(positions.get(i), kind.key(), "'" + value + "' " + invalid);
            }
            if (values.subList(0, i).contains(value)) {
                throw error(positions.get(i), kind.key(), "'" + value + "' is listed twice");
            }
        }
        return values;
    }

    private List<UidRange> uids() throws ConfigException {
        String key = MatchKind.UID.key();
        List<String> values = map.strings(key);
        List<String> positions = map.itemPositions(key);
        List<UidRange> ranges = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            if (i == MatchSets.UID_RANGES) {
                throw error(positions.get(i), key, values.size() + " entries, but at most " + MatchSets.UID_RANGES
                        + " fit in the kernel's rule config; merge them into ranges such as 1000-1999");
            }
            try {
                ranges.add(UidRange.parse(values.get(i)));
            } catch (IllegalArgumentException e) {
                throw error(positions.get(i), key, "'" + values.get(i) + "' " + e.getMessage());
            }
        }
        return ranges;
    }

    private List<PortRange> ports() throws ConfigException {
        String key = MatchKind.PORT.key();
        List<String> values = map.strings(key);
        List<String> positions = map.itemPositions(key);
        List<PortRange> ranges = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < values.size(); i++) {
            PortRange range;
            try {
                range = PortRange.parse(values.get(i));
            } catch (IllegalArgumentException e) {
                throw error(positions.get(i), key, "'" + values.get(i) + "' " + e.getMessage());
            }
            total += range.size();
            if (total > MatchSets.MAX_PORTS) {
                throw error(positions.get(i), key, "'" + values.get(i) + "' takes the set to " + total
                        + " ports, more than the " + MatchSets.MAX_PORTS + " allowed per set");
            }
            ranges.add(range);
        }
        return ranges;
    }

    private List<Cidr> cidrs() throws ConfigException {
        String key = MatchKind.CIDR.key();
        List<String> values = map.strings(key);
        List<String> positions = map.itemPositions(key);
        List<Cidr> cidrs = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            Cidr cidr;
            try {
                cidr = Cidr.parse(values.get(i));
            } catch (IllegalArgumentException e) {
                throw error(positions.get(i), key, "'" + values.get(i) + "' " + e.getMessage());
            }
            if (cidrs.contains(cidr)) {
                throw error(positions.get(i), key, "'" + values.get(i) + "' is listed twice");
            }
            cidrs.add(cidr);
        }
        return cidrs;
    }

    /**
     * Returns why text is not a valid path (or, with prefix, path prefix) for a match set, or
     * null. The kernel reports normalized paths, so "/usr//bin" or "/opt/../bin" would never match.
     */
    static String pathProblem(String text, boolean prefix) {
        if (!text.startsWith("/")) {
            return "is not an absolute path: it must start with /";
        }
        if (text.indexOf('\0') >= 0) {
            return "contains a NUL byte";
        }
        String body = prefix && text.length() > 1 && text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        if (body.contains("//") || (body.length() > 1 && body.endsWith("/")) || body.contains("/./")
                || body.contains("/../") || body.endsWith("/.") || body.endsWith("/..")) {
            return "is not a normalized path: remove empty, '.' and '..' components"
                    + (prefix ? "" : " and the trailing /");
        }
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        int max = prefix ? MatchSets.PREFIX_MAX_BYTES : MatchSets.PATH_MAX_BYTES;
        if (bytes > max) {
            return "is " + bytes + " bytes long; at most " + max + " bytes are allowed";
        }
        return null;
    }

    static String containerIdProblem(String text) {
        return CONTAINER_ID.matcher(text).matches() ? null
                : "is not a container id: expected the runtime's full id, letters, digits, '_', '.' and '-', at most 128";
    }

    static String imageIdProblem(String text) {
        return IMAGE_ID.matcher(text).matches() ? null
                : "is not an image id: expected sha256: followed by 64 lower-case hex digits";
    }

    private ConfigException error(String position, String key, String message) {
        return new ConfigException(position + ": " + section + "." + key + ": " + message);
    }
}
