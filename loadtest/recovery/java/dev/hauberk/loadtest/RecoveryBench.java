package dev.hauberk.loadtest;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.hauberk.bpf.BpfException;
import dev.hauberk.bpf.BpfMap;
import dev.hauberk.config.HauberkConfig;
import dev.hauberk.kernel.CgroupHierarchy;
import dev.hauberk.kernel.HostNamespaces;
import dev.hauberk.kernel.KernelCapabilities;
import dev.hauberk.sensor.RecoveryPass;
import dev.hauberk.sensor.Sensor;
import dev.hauberk.sensor.SensorOptions;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The recovery benchmark: with N spawned processes alive, times the daemon's
 * rebuild_process_table iterator pass against a /proc walk that gathers the same facts,
 * alternating, in one JVM. Prints one result line per pass; loadtest/recovery/run turns
 * them into the table.
 */
public final class RecoveryBench {

    static final String USAGE = "usage: RecoveryBench --spawner FILE --processes N[,N...] --runs N --warmup N";

    private enum Method {
        ITERATOR("iterator"), PROC("proc");

        final String label;

        Method(String label) {
            this.label = label;
        }
    }

    /**
     * Command-line options of RecoveryBench.
     *
     * @param processCounts processes to spawn, one measurement per count, in order
     * @param runs          timed passes per method and count
     * @param warmupRuns    untimed passes per method and count before the timed ones; the first is reported as "first"
     */
    record Options(Path spawner, List<Integer> processCounts, int runs, int warmupRuns) {

        static Options parse(String[] args) {
            Path spawner = null;
            List<Integer> counts = new ArrayList<>();
            int runs = 7;
            int warmupRuns = 3;
            for (int i = 0; i < args.length; i += 2) {
                String name = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + name);
                }
                String value = args[i + 1];
                switch (name) {
                    case "--spawner" -> spawner = Path.of(value);
                    case "--processes" -> {
                        for (String count : value.split(",")) {
                            counts.add(parseInt(name, count, 1, 1_000_000));
                        }
                    }
                    case "--runs" -> runs = parseInt(name, value, 1, 1000);
                    case "--warmup" -> warmupRuns = parseInt(name, value, 1, 1000);
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            }
            if (spawner == null || counts.isEmpty()) {
                throw new IllegalArgumentException("missing a required option: --spawner and --processes are required");
            }
            return new Options(spawner, List.copyOf(counts), runs, warmupRuns);
        }

        private static int parseInt(String name, String text, int min, int max) {
            int value;
            try {
                value = Integer.parseInt(text.strip());
            } catch (NumberFormatException e) {
                value = min - 1;
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException("invalid " + name + " '" + text + "': expected an integer in " + min + ".." + max);
            }
            return value;
        }
    }

    private final Options options;
    private final RecoveryPass recovery;
    /** The live population, for the shutdown hook; null between counts. */
    private volatile SpawnedProcesses spawned;

    private RecoveryBench(Options options, RecoveryPass recovery) {
        this.options = options;
        this.recovery = recovery;
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("recovery: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        try (RecoveryPass recovery = RecoveryPass.load(Sensor.bundledObject(), sensorOptions())) {
            RecoveryBench bench = new RecoveryBench(options, recovery);
            // On SIGTERM or SIGINT the spawner still gets to kill and reap its children.
            Runtime.getRuntime().addShutdownHook(new Thread(bench::terminateSpawned, "recovery-bench-shutdown"));
            bench.run();
        } catch (BpfException e) {
            System.err.println("recovery: " + e.getMessage());
            if (!e.verifierLog().isEmpty()) {
                System.err.println(e.verifierLog());
            }
            System.exit(1);
        } catch (IOException | IllegalStateException e) {
            System.err.println("recovery: " + e.getMessage());
            System.exit(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.exit(1);
        }
    }

    /** Builds sensor options from the daemon's defaults, with nothing pinned. */
    private static SensorOptions sensorOptions() throws IOException, BpfException {
        return new SensorOptions(HauberkConfig.DEFAULT_RING_BUFFER_BYTES, HauberkConfig.DEFAULT_PROCESS_TABLE_ENTRIES,
                HauberkConfig.DEFAULT_PROCESS_HISTORY_ENTRIES, HauberkConfig.DEFAULT_ANCESTRY_DEPTH,
                CgroupHierarchy.resolve(HauberkConfig.DEFAULT_CGROUP_HIERARCHY), HostNamespaces.read(), null, Map.of(),
                KernelCapabilities.probe());
    }

    private void run() throws BpfException, IOException, InterruptedException {
        for (int count : options.processCounts()) {
            System.err.printf("recovery: spawning %d processes%n", count);
            try (SpawnedProcesses population = SpawnedProcesses.start(options.spawner(), count)) {
                spawned = population;
                measure(population);
            } finally {
                spawned = null;
            }
        }
    }

    /** Runs the warm-up and timed passes for one population, alternating which method goes first. */
    private void measure(SpawnedProcesses population) throws BpfException, IOException {
        int[] pids = population.pids();
        for (int round = 1; round <= options.warmupRuns() + options.runs(); round++) {
            String phase = round == 1 ? "first" : round <= options.warmupRuns() ? "warmup" : "timed";
            int run = round <= options.warmupRuns() ? round : round - options.warmupRuns();
            Method[] order = round % 2 == 1
                    ? new Method[] {Method.ITERATOR, Method.PROC}
                    : new Method[] {Method.PROC, Method.ITERATOR};
            for (Method method : order) {
                String line = switch (method) {
                    case ITERATOR -> timeIterator(pids);
                    case PROC -> timeProcWalk(pids);
                };
                String result = String.format(Locale.ROOT, "result processes=%d method=%s phase=%s run=%d %s",
                        pids.length, method.label, phase, run, line);
                System.out.println(result);
                System.err.println("  " + result);
                if (!population.isAlive()) {
                    throw new IllegalStateException("the spawner exited during the measurement, so its processes are gone");
                }
            }
        }
    }

    /** Empties the tables, times one iterator pass, and counts the spawned pids it added. */
    private String timeIterator(int[] pids) throws BpfException {
        BpfMap table = recovery.processTable();
        clear(table);
        clear(recovery.containerTable());

        long started = System.nanoTime();
        int added = recovery.run();
        long elapsed = System.nanoTime() - started;

        int seen = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(Integer.BYTES, 4);
            MemorySegment value = arena.allocate(table.valueSize(), 8);
            for (int pid : pids) {
                key.set(JAVA_INT, 0, pid);
                if (table.lookup(key, value)) {
                    seen++;
                }
            }
        }
        return String.format(Locale.ROOT, "ms=%.3f entries=%d spawned_seen=%d", elapsed / 1e6, added, seen);
    }

    /** Times one /proc walk and counts the spawned pids it read. */
    private static String timeProcWalk(int[] pids) throws IOException {
        long started = System.nanoTime();
        ProcWalk.Result walk = ProcWalk.walk();
        long elapsed = System.nanoTime() - started;

        int seen = 0;
        for (int pid : pids) {
            if (walk.processes().containsKey(pid)) {
                seen++;
            }
        }
        return String.format(Locale.ROOT, "ms=%.3f entries=%d spawned_seen=%d skipped=%d", elapsed / 1e6,
                walk.processes().size(), seen, walk.skipped());
    }

    /**
     * Deletes every entry of map, so that the next pass starts from an empty table as at a
     * daemon's first start. Keys are listed before any is deleted, because the next-key
     * call restarts from the first key when given a key that is no longer in the map.
     */
    private static void clear(BpfMap map) throws BpfException {
        int keySize = map.keySize();
        try (Arena arena = Arena.ofConfined()) {
            List<MemorySegment> keys = new ArrayList<>();
            MemorySegment previous = MemorySegment.NULL;
            while (true) {
                MemorySegment next = arena.allocate(keySize, 8);
                if (!map.nextKey(previous, next)) {
                    break;
                }
                keys.add(next);
                previous = next;
            }
            for (MemorySegment key : keys) {
                map.delete(key);
            }
            if (map.nextKey(MemorySegment.NULL, arena.allocate(keySize, 8))) {
                throw new IllegalStateException("map " + map.name() + " still has entries after deleting " + keys.size()
                        + "; is another program writing to it?");
            }
        }
    }

    private void terminateSpawned() {
        SpawnedProcesses population = spawned;
        if (population != null && population.isAlive()) {
            population.terminate();
        }
    }
}
