package dev.hauberk.event.wire;

import java.nio.charset.StandardCharsets;

/**
 * FNV-1a, 64-bit, over the UTF-8 bytes of a string: the hash that the kernel stores for
 * executable paths (hk_proc.exe_hash) and that userspace writes for image ids, container ids
 * and rule match sets. Both sides must compute it the same way, byte for byte, so every Java
 * caller uses this class.
 */
public final class Fnv1a {

    /** FNV-1a's 64-bit offset basis. */
    public static final long OFFSET_BASIS = 0xcbf29ce484222325L;
    /** FNV-1a's 64-bit prime. */
    public static final long PRIME = 0x100000001b3L;

    private Fnv1a() {
    }

    /** Hashes the UTF-8 encoding of text, without a terminating NUL. */
    public static long hash(String text) {
        return hash(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Hashes bytes as they are. */
    public static long hash(byte[] bytes) {
        long hash = OFFSET_BASIS;
        for (byte b : bytes) {
            hash ^= b & 0xff;
            hash *= PRIME;
        }
        return hash;
    }
}
