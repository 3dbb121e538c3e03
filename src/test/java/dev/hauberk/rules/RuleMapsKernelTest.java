package dev.hauberk.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hauberk.bpf.BpfException;
import dev.hauberk.bpf.BpfMap;
import dev.hauberk.rules.wire.RuleLayouts;
import dev.hauberk.sensor.KernelRuleIds;
import dev.hauberk.sensor.Sensor;
import dev.hauberk.testing.KernelTests;
import dev.hauberk.testing.TestSensors;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generation writer against the real rule maps of the loaded object: what it writes is
 * read back through the kernel, and a write the kernel rejects midway leaves the live
 * generation as it was.
 */
class RuleMapsKernelTest {

    @TempDir
    Path dir;

    private Sensor sensor;

    @BeforeEach
    void loadSensor() throws Exception {
        KernelTests.requireKernel();
        sensor = Sensor.start(Sensor.bundledObject(), TestSensors.options(Map.of(1, RuleMode.MONITOR)));
    }

    @AfterEach
    void unload() {
        if (sensor != null) {
            sensor.close();
        }
    }

    private CompiledRuleSet compile(String exePath, String prefix, String cidr) throws Exception {
        Files.writeString(dir.resolve("rules.yaml"), """
                rules:
                  - id: 1
                    name: exec-world-writable-dir
                    category: unknown-executable
                    severity: high
                    default_mode: enforce
                    scope:
                      where: host
                      uids: [1000-1999]
                    exceptions:
                      exe_paths: [%s]
                      exe_prefixes: [%s]
                  - id: 10
                    name: connect-denied-destination
                    category: networking
                    severity: high
                    scope:
                      cidrs: [%s, "fd00:ec2::254/128"]
                      ports: [80, 443]
                """.formatted(exePath, prefix, cidr));
        return RuleCompiler.compile(RuleCatalog.load(dir), Map.of());
    }

    /** Returns every key of a map as hex, in iteration order, through the kernel. */
    private List<String> keys(String mapName, long keyBytes) throws BpfException {
        BpfMap map = sensor.map(mapName);
        List<String> keys = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment previous = arena.allocate(keyBytes, 8);
            MemorySegment next = arena.allocate(keyBytes, 8);
            boolean first = true;
            while (map.nextKey(first ? MemorySegment.NULL : previous, next)) {
                first = false;
                keys.add(HexFormat.of().formatHex(next.toArray(ValueLayout.JAVA_BYTE)));
                previous.copyFrom(next);
            }
        }
        return keys;
    }

    /** Returns the keys of one generation (by the generation byte at offset). */
    private List<String> keysOf(String mapName, long keyBytes, int offset, int generation) throws BpfException {
        return keys(mapName, keyBytes).stream()
                .filter(hex -> Integer.parseInt(hex.substring(2 * offset, 2 * offset + 2), 16) == generation)
                .sorted()
                .toList();
    }

    private byte[] config(int generation, int ruleId) throws BpfException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
            key.set(ValueLayout.JAVA_INT, 0, RuleSetWriter.configIndex(generation, ruleId));
            MemorySegment value = arena.allocate(RuleLayouts.RULE_CONFIG);
            assertThat(sensor.map(RuleMaps.CONFIG).lookup(key, value)).isTrue();
            return value.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    @Test
    void mapSizesMatchTheCompilersLimits() throws Exception {
        assertThat(sensor.map(RuleMaps.CONFIG).maxEntries()).isEqualTo(RuleLayouts.GENERATIONS * RuleLayouts.RULE_ID_MAX);
        assertThat(sensor.map(RuleMaps.MATCHES).maxEntries()).isEqualTo(RuleLayouts.MATCH_ENTRIES);
        assertThat(sensor.map(RuleMaps.PREFIXES).maxEntries()).isEqualTo(RuleLayouts.PREFIX_ENTRIES);
        assertThat(sensor.map(RuleMaps.CIDRS).maxEntries()).isEqualTo(RuleLayouts.CIDR_ENTRIES);
        assertThat(sensor.map(RuleMaps.STATS).maxEntries()).isEqualTo(RuleLayouts.RULE_ID_MAX);
        assertThat(sensor.map(RuleMaps.PREFIXES).keySize()).isEqualTo(RuleLayouts.PREFIX_KEY.byteSize());
        assertThat(sensor.map(RuleMaps.CIDRS).keySize()).isEqualTo(RuleLayouts.CIDR_KEY.byteSize());
        assertThat(sensor.map(RuleMaps.MATCHES).keySize()).isEqualTo(RuleLayouts.MATCH_KEY.byteSize());
    }

    @Test
    void objectKnowsTheShippedRuleIds() throws Exception {
        assertThat(new TreeSet<>(KernelRuleIds.of(sensor.object()))).containsExactly(1, 2, 3, 10, 20);
    }

    @Test
    void writtenGenerationReadsBackAndSwitches() throws Exception {
        RuleSetWriter writer = sensor.rules();
        RuleSetWriter.Generation before = writer.live();

        RuleSetWriter.Generation after = writer.write(compile("/usr/bin/make", "/opt/build/", "169.254.169.254/32"));

        int target = 1 - before.index();
        assertThat(after).isEqualTo(new RuleSetWriter.Generation(target, before.number() + 1));
        assertThat(writer.live()).isEqualTo(after);
        assertThat(writer.mode(1)).isEqualTo(RuleMode.ENFORCE);
        assertThat(writer.mode(10)).isEqualTo(RuleMode.MONITOR);
        assertThat(writer.mode(2)).as("a rule the set lacks").isEqualTo(RuleMode.OFF);

        byte[] execRule = config(target, 1);
        assertThat(execRule[1]).as("scope host").isEqualTo((byte) Scope.HOST.code());
        assertThat(keysOf(RuleMaps.MATCHES, RuleLayouts.MATCH_KEY.byteSize(), 0, target)).hasSize(3);
        assertThat(keysOf(RuleMaps.PREFIXES, RuleLayouts.PREFIX_KEY.byteSize(), 4, target)).hasSize(1);
        List<String> cidrs = keysOf(RuleMaps.CIDRS, RuleLayouts.CIDR_KEY.byteSize(), 4, target);
        assertThat(cidrs).hasSize(2);
        assertThat(cidrs).anySatisfy(hex -> assertThat(hex).startsWith("a0000000").endsWith("00000000000000000000ffffa9fea9fe"));
        assertThat(cidrs).anySatisfy(hex -> assertThat(hex).startsWith("a0000000").endsWith("fd000ec2000000000000000000000254"));
    }

    @Test
    void nextWriteReplacesTheOldGenerationOnly() throws Exception {
        RuleSetWriter writer = sensor.rules();
        writer.write(compile("/usr/bin/make", "/opt/build/", "169.254.169.254/32"));
        RuleSetWriter.Generation first = writer.live();
        List<String> firstMatches = keysOf(RuleMaps.MATCHES, RuleLayouts.MATCH_KEY.byteSize(), 0, first.index());

        RuleSetWriter.Generation second = writer.write(compile("/usr/bin/ninja", "/srv/", "10.0.0.0/8"));
        writer.write(compile("/usr/bin/cc", "/home/", "192.168.0.0/16"));

        assertThat(second.index()).isEqualTo(1 - first.index());
        assertThat(writer.live().index()).isEqualTo(first.index());
        assertThat(keysOf(RuleMaps.MATCHES, RuleLayouts.MATCH_KEY.byteSize(), 0, first.index()))
                .as("the old entries of a rewritten generation are gone").hasSize(3).doesNotContainAnyElementsOf(
                        firstMatches.stream().filter(hex -> hex.substring(2, 4).equals("00")).toList());
        assertThat(keysOf(RuleMaps.PREFIXES, RuleLayouts.PREFIX_KEY.byteSize(), 4, first.index())).hasSize(1);
        assertThat(keysOf(RuleMaps.PREFIXES, RuleLayouts.PREFIX_KEY.byteSize(), 4, second.index())).hasSize(1);
    }

    @Test
    void failedWriteLeavesLiveGenerationUntouched() throws Exception {
        RuleSetWriter writer = sensor.rules();
        RuleSetWriter.Generation live = writer.write(compile("/usr/bin/make", "/opt/build/", "169.254.169.254/32"));
        List<String> liveMatches = keysOf(RuleMaps.MATCHES, RuleLayouts.MATCH_KEY.byteSize(), 0, live.index());
        List<String> livePrefixes = keysOf(RuleMaps.PREFIXES, RuleLayouts.PREFIX_KEY.byteSize(), 4, live.index());
        List<String> liveCidrs = keysOf(RuleMaps.CIDRS, RuleLayouts.CIDR_KEY.byteSize(), 4, live.index());
        byte[] liveConfig = config(live.index(), 1);

        // A prefix longer than the key's 248 bytes, as if it had slipped past validation: the
        // LPM trie refuses its prefixlen with EINVAL after the configs and matches were written.
        CompiledRuleSet valid = compile("/usr/bin/ninja", "/srv/", "10.0.0.0/8");
        String tooLong = "/" + "x".repeat(260);
        CompiledRuleSet broken = new CompiledRuleSet(valid.configs(), valid.matches(),
                List.of(new PrefixEntry(true, 1, tooLong, RuleCompiler.prefixLength(tooLong))), valid.cidrs(),
                valid.modes());

        assertThatThrownBy(() -> writer.write(broken))
                .isInstanceOf(BpfException.class)
                .hasMessageContaining("EINVAL")
                .hasMessageContaining("map hk_rule_prefixes")
                .hasMessageContaining("the live generation is unchanged");

        assertThat(writer.live()).isEqualTo(live);
        assertThat(keysOf(RuleMaps.MATCHES, RuleLayouts.MATCH_KEY.byteSize(), 0, live.index())).isEqualTo(liveMatches);
        assertThat(keysOf(RuleMaps.PREFIXES, RuleLayouts.PREFIX_KEY.byteSize(), 4, live.index())).isEqualTo(livePrefixes);
        assertThat(keysOf(RuleMaps.CIDRS, RuleLayouts.CIDR_KEY.byteSize(), 4, live.index())).isEqualTo(liveCidrs);
        assertThat(config(live.index(), 1)).isEqualTo(liveConfig);
        assertThat(writer.mode(1)).isEqualTo(RuleMode.ENFORCE);

        // The next valid write clears the half-written generation and goes live.
        RuleSetWriter.Generation next = writer.write(valid);
        assertThat(next).isEqualTo(new RuleSetWriter.Generation(1 - live.index(), live.number() + 1));
        assertThat(keysOf(RuleMaps.PREFIXES, RuleLayouts.PREFIX_KEY.byteSize(), 4, next.index())).hasSize(1);
    }

    @Test
    void modeSwitchReachesBothGenerations() throws Exception {
        RuleSetWriter writer = sensor.rules();
        RuleSetWriter.Generation live = writer.write(compile("/usr/bin/make", "/opt/build/", "169.254.169.254/32"));

        writer.setMode(10, RuleMode.ENFORCE);

        assertThat(writer.mode(10)).isEqualTo(RuleMode.ENFORCE);
        assertThat(config(live.index(), 10)[0]).isEqualTo((byte) RuleMode.ENFORCE.code());
        assertThat(config(1 - live.index(), 10)[0]).isEqualTo((byte) RuleMode.ENFORCE.code());
        assertThat(config(live.index(), 10)[2]).as("scope_sets kept")
                .isEqualTo((byte) (MatchKind.PORT.bit() | MatchKind.CIDR.bit()));
        assertThat(writer.live()).as("no new generation").isEqualTo(live);
    }

    @Test
    void statsStartAtZero() throws Exception {
        assertThat(sensor.rules().stats(20)).isEqualTo(RuleStats.ZERO);
    }
}
