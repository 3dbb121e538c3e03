package dev.hauberk.rules;

import static dev.hauberk.rules.wire.RuleLayouts.PREFIX_KEY;
import static dev.hauberk.rules.wire.RuleLayouts.PREFIX_MAX;
import static dev.hauberk.rules.wire.RuleLayouts.offset;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * One key of the LPM trie hk_rule_prefixes, without its generation: an executable path prefix.
 *
 * @param prefixLength the key's prefixlen: {@link dev.hauberk.rules.wire.RuleLayouts#KEY_HEADER_BITS} for
 *                     generation, exception and rule id, plus 8 per byte of the path. The u32 prefixlen
 *                     field itself is not counted.
 */
public record PrefixEntry(boolean exception, int ruleId, String path, int prefixLength) {

    static final long GENERATION = offset(PREFIX_KEY, "generation");
    private static final long PREFIXLEN = offset(PREFIX_KEY, "prefixlen");
    private static final long EXCEPTION = offset(PREFIX_KEY, "exception");
    private static final long RULE_ID = offset(PREFIX_KEY, "rule_id");
    private static final long PATH = offset(PREFIX_KEY, "path");

    /**
     * Writes the key for a generation into key of {@code PREFIX_KEY.byteSize()} bytes.
     * A path longer than the key's buffer is cut there; its prefix length is kept as compiled,
     * so the kernel rejects the update rather than matching a shorter prefix.
     */
    public void writeKey(MemorySegment key, int generation) {
        key.fill((byte) 0);
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        key.set(JAVA_INT, PREFIXLEN, prefixLength);
        key.set(JAVA_BYTE, GENERATION, (byte) generation);
        key.set(JAVA_BYTE, EXCEPTION, (byte) (exception ? 1 : 0));
        key.set(JAVA_SHORT, RULE_ID, (short) ruleId);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, key, PATH, Math.min(bytes.length, PREFIX_MAX));
    }

    /** Reads the generation of a key of hk_rule_prefixes. */
    public static int generationOf(MemorySegment key) {
        return Byte.toUnsignedInt(key.get(JAVA_BYTE, GENERATION));
    }
}
