package dev.hauberk.rules;

import static dev.hauberk.rules.wire.RuleLayouts.MATCH_KEY;
import static dev.hauberk.rules.wire.RuleLayouts.offset;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;

/**
 * One key of hk_rule_matches, without its generation: an exact value of a match set.
 *
 * @param value FNV-1a of the path or id ({@link dev.hauberk.event.wire.Fnv1a}), or the port number
 * @param text  the value as the policy wrote it, for messages
 */
public record MatchEntry(MatchKind kind, boolean exception, int ruleId, long value, String text) {

    static final long GENERATION = offset(MATCH_KEY, "generation");
    private static final long KIND = offset(MATCH_KEY, "kind");
    private static final long EXCEPTION = offset(MATCH_KEY, "exception");
    private static final long RULE_ID = offset(MATCH_KEY, "rule_id");
    private static final long VALUE = offset(MATCH_KEY, "value");

    /** Writes the key for a generation into key of {@code MATCH_KEY.byteSize()} bytes. */
    public void writeKey(MemorySegment key, int generation) {
        key.fill((byte) 0);
        key.set(JAVA_BYTE, GENERATION, (byte) generation);
        key.set(JAVA_BYTE, KIND, (byte) kind.code());
        key.set(JAVA_BYTE, EXCEPTION, (byte) (exception ? 1 : 0));
        key.set(JAVA_SHORT, RULE_ID, (short) ruleId);
        key.set(JAVA_LONG, VALUE, value);
    }

    /** Reads the generation of a key of hk_rule_matches. */
    public static int generationOf(MemorySegment key) {
        return Byte.toUnsignedInt(key.get(JAVA_BYTE, GENERATION));
    }
}
