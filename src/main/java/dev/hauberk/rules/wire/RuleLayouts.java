package dev.hauberk.rules.wire;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.util.Map;

/**
 * Java mirrors of the rule map structs in bpf/lib/rules.h, field for field with the C names.
 * WireLayoutTest checks each one against the BTF of the built object.
 */
public final class RuleLayouts {

    /** Mirrors HK_GENERATIONS. */
    public static final int GENERATIONS = 2;
    /** Mirrors HK_RULE_ID_MAX: rule slots per generation in hk_rule_config. */
    public static final int RULE_ID_MAX = 256;
    /** Mirrors HK_UID_RANGES. */
    public static final int UID_RANGES = 4;
    /** Mirrors HK_PREFIX_MAX: bytes of hk_prefix_key.path. */
    public static final int PREFIX_MAX = 248;
    /** Bits of hk_prefix_key and hk_cidr_key that the LPM prefix counts before the path or address. */
    public static final int KEY_HEADER_BITS = 32;

    /** max_entries of hk_rule_matches, hk_rule_prefixes and hk_rule_cidrs, shared by both generations. */
    public static final int MATCH_ENTRIES = 65_536;
    public static final int PREFIX_ENTRIES = 4096;
    public static final int CIDR_ENTRIES = 4096;

    /** Mirrors struct hk_uid_range. */
    public static final StructLayout UID_RANGE = MemoryLayout.structLayout(
            JAVA_INT.withName("first"),
            JAVA_INT.withName("last")).withName("hk_uid_range");

    /** Mirrors struct hk_rule_config: the value of hk_rule_config. */
    public static final StructLayout RULE_CONFIG = MemoryLayout.structLayout(
            JAVA_BYTE.withName("mode"),
            JAVA_BYTE.withName("scope"),
            JAVA_SHORT.withName("scope_sets"),
            JAVA_SHORT.withName("exception_sets"),
            JAVA_SHORT.withName("pad0"),
            JAVA_INT.withName("uid_ranges"),
            JAVA_INT.withName("exception_uid_ranges"),
            MemoryLayout.sequenceLayout(UID_RANGES, UID_RANGE).withName("uids"),
            MemoryLayout.sequenceLayout(UID_RANGES, UID_RANGE).withName("exception_uids")).withName("hk_rule_config");

    /** Mirrors struct hk_rule_generation: the value of hk_rule_generation[0]. */
    public static final StructLayout RULE_GENERATION = MemoryLayout.structLayout(
            JAVA_INT.withName("index"),
            JAVA_INT.withName("number")).withName("hk_rule_generation");

    /** Mirrors struct hk_match_key: the key of hk_rule_matches. */
    public static final StructLayout MATCH_KEY = MemoryLayout.structLayout(
            JAVA_BYTE.withName("generation"),
            JAVA_BYTE.withName("kind"),
            JAVA_BYTE.withName("exception"),
            JAVA_BYTE.withName("pad0"),
            JAVA_SHORT.withName("rule_id"),
            JAVA_SHORT.withName("pad1"),
            JAVA_LONG.withName("value")).withName("hk_match_key");

    /** Mirrors struct hk_prefix_key: the LPM key of hk_rule_prefixes. */
    public static final StructLayout PREFIX_KEY = MemoryLayout.structLayout(
            JAVA_INT.withName("prefixlen"),
            JAVA_BYTE.withName("generation"),
            JAVA_BYTE.withName("exception"),
            JAVA_SHORT.withName("rule_id"),
            MemoryLayout.sequenceLayout(PREFIX_MAX, JAVA_BYTE).withName("path")).withName("hk_prefix_key");

    /** Mirrors struct hk_cidr_key: the LPM key of hk_rule_cidrs. */
    public static final StructLayout CIDR_KEY = MemoryLayout.structLayout(
            JAVA_INT.withName("prefixlen"),
            JAVA_BYTE.withName("generation"),
            JAVA_BYTE.withName("exception"),
            JAVA_SHORT.withName("rule_id"),
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("addr")).withName("hk_cidr_key");

    /** Mirrors struct hk_rule_stats: one CPU's value of the per-CPU hk_rule_stats. */
    public static final StructLayout RULE_STATS = MemoryLayout.structLayout(
            JAVA_LONG.withName("reported"),
            JAVA_LONG.withName("killed"),
            JAVA_LONG.withName("blocked"),
            JAVA_LONG.withName("excepted")).withName("hk_rule_stats");

    /** Every mirrored struct, by its C name. */
    public static final Map<String, StructLayout> ALL = Map.of(
            "hk_uid_range", UID_RANGE,
            "hk_rule_config", RULE_CONFIG,
            "hk_rule_generation", RULE_GENERATION,
            "hk_match_key", MATCH_KEY,
            "hk_prefix_key", PREFIX_KEY,
            "hk_cidr_key", CIDR_KEY,
            "hk_rule_stats", RULE_STATS);

    private RuleLayouts() {
    }

    /** Byte offset of a field of a struct mirror. */
    public static long offset(StructLayout layout, String field) {
        return layout.byteOffset(groupElement(field));
    }
}
