package dev.hauberk.loadtest;

import java.nio.file.Path;

/**
 * Command line of {@link RingBench}, the same options as consumer.c.
 *
 * @param recordBytes       size of each record, its header included
 * @param recordsPerSyscall records the BPF program submits per producer syscall
 * @param ringBytes         size of the ring buffer map, a power of two
 * @param warmupMillis      producer time before the measurement window opens
 * @param durationMillis    producer time after the warm-up
 * @param producerCpu       CPU the producer pins itself to, or -1 to leave it unpinned
 * @param copy              whether each record is copied out of the ring, as the daemon does
 * @param adaptiveWakeup    whether the kernel wakes the consumer as in the daemon, instead of once per batch
 */
record BenchOptions(Path object, Path producer, int recordBytes, int recordsPerSyscall, int ringBytes,
                    long warmupMillis, long durationMillis, int producerCpu, boolean copy, boolean adaptiveWakeup) {

    static final String USAGE = "usage: RingBench --object FILE --producer FILE --record-bytes N --records-per-syscall N\n"
            + "          --ring-bytes N --warmup-ms N --duration-ms N [--producer-cpu N] [--copy]\n"
            + "          [--adaptive-wakeup]";

    /** Mirrors sizeof(struct ringbench_record) and RINGBENCH_MAX_RECORD_BYTES in ringbench.h. */
    private static final int MIN_RECORD_BYTES = 24;
    private static final int MAX_RECORD_BYTES = 4096;

    /** Parses the arguments; throws IllegalArgumentException naming the first invalid one. */
    static BenchOptions parse(String[] args) {
        Path object = null;
        Path producer = null;
        int recordBytes = 0;
        int recordsPerSyscall = 0;
        int ringBytes = 0;
        long warmupMillis = 1000;
        long durationMillis = 0;
        int producerCpu = -1;
        boolean copy = false;
        boolean adaptiveWakeup = false;

        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("--copy")) {
                copy = true;
                continue;
            }
            if (name.equals("--adaptive-wakeup")) {
                adaptiveWakeup = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + name);
            }
            String value = args[++i];
            switch (name) {
                case "--object" -> object = Path.of(value);
                case "--producer" -> producer = Path.of(value);
                case "--record-bytes" -> recordBytes = (int) parseLong(name, value, MIN_RECORD_BYTES, MAX_RECORD_BYTES);
                case "--records-per-syscall" -> recordsPerSyscall = (int) parseLong(name, value, 1, 65536);
                case "--ring-bytes" -> ringBytes = parseRingBytes(value);
                case "--warmup-ms" -> warmupMillis = parseLong(name, value, 0, 600_000);
                case "--duration-ms" -> durationMillis = parseLong(name, value, 1, 600_000);
                case "--producer-cpu" -> producerCpu = (int) parseLong(name, value, 0, 1023);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        if (object == null || producer == null || recordBytes == 0 || recordsPerSyscall == 0 || ringBytes == 0
                || durationMillis == 0) {
            throw new IllegalArgumentException("missing a required option: --object, --producer, --record-bytes,"
                    + " --records-per-syscall, --ring-bytes and --duration-ms are required");
        }
        return new BenchOptions(object, producer, recordBytes, recordsPerSyscall, ringBytes, warmupMillis, durationMillis,
                producerCpu, copy, adaptiveWakeup);
    }

    private static long parseLong(String name, String text, long min, long max) {
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            value = min - 1;
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException("invalid " + name + " '" + text + "': expected an integer in " + min + ".." + max);
        }
        return value;
    }

    private static int parseRingBytes(String text) {
        long value = parseLong("--ring-bytes", text, 4096, 1L << 30);
        if (Long.bitCount(value) != 1) {
            throw new IllegalArgumentException("invalid --ring-bytes " + value + ": expected a power of two");
        }
        return (int) value;
    }
}
