package dev.hauberk.loadtest;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.hauberk.bpf.BpfException;
import dev.hauberk.bpf.BpfLink;
import dev.hauberk.bpf.BpfMap;
import dev.hauberk.bpf.BpfObject;
import dev.hauberk.bpf.Btf;
import dev.hauberk.bpf.Libbpf;
import dev.hauberk.bpf.RingBufferReader;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Java side of the ring reader benchmark: loads ringbench.bpf.o with Hauberk's
 * libbpf binding, starts the producer, consumes with Hauberk's {@link RingBufferReader}
 * and prints one result line. consumer.c does the same steps with libbpf's ring_buffer;
 * keep the two in step.
 */
public final class RingBench {

    /** How long one poll waits for a wakeup before returning. */
    private static final int POLL_TIMEOUT_MILLIS = 100;
    private static final String PROGRAM = "ringbench_on_sys_enter";
    private static final String RING_MAP = "ringbench_events";
    private static final String COUNTERS_MAP = "ringbench_counters";
    /** Mirrors enum ringbench_counter. */
    private static final int COUNTER_SUBMITTED = 0;
    private static final int COUNTER_RESERVE_FAILED = 1;

    private final BenchOptions options;
    private final Btf.Struct configLayout;
    private final Btf.Struct recordLayout;

    private RingBench(BenchOptions options, Btf btf) {
        this.options = options;
        this.configLayout = requireStruct(btf, "ringbench_config");
        this.recordLayout = requireStruct(btf, "ringbench_record");
    }

    public static void main(String[] args) {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ringbench: " + e.getMessage());
            System.err.println(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        try (Btf btf = Btf.parseElf(options.object().toString())) {
            new RingBench(options, btf).run();
        } catch (BpfException e) {
            System.err.println("ringbench: " + e.getMessage());
            if (!e.verifierLog().isEmpty()) {
                System.err.println(e.verifierLog());
            }
            System.exit(1);
        } catch (IOException | IllegalStateException e) {
            System.err.println("ringbench: " + e.getMessage());
            System.exit(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.exit(1);
        }
    }

    private static Btf.Struct requireStruct(Btf btf, String name) {
        return btf.struct(name).orElseThrow(() -> new IllegalStateException("struct " + name + " is missing from the object's BTF"));
    }

    private static long offsetOf(Btf.Struct struct, String member) {
        return struct.members().stream()
                .filter(m -> m.name().equals(member))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("struct " + struct.name() + " has no member " + member))
                .offset();
    }

    private void run() throws BpfException, IOException, InterruptedException {
        // The producer starts first and waits, because its pid is a load-time constant.
        List<String> command = new ArrayList<>(List.of(options.producer().toString(),
                Long.toString(options.warmupMillis() + options.durationMillis())));
        if (options.producerCpu() >= 0) {
            command.add(Integer.toString(options.producerCpu()));
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
        Process producer = builder.start();
        try (Arena arena = Arena.ofConfined();
             BpfObject object = BpfObject.open("ringbench", Files.readAllBytes(options.object()))) {
            object.requireMap(RING_MAP).setMaxEntries(options.ringBytes());
            writeConfig(object, producer.pid());
            object.load();
            try (BpfLink _ = object.requireProgram(PROGRAM).attach();
                 RingBufferReader reader = RingBufferReader.open(object.requireMap(RING_MAP).fd(), options.ringBytes())) {
                measure(object.requireMap(COUNTERS_MAP), reader, producer, arena);
            }
        } finally {
            if (producer.isAlive()) {
                producer.destroyForcibly();
                producer.waitFor();
            }
        }
    }

    /** Writes struct ringbench_config into .rodata at the offsets the object's BTF gives. */
    private void writeConfig(BpfObject object, long producerPid) throws BpfException {
        BpfMap rodata = object.maps().stream()
                .filter(map -> map.name().endsWith(".rodata"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no .rodata map in " + options.object()));
        MemorySegment config = rodata.initialValue();
        if (config.byteSize() != configLayout.size()) {
            throw new IllegalStateException(".rodata of " + options.object() + " is " + config.byteSize()
                    + " bytes, expected only struct ringbench_config (" + configLayout.size() + " bytes)");
        }
        config.fill((byte) 0);
        config.set(JAVA_INT, offsetOf(configLayout, "producer_tgid"), (int) producerPid);
        config.set(JAVA_INT, offsetOf(configLayout, "record_bytes"), options.recordBytes());
        config.set(JAVA_INT, offsetOf(configLayout, "records_per_syscall"), options.recordsPerSyscall());
        config.set(JAVA_INT, offsetOf(configLayout, "adaptive_wakeup"), options.adaptiveWakeup() ? 1 : 0);
    }

    private void measure(BpfMap counters, RingBufferReader reader, Process producer, Arena arena)
            throws BpfException, IOException, InterruptedException {
        long[] windowStartCounters = new long[2];
        BpfException[] windowError = new BpfException[1];
        long startNanos = System.nanoTime();
        long[] schedstatBefore = readSchedstat();
        long[] windowStartSchedstat = new long[2];
        long warmupEndNanos = startNanos + options.warmupMillis() * 1_000_000L;
        RecordTally tally = new RecordTally(offsetOf(recordLayout, "seq"), options.copy() ? options.recordBytes() : 0,
                warmupEndNanos, arena, () -> {
                    try {
                        readCounters(counters, windowStartCounters);
                        System.arraycopy(readSchedstat(), 0, windowStartSchedstat, 0, 2);
                    } catch (BpfException e) {
                        windowError[0] = e;
                    }
                });
        try (OutputStream start = producer.getOutputStream()) {
            start.write('g');
        } catch (IOException e) {
            throw new IOException("sending the start byte to the producer " + options.producer() + " failed ("
                    + e.getMessage() + "); did it exit early?", e);
        }

        long lastRecordNanos = 0;
        long polls = 0;
        do {
            polls++;
            if (reader.poll(POLL_TIMEOUT_MILLIS, tally) > 0) {
                lastRecordNanos = System.nanoTime();
            }
        } while (producer.isAlive());
        // The producer has exited, so everything it submitted is in the ring now.
        if (reader.consume(tally, Integer.MAX_VALUE) > 0) {
            lastRecordNanos = System.nanoTime();
        }
        long[] schedstatAfter = readSchedstat();
        double runqueueWaitShare = schedstatBefore[1] < 0 || schedstatAfter[1] < 0 ? -1
                : (double) (schedstatAfter[1] - schedstatBefore[1]) / (System.nanoTime() - startNanos);
        long windowRecords = tally.consumed() - tally.windowStartConsumed();
        double cpuNanosPerRecord = windowStartSchedstat[0] < 0 || schedstatAfter[0] < 0 || windowRecords == 0 ? -1
                : (double) (schedstatAfter[0] - windowStartSchedstat[0]) / windowRecords;
        if (producer.waitFor() != 0) {
            throw new IllegalStateException("the producer " + options.producer() + " exited with status " + producer.exitValue());
        }
        if (windowError[0] != null) {
            throw windowError[0];
        }
        if (!tally.windowOpen()) {
            throw new IllegalStateException("no measurement window: too few records after the warm-up");
        }
        report(counters, tally, windowStartCounters, lastRecordNanos, polls, runqueueWaitShare, cpuNanosPerRecord);
    }

    /**
     * Prints the result line. polls counts the whole run, so few records per poll means the reader
     * kept up. runqueueWaitShare is the share of the run the reading thread waited for its CPU, and
     * cpuNanosPerRecord its CPU time per record in the window.
     */
    private void report(BpfMap counters, RecordTally tally, long[] windowStart, long lastRecordNanos, long polls,
                        double runqueueWaitShare, double cpuNanosPerRecord) throws BpfException {
        long[] end = new long[2];
        readCounters(counters, end);
        // Both counts cover the whole run, warm-up included, and every submitted record must arrive.
        if (end[COUNTER_SUBMITTED] != tally.consumed()) {
            throw new IllegalStateException(end[COUNTER_SUBMITTED] + " records submitted but " + tally.consumed()
                    + " consumed, so the result is invalid");
        }

        long records = tally.consumed() - tally.windowStartConsumed();
        double seconds = (lastRecordNanos - tally.windowStartNanos()) / 1e9;
        System.out.printf(Locale.ROOT, "result consumer=java record_bytes=%d copy=%d records=%d seconds=%.3f records_per_s=%.0f "
                        + "submitted=%d reserve_failed=%d records_per_poll=%.1f runqueue_wait_share=%.3f cpu_ns_per_record=%.1f "
                        + "checksum=%d%n",
                options.recordBytes(), options.copy() ? 1 : 0, records, seconds, records / seconds,
                end[COUNTER_SUBMITTED] - windowStart[COUNTER_SUBMITTED],
                end[COUNTER_RESERVE_FAILED] - windowStart[COUNTER_RESERVE_FAILED], (double) tally.consumed() / polls,
                runqueueWaitShare, cpuNanosPerRecord, tally.checksum());
    }

    /**
     * Reads the time the calling thread has run on a CPU and waited on a run queue, in
     * nanoseconds, from /proc/thread-self/schedstat; both are -1 if it is unreadable.
     */
    private static long[] readSchedstat() {
        try {
            String[] fields = Files.readString(Path.of("/proc/thread-self/schedstat")).trim().split(" ");
            return new long[] {Long.parseLong(fields[0]), Long.parseLong(fields[1])};
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
    }

    /** Sums the per-CPU counters of ringbench_counters into sums, indexed by enum ringbench_counter. */
    private static void readCounters(BpfMap counters, long[] sums) throws BpfException {
        int cpus = Libbpf.possibleCpus();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(JAVA_INT);
            MemorySegment values = arena.allocate(JAVA_LONG, cpus);
            for (int counter = 0; counter < sums.length; counter++) {
                key.set(JAVA_INT, 0, counter);
                long sum = 0;
                if (counters.lookup(key, values)) {
                    for (int cpu = 0; cpu < cpus; cpu++) {
                        sum += values.getAtIndex(JAVA_LONG, cpu);
                    }
                }
                sums[counter] = sum;
            }
        }
    }
}
