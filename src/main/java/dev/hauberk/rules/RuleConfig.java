package dev.hauberk.rules;

import static dev.hauberk.rules.wire.RuleLayouts.RULE_CONFIG;
import static dev.hauberk.rules.wire.RuleLayouts.UID_RANGE;
import static dev.hauberk.rules.wire.RuleLayouts.offset;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * One rule's entry of hk_rule_config, as compiled: its mode, where it applies, which match
 * sets its scope and exceptions use, and its uid ranges (which live inline in the entry).
 *
 * @param scopeSets     bits of {@link MatchKind} that the scope uses
 * @param exceptionSets bits of {@link MatchKind} that the exceptions use
 */
public record RuleConfig(
        int ruleId,
        RuleMode mode,
        Scope scope,
        int scopeSets,
        int exceptionSets,
        List<UidRange> uids,
        List<UidRange> exceptionUids) {

    private static final long MODE = offset(RULE_CONFIG, "mode");
    private static final long SCOPE = offset(RULE_CONFIG, "scope");
    private static final long SCOPE_SETS = offset(RULE_CONFIG, "scope_sets");
    private static final long EXCEPTION_SETS = offset(RULE_CONFIG, "exception_sets");
    private static final long UID_COUNT = offset(RULE_CONFIG, "uid_ranges");
    private static final long EXCEPTION_UID_COUNT = offset(RULE_CONFIG, "exception_uid_ranges");
    private static final long UIDS = offset(RULE_CONFIG, "uids");
    private static final long EXCEPTION_UIDS = offset(RULE_CONFIG, "exception_uids");

    public RuleConfig {
        uids = List.copyOf(uids);
        exceptionUids = List.copyOf(exceptionUids);
        if (uids.size() > MatchSets.UID_RANGES || exceptionUids.size() > MatchSets.UID_RANGES) {
            throw new IllegalArgumentException("rule " + ruleId + " has more than " + MatchSets.UID_RANGES
                    + " uid ranges in its scope or exceptions");
        }
    }

    /** Returns the entry of a rule id that the catalogue does not define: all zero, so off. */
    public static RuleConfig unused(int ruleId) {
        return new RuleConfig(ruleId, RuleMode.OFF, Scope.ANY, 0, 0, List.of(), List.of());
    }

    /** Writes the entry into value of {@code RULE_CONFIG.byteSize()} bytes; padding is zeroed. */
    public void write(MemorySegment value) {
        value.fill((byte) 0);
        value.set(JAVA_BYTE, MODE, (byte) mode.code());
        value.set(JAVA_BYTE, SCOPE, (byte) scope.code());
        value.set(JAVA_SHORT, SCOPE_SETS, (short) scopeSets);
        value.set(JAVA_SHORT, EXCEPTION_SETS, (short) exceptionSets);
        value.set(JAVA_INT, UID_COUNT, uids.size());
        value.set(JAVA_INT, EXCEPTION_UID_COUNT, exceptionUids.size());
        writeRanges(value, UIDS, uids);
        writeRanges(value, EXCEPTION_UIDS, exceptionUids);
    }

    private static void writeRanges(MemorySegment value, long base, List<UidRange> ranges) {
        for (int i = 0; i < ranges.size(); i++) {
            long at = base + i * UID_RANGE.byteSize();
            value.set(JAVA_INT, at + offset(UID_RANGE, "first"), (int) ranges.get(i).first());
            value.set(JAVA_INT, at + offset(UID_RANGE, "last"), (int) ranges.get(i).last());
        }
    }

    /** Reads the mode byte of an entry. */
    public static RuleMode modeOf(MemorySegment value) {
        return RuleMode.fromCode(Byte.toUnsignedInt(value.get(JAVA_BYTE, MODE)));
    }

    /** Replaces the mode byte of an entry, leaving every other field as it is. */
    public static void setMode(MemorySegment value, RuleMode mode) {
        value.set(JAVA_BYTE, MODE, (byte) mode.code());
    }
}
