package dev.hauberk.rules;

import static dev.hauberk.rules.wire.RuleLayouts.RULE_GENERATION;
import static dev.hauberk.rules.wire.RuleLayouts.offset;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.hauberk.bpf.BpfException;
import dev.hauberk.bpf.BpfMap;
import dev.hauberk.rules.wire.RuleLayouts;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes compiled rule sets into the kernel's rule maps as generations, and switches rule modes.
 *
 * <p>A rule set is written into the generation that is not live: first every match, prefix and
 * CIDR entry of that generation is deleted, then all {@link RuleLayouts#RULE_ID_MAX} config
 * slots and the new match entries are written, and last hk_rule_generation[0] is set to
 * {index, number + 1} with one map update. A BPF program reads that entry once per evaluation,
 * so it evaluates either the old set or the new one, never a mix. A failure before the switch leaves
 * the live generation as it was: its entries are never touched, and the half-written inactive
 * generation is cleared by the next write.
 *
 * <p>After a switch, the old generation is not written again for {@link #REUSE_DELAY}: a program
 * that read the old index just before the switch may still be evaluating rules from it. A BPF
 * evaluation takes microseconds, so 100 ms leaves a wide margin. The next write waits out what
 * remains of that delay.
 *
 * <p>Every method makes system calls: call them from a worker thread. Not thread-safe: one owner
 * (the sensor at start, then the rule verticle) calls it at a time.
 */
public final class RuleSetWriter {

    /** How long a generation that stopped being live stays untouched. */
    public static final Duration REUSE_DELAY = Duration.ofMillis(100);

    private static final Logger LOG = LoggerFactory.getLogger(RuleSetWriter.class);
    private static final long GENERATION_INDEX = offset(RULE_GENERATION, "index");
    private static final long GENERATION_NUMBER = offset(RULE_GENERATION, "number");
    private static final long STATS_BYTES = RuleLayouts.RULE_STATS.byteSize();

    private final RuleMaps maps;
    private final LongSupplier nanoClock;
    private final LongConsumer sleeper;
    private long lastSwitchNanos;
    private boolean switched;

    /** The live generation: which half of the maps is evaluated, and how many switches there have been. */
    public record Generation(int index, long number) {
    }

    public RuleSetWriter(RuleMaps maps) {
        this(maps, System::nanoTime, RuleSetWriter::parkNanos);
    }

    /** With a clock and a sleep function of its own, for tests. */
    RuleSetWriter(RuleMaps maps, LongSupplier nanoClock, LongConsumer sleeper) {
        this.maps = maps;
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
    }

    /** Reads hk_rule_generation[0]; a new map contains {0, 0}. */
    public Generation live() throws BpfException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(RULE_GENERATION);
            maps.generation().lookup(intKey(arena, 0), value);
            int index = value.get(JAVA_INT, GENERATION_INDEX);
            if (index != 0 && index != 1) {
                throw new IllegalStateException(RuleMaps.GENERATION + "[0].index is " + index
                        + ", not 0 or 1: the map was written by something other than this daemon");
            }
            return new Generation(index, Integer.toUnsignedLong(value.get(JAVA_INT, GENERATION_NUMBER)));
        }
    }

    /**
     * Writes set into the inactive generation and makes it live. Returns the new live generation.
     * On a failure the live generation is unchanged, and the exception names the map and key.
     */
    public Generation write(CompiledRuleSet set) throws BpfException {
        Generation live = live();
        int target = 1 - live.index();
        awaitReuseDelay();
        try (Arena arena = Arena.ofConfined()) {
            clear(arena, maps.matches(), RuleLayouts.MATCH_KEY, MatchEntry::generationOf, target);
            clear(arena, maps.prefixes(), RuleLayouts.PREFIX_KEY, PrefixEntry::generationOf, target);
            clear(arena, maps.cidrs(), RuleLayouts.CIDR_KEY, CidrEntry::generationOf, target);

            writeEntries(arena, set, target);

            // The switch: one update, after which programs evaluate the new generation.
            Generation next = new Generation(target, (live.number() + 1) & 0xffff_ffffL);
            MemorySegment generation = arena.allocate(RULE_GENERATION);
            generation.set(JAVA_INT, GENERATION_INDEX, next.index());
            generation.set(JAVA_INT, GENERATION_NUMBER, (int) next.number());
            maps.generation().update(intKey(arena, 0), generation, BpfMap.BPF_ANY);
            lastSwitchNanos = nanoClock.getAsLong();
            switched = true;
            LOG.debug("rule set generation {} live in slot {}: {} matches, {} prefixes, {} CIDRs", next.number(),
                    next.index(), set.matches().size(), set.prefixes().size(), set.cidrs().size());
            return next;
        }
    }

    private void writeEntries(Arena arena, CompiledRuleSet set, int target) throws BpfException {
        MemorySegment value = arena.allocate(RuleLayouts.RULE_CONFIG);
        for (RuleConfig config : set.configs()) {
            config.write(value);
            try {
                maps.config().update(intKey(arena, configIndex(target, config.ruleId())), value, BpfMap.BPF_ANY);
            } catch (BpfException e) {
                throw failure(e, maps.config(), "config of rule " + config.ruleId(), target);
            }
        }

        MemorySegment present = arena.allocate(JAVA_BYTE);
        present.set(JAVA_BYTE, 0, (byte) 1);
        MemorySegment matchKey = arena.allocate(RuleLayouts.MATCH_KEY);
        for (MatchEntry entry : set.matches()) {
            entry.writeKey(matchKey, target);
            try {
                maps.matches().update(matchKey, present, BpfMap.BPF_ANY);
            } catch (BpfException e) {
                throw failure(e, maps.matches(), entry.kind().key() + " '" + entry.text() + "' of rule "
                        + entry.ruleId(), target);
            }
        }
        MemorySegment prefixKey = arena.allocate(RuleLayouts.PREFIX_KEY);
        for (PrefixEntry entry : set.prefixes()) {
            entry.writeKey(prefixKey, target);
            try {
                maps.prefixes().update(prefixKey, present, BpfMap.BPF_ANY);
            } catch (BpfException e) {
                throw failure(e, maps.prefixes(), "prefix '" + entry.path() + "' (prefixlen " + entry.prefixLength()
                        + ") of rule " + entry.ruleId(), target);
            }
        }
        MemorySegment cidrKey = arena.allocate(RuleLayouts.CIDR_KEY);
        for (CidrEntry entry : set.cidrs()) {
            entry.writeKey(cidrKey, target);
            try {
                maps.cidrs().update(cidrKey, present, BpfMap.BPF_ANY);
            } catch (BpfException e) {
                throw failure(e, maps.cidrs(), "CIDR " + entry.cidr() + " of rule " + entry.ruleId(), target);
            }
        }
    }

    /** Adds what was written, and that the live generation is unchanged, to a failed update. */
    private static BpfException failure(BpfException cause, KernelMap map, String entry, int target) {
        BpfException failure = new BpfException(cause.function(), cause.errno(), "map " + map.name() + ", " + entry
                + ", writing inactive generation slot " + target + "; the live generation is unchanged");
        failure.initCause(cause);
        return failure;
    }

    /**
     * Sets a rule's mode byte in both generations, the live one first, with one update each;
     * every other field of the entries stays. Programs use the new mode from their next evaluation.
     */
    public void setMode(int ruleId, RuleMode mode) throws BpfException {
        requireRuleId(ruleId);
        Generation live = live();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(RuleLayouts.RULE_CONFIG);
            for (int generation : new int[] {live.index(), 1 - live.index()}) {
                MemorySegment key = intKey(arena, configIndex(generation, ruleId));
                maps.config().lookup(key, value);
                RuleConfig.setMode(value, mode);
                maps.config().update(key, value, BpfMap.BPF_EXIST);
            }
        }
    }

    /** Reads a rule's mode from the live generation. */
    public RuleMode mode(int ruleId) throws BpfException {
        requireRuleId(ruleId);
        Generation live = live();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(RuleLayouts.RULE_CONFIG);
            maps.config().lookup(intKey(arena, configIndex(live.index(), ruleId)), value);
            return RuleConfig.modeOf(value);
        }
    }

    /** Reads a rule's counters, summed over CPUs. */
    public RuleStats stats(int ruleId) throws BpfException {
        requireRuleId(ruleId);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment values = arena.allocate(STATS_BYTES * maps.cpus(), 8);
            if (!maps.stats().lookup(intKey(arena, ruleId), values)) {
                return RuleStats.ZERO;
            }
            long[] sums = new long[4];
            for (int cpu = 0; cpu < maps.cpus(); cpu++) {
                for (int field = 0; field < sums.length; field++) {
                    sums[field] += values.get(JAVA_LONG, cpu * STATS_BYTES + field * 8L);
                }
            }
            return new RuleStats(sums[0], sums[1], sums[2], sums[3]);
        }
    }

    /** Index of a rule's slot in hk_rule_config. */
    public static int configIndex(int generation, int ruleId) {
        return generation * RuleLayouts.RULE_ID_MAX + ruleId;
    }

    /**
     * Deletes every key of one generation from a hash or LPM map. The keys are collected before
     * any is deleted, because deleting the key that iteration continues from restarts it.
     */
    private static void clear(Arena arena, KernelMap map, StructLayout keyLayout,
                              ToIntFunction<MemorySegment> generationOf, int generation) throws BpfException {
        List<MemorySegment> doomed = new ArrayList<>();
        MemorySegment previous = arena.allocate(keyLayout);
        MemorySegment next = arena.allocate(keyLayout);
        boolean first = true;
        while (map.nextKey(first ? MemorySegment.NULL : previous, next)) {
            first = false;
            if (generationOf.applyAsInt(next) == generation) {
                doomed.add(arena.allocate(keyLayout).copyFrom(next));
            }
            previous.copyFrom(next);
        }
        for (MemorySegment key : doomed) {
            map.delete(key);
        }
    }

    private void awaitReuseDelay() {
        if (!switched) {
            return;
        }
        long remaining = REUSE_DELAY.toNanos() - (nanoClock.getAsLong() - lastSwitchNanos);
        if (remaining > 0) {
            sleeper.accept(remaining);
        }
    }

    private static void parkNanos(long nanos) {
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    private static void requireRuleId(int ruleId) {
        if (ruleId < 0 || ruleId >= RuleLayouts.RULE_ID_MAX) {
            throw new IllegalArgumentException("rule id " + ruleId + " is outside 0.." + (RuleLayouts.RULE_ID_MAX - 1));
        }
    }

    private static MemorySegment intKey(Arena arena, int value) {
        MemorySegment key = arena.allocate(JAVA_INT);
        key.set(JAVA_INT, 0, value);
        return key;
    }
}
