package dev.hauberk.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hauberk.bpf.BpfException;
import dev.hauberk.rules.wire.RuleLayouts;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer's sequencing against in-memory maps: generations, switching, failures, modes. */
class RuleSetWriterTest {

    private static final int CPUS = 2;

    @TempDir
    Path dir;

    private final MemoryMap config = MemoryMap.array("hk_rule_config", 512, (int) RuleLayouts.RULE_CONFIG.byteSize());
    private final MemoryMap generation = MemoryMap.array("hk_rule_generation", 1, 8);
    private final MemoryMap matches = MemoryMap.hash("hk_rule_matches");
    private final MemoryMap prefixes = MemoryMap.hash("hk_rule_prefixes");
    private final MemoryMap cidrs = MemoryMap.hash("hk_rule_cidrs");
    private final MemoryMap stats = MemoryMap.array("hk_rule_stats", 256, 32 * CPUS);
    private final RuleMaps maps = new RuleMaps(config, generation, matches, prefixes, cidrs, stats, CPUS);

    private long now;
    private final List<Long> sleeps = new ArrayList<>();
    private final RuleSetWriter writer = new RuleSetWriter(maps, () -> now, nanos -> {
        sleeps.add(nanos);
        now += nanos;
    });

    private CompiledRuleSet compile(String exePath, String prefix, String cidr) throws Exception {
        Files.writeString(dir.resolve("rules.yaml"), """
                rules:
                  - id: 3
                    name: probe
                    category: other
                    severity: low
                    scope:
                      exe_paths: [%s]
                      exe_prefixes: [%s]
                      cidrs: [%s]
                """.formatted(exePath, prefix, cidr));
        return RuleCompiler.compile(RuleCatalog.load(dir), Map.of());
    }

    /** Returns the generation byte of every key in a map of match entries, sorted. */
    private static List<Integer> generations(MemoryMap map, int offset) {
        return map.snapshot().keySet().stream()
                .map(hex -> Integer.parseInt(hex.substring(2 * offset, 2 * offset + 2), 16))
                .sorted()
                .collect(Collectors.toList());
    }

    @Test
    void firstWriteSwitchesToSlotOne() throws Exception {
        assertThat(writer.live()).isEqualTo(new RuleSetWriter.Generation(0, 0));

        RuleSetWriter.Generation live = writer.write(compile("/bin/a", "/opt/", "10.0.0.0/8"));

        assertThat(live).isEqualTo(new RuleSetWriter.Generation(1, 1));
        assertThat(writer.live()).isEqualTo(live);
        assertThat(writer.mode(3)).isEqualTo(RuleMode.MONITOR);
        assertThat(generations(matches, 0)).containsExactly(1);
        assertThat(generations(prefixes, 4)).containsExactly(1);
        assertThat(generations(cidrs, 4)).containsExactly(1);
        assertThat(config.updatedKeys).hasSize(256);
        assertThat(generation.updatedKeys).hasSize(1);
    }

    @Test
    void nextWriteReplacesOnlyTheInactiveGeneration() throws Exception {
        writer.write(compile("/bin/a", "/opt/a/", "10.0.0.0/8"));
        now += TimeUnit.SECONDS.toNanos(1);
        writer.write(compile("/bin/b", "/opt/b/", "10.1.0.0/16"));
        Map<String, String> afterSecond = matches.snapshot();
        now += TimeUnit.SECONDS.toNanos(1);

        RuleSetWriter.Generation live = writer.write(compile("/bin/c", "/opt/c/", "10.2.0.0/16"));

        assertThat(live).isEqualTo(new RuleSetWriter.Generation(1, 3));
        assertThat(generations(matches, 0)).containsExactly(0, 1);
        assertThat(generations(prefixes, 4)).containsExactly(0, 1);
        assertThat(generations(cidrs, 4)).containsExactly(0, 1);
        // Generation 0 (the second set) was live during the third write: its entry is still the same.
        assertThat(matches.snapshot()).containsAllEntriesOf(afterSecond.entrySet().stream()
                .filter(e -> e.getKey().startsWith("00"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        assertThat(matches.snapshot()).hasSize(2);
    }

    @Test
    void failedWriteLeavesLiveGenerationUntouched() throws Exception {
        writer.write(compile("/bin/a", "/opt/a/", "10.0.0.0/8"));
        Map<String, String> liveMatches = matches.snapshot();
        Map<String, String> liveGeneration = generation.snapshot();
        Map<String, String> liveConfig = config.snapshot().entrySet().stream()
                .filter(e -> Integer.parseInt(e.getKey().substring(2, 4) + e.getKey().substring(0, 2), 16) >= 256)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        now += TimeUnit.SECONDS.toNanos(1);
        prefixes.failAfter(0);

        assertThatThrownBy(() -> writer.write(compile("/bin/b", "/opt/b/", "10.1.0.0/16")))
                .isInstanceOf(BpfException.class)
                .hasMessageContaining("map hk_rule_prefixes, prefix '/opt/b/' (prefixlen 88) of rule 3")
                .hasMessageContaining("the live generation is unchanged");

        assertThat(writer.live()).isEqualTo(new RuleSetWriter.Generation(1, 1));
        assertThat(generation.snapshot()).isEqualTo(liveGeneration);
        assertThat(matches.snapshot()).containsAllEntriesOf(liveMatches);
        assertThat(config.snapshot()).containsAllEntriesOf(liveConfig);
    }

    @Test
    void writeSoonAfterSwitchWaitsOutReuseDelay() throws Exception {
        writer.write(compile("/bin/a", "/opt/a/", "10.0.0.0/8"));
        now += TimeUnit.MILLISECONDS.toNanos(30);

        writer.write(compile("/bin/b", "/opt/b/", "10.1.0.0/16"));
        now += TimeUnit.MILLISECONDS.toNanos(500);
        writer.write(compile("/bin/c", "/opt/c/", "10.2.0.0/16"));

        assertThat(sleeps).containsExactly(TimeUnit.MILLISECONDS.toNanos(70));
    }

    @Test
    void modeSwitchUpdatesLiveGenerationFirst() throws Exception {
        writer.write(compile("/bin/a", "/opt/a/", "10.0.0.0/8"));
        config.updatedKeys.clear();

        writer.setMode(3, RuleMode.ENFORCE);

        assertThat(config.updatedKeys).containsExactly(configKey(256 + 3), configKey(3));
        assertThat(writer.mode(3)).isEqualTo(RuleMode.ENFORCE);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(RuleLayouts.RULE_CONFIG);
            MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
            key.set(ValueLayout.JAVA_INT, 0, 256 + 3);
            config.lookup(key, value);
            assertThat(value.get(ValueLayout.JAVA_SHORT, 2)).as("scope_sets kept")
                    .isEqualTo((short) (MatchKind.EXE_PATH.bit() | MatchKind.EXE_PREFIX.bit() | MatchKind.CIDR.bit()));
            key.set(ValueLayout.JAVA_INT, 0, 3);
            config.lookup(key, value);
            assertThat(RuleConfig.modeOf(value)).as("inactive generation").isEqualTo(RuleMode.ENFORCE);
        }
    }

    @Test
    void statsAreSummedOverCpus() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
            key.set(ValueLayout.JAVA_INT, 0, 3);
            MemorySegment values = arena.allocate(32L * CPUS, 8);
            long[] perCpu = {5, 1, 0, 2, 7, 0, 3, 4};
            for (int i = 0; i < perCpu.length; i++) {
                values.setAtIndex(ValueLayout.JAVA_LONG, i, perCpu[i]);
            }
            stats.update(key, values, 0);
        }

        assertThat(writer.stats(3)).isEqualTo(new RuleStats(12, 1, 3, 6));
        assertThat(writer.stats(4)).isEqualTo(RuleStats.ZERO);
    }

    private static String configKey(int index) {
        return MemoryMap.hex(MemorySegment.ofArray(new int[] {index}));
    }
}
