package dev.hauberk.event.wire;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads fields of a wire struct at a base offset in a record. Offsets come from the
 * layouts in {@link WireLayouts}, looked up by the C field names.
 */
public final class WireReader {

    // Ring records are 8-byte aligned, but a slice handed to a test may not be.
    private static final ValueLayout.OfShort SHORT = JAVA_SHORT.withByteAlignment(1);
    private static final ValueLayout.OfInt INT = JAVA_INT.withByteAlignment(1);
    private static final ValueLayout.OfLong LONG = JAVA_LONG.withByteAlignment(1);

    private final StructLayout layout;

    public WireReader(StructLayout layout) {
        this.layout = layout;
    }

    public long offset(String field) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    public long u64(MemorySegment record, long base, String field) {
        return record.get(LONG, base + offset(field));
    }

    public int s32(MemorySegment record, long base, String field) {
        return record.get(INT, base + offset(field));
    }

    public long u32(MemorySegment record, long base, String field) {
        return Integer.toUnsignedLong(s32(record, base, field));
    }

    public int u16(MemorySegment record, long base, String field) {
        return Short.toUnsignedInt(record.get(SHORT, base + offset(field)));
    }

    public int u8(MemorySegment record, long base, String field) {
        return Byte.toUnsignedInt(record.get(JAVA_BYTE, base + offset(field)));
    }

    /** A byte array field holding length bytes of UTF-8 (clamped to the field's size). */
    public String string(MemorySegment record, long base, String field, int length) {
        long size = layout.select(MemoryLayout.PathElement.groupElement(field)).byteSize();
        int n = (int) Math.min(Math.max(length, 0), size);
        return new String(record.asSlice(base + offset(field), n).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
    }

    /** A NUL-terminated byte array field. */
    public String cString(MemorySegment record, long base, String field) {
        long size = layout.select(MemoryLayout.PathElement.groupElement(field)).byteSize();
        byte[] bytes = record.asSlice(base + offset(field), size).toArray(JAVA_BYTE);
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /** Splits a block of NUL-separated arguments; a truncated last argument is kept as read. */
    public List<String> arguments(MemorySegment record, long base, String field, int length) {
        long size = layout.select(MemoryLayout.PathElement.groupElement(field)).byteSize();
        int n = (int) Math.min(Math.max(length, 0), size);
        byte[] bytes = record.asSlice(base + offset(field), n).toArray(JAVA_BYTE);
        List<String> args = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < n; i++) {
            if (bytes[i] == 0) {
                args.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < n) {
            args.add(new String(bytes, start, n - start, StandardCharsets.UTF_8));
        }
        return List.copyOf(args);
    }
}
