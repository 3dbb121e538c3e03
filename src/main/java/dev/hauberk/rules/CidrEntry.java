package dev.hauberk.rules;

import static dev.hauberk.rules.wire.RuleLayouts.CIDR_KEY;
import static dev.hauberk.rules.wire.RuleLayouts.offset;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;

/**
 * One key of the LPM trie hk_rule_cidrs, without its generation: a destination address range.
 *
 * @param prefixLength the key's prefixlen: {@link dev.hauberk.rules.wire.RuleLayouts#KEY_HEADER_BITS} for
 *                     generation, exception and rule id, plus the range's bits within the 128-bit
 *                     address (96 + n for an IPv4 /n, which is mapped to ::ffff:a.b.c.d)
 */
public record CidrEntry(boolean exception, int ruleId, Cidr cidr, int prefixLength) {

    static final long GENERATION = offset(CIDR_KEY, "generation");
    private static final long PREFIXLEN = offset(CIDR_KEY, "prefixlen");
    private static final long EXCEPTION = offset(CIDR_KEY, "exception");
    private static final long RULE_ID = offset(CIDR_KEY, "rule_id");
    private static final long ADDR = offset(CIDR_KEY, "addr");

    /** Writes the key for a generation into key of {@code CIDR_KEY.byteSize()} bytes. */
    public void writeKey(MemorySegment key, int generation) {
        key.fill((byte) 0);
        key.set(JAVA_INT, PREFIXLEN, prefixLength);
        key.set(JAVA_BYTE, GENERATION, (byte) generation);
        key.set(JAVA_BYTE, EXCEPTION, (byte) (exception ? 1 : 0));
        key.set(JAVA_SHORT, RULE_ID, (short) ruleId);
        MemorySegment.copy(MemorySegment.ofArray(cidr.mappedAddress()), 0, key, ADDR, 16);
    }

    /** Reads the generation of a key of hk_rule_cidrs. */
    public static int generationOf(MemorySegment key) {
        return Byte.toUnsignedInt(key.get(JAVA_BYTE, GENERATION));
    }
}
