package dev.hauberk.rules;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A rule's scope or its exceptions: the match sets of conf/rules/*.yaml. In a scope, an
 * action must match every non-empty set (and {@code where}); in exceptions, matching any
 * non-empty set exempts it. How a rule uses a set is up to its kernel program: an exec has no
 * destination port, for example.
 *
 * @param where        host, container or any; always {@link Scope#ANY} for exceptions
 * @param exePaths     absolute paths of the executable
 * @param exePrefixes  absolute path prefixes of the executable, at most {@link #PREFIX_MAX_BYTES} bytes
 * @param parentExes   absolute paths of the parent's executable
 * @param uids         at most {@link #UID_RANGES} uid ranges
 * @param containerIds the container runtime's full container ids
 * @param imageIds     image ids, sha256: and 64 hex digits
 * @param ports        destination ports and ranges
 * @param cidrs        destination address ranges
 */
public record MatchSets(
        Scope where,
        List<String> exePaths,
        List<String> exePrefixes,
        List<String> parentExes,
        List<UidRange> uids,
        List<String> containerIds,
        List<String> imageIds,
        List<PortRange> ports,
        List<Cidr> cidrs) {

    /** Mirrors HK_UID_RANGES: uid ranges per scope and per exceptions. */
    public static final int UID_RANGES = 4;
    /** Mirrors HK_PREFIX_MAX less one byte, so that the kernel's path buffer keeps a terminating NUL. */
    public static final int PREFIX_MAX_BYTES = 247;
    /** Mirrors HK_PATH_MAX less the NUL: a longer path is truncated in the kernel and never matches. */
    public static final int PATH_MAX_BYTES = 511;
    /** Ports one set may expand to, ranges included: each is an entry of hk_rule_matches. */
    public static final int MAX_PORTS = 1024;

    public static final MatchSets EMPTY = new MatchSets(Scope.ANY, List.of(), List.of(), List.of(), List.of(),
            List.of(), List.of(), List.of(), List.of());

    public MatchSets {
        exePaths = List.copyOf(exePaths);
        exePrefixes = List.copyOf(exePrefixes);
        parentExes = List.copyOf(parentExes);
        uids = List.copyOf(uids);
        containerIds = List.copyOf(containerIds);
        imageIds = List.copyOf(imageIds);
        ports = List.copyOf(ports);
        cidrs = List.copyOf(cidrs);
    }

    /** Returns the kinds whose set is not empty. */
    public Set<MatchKind> kinds() {
        Set<MatchKind> kinds = EnumSet.noneOf(MatchKind.class);
        for (MatchKind kind : MatchKind.values()) {
            if (!values(kind).isEmpty()) {
                kinds.add(kind);
            }
        }
        return kinds;
    }

    /** Returns the bits of {@link #kinds()}, as in hk_rule_config.scope_sets and exception_sets. */
    public int kindBits() {
        int bits = 0;
        for (MatchKind kind : kinds()) {
            bits |= kind.bit();
        }
        return bits;
    }

    /** Returns the set of one kind. */
    public List<?> values(MatchKind kind) {
        return switch (kind) {
            case EXE_PATH -> exePaths;
            case EXE_PREFIX -> exePrefixes;
            case PARENT_EXE -> parentExes;
            case UID -> uids;
            case CONTAINER_ID -> containerIds;
            case IMAGE_ID -> imageIds;
            case PORT -> ports;
            case CIDR -> cidrs;
        };
    }

    /**
     * Encodes the sets as the policy file has them, leaving out empty ones. With includeWhere
     * (for a scope), "where" is always present.
     */
    public JsonObject toJson(boolean includeWhere) {
        JsonObject json = new JsonObject();
        if (includeWhere) {
            json.put("where", where.jsonName());
        }
        for (MatchKind kind : MatchKind.values()) {
            List<?> values = values(kind);
            if (values.isEmpty()) {
                continue;
            }
            JsonArray array = new JsonArray();
            for (Object value : values) {
                array.add(switch (value) {
                    case UidRange range -> range.toJsonValue();
                    case PortRange range -> range.toJsonValue();
                    case Cidr cidr -> cidr.toString();
                    default -> value;
                });
            }
            json.put(kind.key(), array);
        }
        return json;
    }
}
