package dev.hauberk.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hauberk.event.wire.Fnv1a;
import dev.hauberk.rules.wire.RuleLayouts;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the compiler writes into each kind of kernel map entry, byte for byte. */
class RuleCompilerTest {

    @TempDir
    Path dir;

    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void free() {
        arena.close();
    }

    private RuleCatalog catalog(String sets) throws Exception {
        Files.writeString(dir.resolve("rules.yaml"), """
                rules:
                  - id: 7
                    name: probe
                    category: other
                    severity: low
                """ + sets);
        return RuleCatalog.load(dir);
    }

    private static byte[] bytes(MemorySegment segment) {
        return segment.toArray(ValueLayout.JAVA_BYTE);
    }

    private static ByteBuffer littleEndian(MemorySegment segment) {
        return ByteBuffer.wrap(bytes(segment)).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void fnv1aMatchesReferenceVectors() {
        assertThat(Fnv1a.hash("")).isEqualTo(0xcbf29ce484222325L);
        assertThat(Fnv1a.hash("a")).isEqualTo(0xaf63dc4c8601ec8cL);
        assertThat(Fnv1a.hash("foobar")).isEqualTo(0x85944171f73967e8L);
    }

    @Test
    void exePathKeyCarriesPathHash() throws Exception {
        CompiledRuleSet set = RuleCompiler.compile(catalog("    scope:\n      exe_paths: [/usr/bin/curl]\n"), Map.of());

        assertThat(set.matches()).containsExactly(new MatchEntry(MatchKind.EXE_PATH, false, 7, 0x1c579d48e2193305L,
                "/usr/bin/curl"));
        MemorySegment key = arena.allocate(RuleLayouts.MATCH_KEY);
        set.matches().getFirst().writeKey(key, 1);
        ByteBuffer buffer = littleEndian(key);
        assertThat(key.byteSize()).isEqualTo(16);
        assertThat(buffer.get(0)).as("generation").isEqualTo((byte) 1);
        assertThat(buffer.get(1)).as("kind").isEqualTo((byte) 0);
        assertThat(buffer.get(2)).as("exception").isEqualTo((byte) 0);
        assertThat(buffer.get(3)).as("pad0").isZero();
        assertThat(buffer.getShort(4)).as("rule_id").isEqualTo((short) 7);
        assertThat(buffer.getShort(6)).as("pad1").isZero();
        assertThat(buffer.getLong(8)).as("value").isEqualTo(0x1c579d48e2193305L);
    }

    @Test
    void exceptionKindsHashTheirText() throws Exception {
        String image = "sha256:" + "0123456789abcdef".repeat(4);
        CompiledRuleSet set = RuleCompiler.compile(catalog("""
                    exceptions:
                      parent_exes: [/usr/sbin/cron]
                      container_ids: [c0ffee]
                      image_ids: [%s]
                """.formatted(image)), Map.of());

        assertThat(set.matches()).containsExactly(
                new MatchEntry(MatchKind.PARENT_EXE, true, 7, Fnv1a.hash("/usr/sbin/cron"), "/usr/sbin/cron"),
                new MatchEntry(MatchKind.CONTAINER_ID, true, 7, Fnv1a.hash("c0ffee"), "c0ffee"),
                new MatchEntry(MatchKind.IMAGE_ID, true, 7, Fnv1a.hash(image), image));
        MemorySegment key = arena.allocate(RuleLayouts.MATCH_KEY);
        set.matches().get(2).writeKey(key, 0);
        assertThat(littleEndian(key).get(1)).as("kind").isEqualTo((byte) 5);
        assertThat(littleEndian(key).get(2)).as("exception").isEqualTo((byte) 1);
    }

    @Test
    void portRangesExpandWithoutDuplicates() throws Exception {
        CompiledRuleSet set = RuleCompiler.compile(catalog("    scope:\n      ports: [80, 79-81]\n"), Map.of());

        assertThat(set.matches()).extracting(MatchEntry::value).containsExactly(80L, 79L, 81L);
        assertThat(set.matches()).allSatisfy(entry -> assertThat(entry.kind()).isEqualTo(MatchKind.PORT));
    }

    @Test
    void prefixKeyCountsHeaderAndPathBits() throws Exception {
        CompiledRuleSet set = RuleCompiler.compile(catalog("    scope:\n      exe_prefixes: [/tmp/, /opt/é]\n"), Map.of());

        assertThat(set.prefixes()).extracting(PrefixEntry::prefixLength).containsExactly(32 + 8 * 5, 32 + 8 * 7);
        MemorySegment key = arena.allocate(RuleLayouts.PREFIX_KEY);
        set.prefixes().getFirst().writeKey(key, 1);
        ByteBuffer buffer = littleEndian(key);
        assertThat(key.byteSize()).isEqualTo(256);
        assertThat(buffer.getInt(0)).as("prefixlen").isEqualTo(72);
        assertThat(buffer.get(4)).as("generation").isEqualTo((byte) 1);
        assertThat(buffer.get(5)).as("exception").isZero();
        assertThat(buffer.getShort(6)).as("rule_id").isEqualTo((short) 7);
        byte[] path = new byte[6];
        buffer.get(8, path);
        assertThat(path).containsExactly('/', 't', 'm', 'p', '/', 0);
    }

    @Test
    void ipv4CidrIsMappedIntoIpv6() throws Exception {
        CompiledRuleSet set = RuleCompiler.compile(catalog("    scope:\n      cidrs: [169.254.169.254/32, 10.0.0.0/8]\n"),
                Map.of());

        assertThat(set.cidrs()).extracting(CidrEntry::prefixLength).containsExactly(32 + 96 + 32, 32 + 96 + 8);
        MemorySegment key = arena.allocate(RuleLayouts.CIDR_KEY);
        set.cidrs().getFirst().writeKey(key, 0);
        ByteBuffer buffer = littleEndian(key);
        assertThat(key.byteSize()).isEqualTo(24);
        assertThat(buffer.getInt(0)).as("prefixlen").isEqualTo(160);
        assertThat(buffer.get(4)).as("generation").isZero();
        assertThat(buffer.getShort(6)).as("rule_id").isEqualTo((short) 7);
        byte[] address = new byte[16];
        buffer.get(8, address);
        assertThat(HexFormat.of().formatHex(address)).isEqualTo("00000000000000000000ffffa9fea9fe");
    }

    @Test
    void ipv6CidrKeepsItsBits() throws Exception {
        CompiledRuleSet set = RuleCompiler.compile(catalog("    exceptions:\n      cidrs: [\"fd00:ec2::254/128\", \"fd00::/8\"]\n"),
                Map.of());

        assertThat(set.cidrs()).extracting(CidrEntry::prefixLength).containsExactly(32 + 128, 32 + 8);
        assertThat(set.cidrs()).allSatisfy(entry -> assertThat(entry.exception()).isTrue());
        MemorySegment key = arena.allocate(RuleLayouts.CIDR_KEY);
        set.cidrs().getFirst().writeKey(key, 1);
        byte[] address = new byte[16];
        littleEndian(key).get(8, address);
        assertThat(HexFormat.of().formatHex(address)).isEqualTo("fd000ec2000000000000000000000254");
        assertThat(littleEndian(key).get(5)).as("exception").isEqualTo((byte) 1);
    }

    @Test
    void configCarriesModeScopeSetsAndUids() throws Exception {
        CompiledRuleSet set = RuleCompiler.compile(catalog("""
                    default_mode: monitor
                    scope:
                      where: container
                      uids: [0, 1000-1999]
                      cidrs: [10.0.0.0/8]
                    exceptions:
                      exe_prefixes: [/opt/]
                      uids: [1500]
                """), Map.of(7, RuleMode.ENFORCE));

        RuleConfig config = set.configs().get(7);
        assertThat(config.mode()).isEqualTo(RuleMode.ENFORCE);
        MemorySegment value = arena.allocate(RuleLayouts.RULE_CONFIG);
        config.write(value);
        ByteBuffer buffer = littleEndian(value);
        assertThat(value.byteSize()).isEqualTo(80);
        assertThat(buffer.get(0)).as("mode").isEqualTo((byte) 2);
        assertThat(buffer.get(1)).as("scope").isEqualTo((byte) 2);
        assertThat(buffer.getShort(2)).as("scope_sets").isEqualTo((short) (1 << 3 | 1 << 7));
        assertThat(buffer.getShort(4)).as("exception_sets").isEqualTo((short) (1 << 1 | 1 << 3));
        assertThat(buffer.getInt(8)).as("uid_ranges").isEqualTo(2);
        assertThat(buffer.getInt(12)).as("exception_uid_ranges").isEqualTo(1);
        assertThat(List.of(buffer.getInt(16), buffer.getInt(20), buffer.getInt(24), buffer.getInt(28)))
                .as("uids").containsExactly(0, 0, 1000, 1999);
        assertThat(List.of(buffer.getInt(48), buffer.getInt(52))).as("exception_uids").containsExactly(1500, 1500);
    }

    @Test
    void everySlotWithoutRuleIsOff() throws Exception {
        CompiledRuleSet set = RuleCompiler.compile(catalog(""), Map.of());

        assertThat(set.configs()).hasSize(256);
        for (int id = 0; id < 256; id++) {
            assertThat(set.configs().get(id).ruleId()).isEqualTo(id);
        }
        MemorySegment value = arena.allocate(RuleLayouts.RULE_CONFIG);
        set.configs().get(8).write(value);
        assertThat(bytes(value)).containsOnly(0);
        assertThat(set.configs().get(7).mode()).isEqualTo(RuleMode.MONITOR);
        assertThat(set.modes()).containsExactly(Map.entry(7, RuleMode.MONITOR));
    }

    @Test
    void setLargerThanHalfAMapIsRejected() throws Exception {
        StringBuilder rules = new StringBuilder("rules:\n");
        for (int id = 1; id <= 33; id++) {
            rules.append("  - id: ").append(id).append("\n    name: r").append(id)
                    .append("\n    category: other\n    severity: low\n    scope:\n      ports: [1-1000]\n");
        }
        Files.writeString(dir.resolve("rules.yaml"), rules.toString());
        RuleCatalog large = RuleCatalog.load(dir);

        assertThatThrownBy(() -> RuleCompiler.compile(large, Map.of()))
                .isInstanceOf(RuleSetException.class)
                .hasMessage(dir.resolve("rules.yaml") + ":2:5: the rule set needs 33000 entries in hk_rule_matches, but one "
                        + "generation may use at most 32768 of its 65536; rule 'r1' has the most (1000): shorten its "
                        + "port ranges, paths or CIDRs");
    }
}
