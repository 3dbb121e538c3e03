package dev.hauberk.event.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hauberk.bpf.Btf;
import dev.hauberk.sensor.Sensor;
import dev.hauberk.testing.BuiltObject;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Checks each Java mirror of a wire struct against the BTF of the object the build produced. */
class WireLayoutTest {

    private static Btf btf;

    @BeforeAll
    static void parseObject() throws Exception {
        btf = Btf.parseElf(BuiltObject.path().toString());
    }

    @AfterAll
    static void free() {
        if (btf != null) {
            btf.close();
        }
    }

    /** Every mirrored struct: the event wire structs and the rule map structs. */
    private static final Map<String, StructLayout> MIRRORS = mirrors();

    private static Map<String, StructLayout> mirrors() {
        Map<String, StructLayout> all = new java.util.TreeMap<>(WireLayouts.ALL);
        all.putAll(dev.hauberk.rules.wire.RuleLayouts.ALL);
        return all;
    }

    static List<String> structs() {
        return List.copyOf(MIRRORS.keySet());
    }

    @ParameterizedTest
    @MethodSource("structs")
    void mirrorMatchesObjectBtf(String name) {
        StructLayout mirror = MIRRORS.get(name);
        Btf.Struct struct = btf.struct(name).orElseThrow(() -> new AssertionError("struct " + name + " not in the object's BTF"));

        assertThat(mirror.byteSize()).as("size of %s", name).isEqualTo(struct.size());
        List<String> mirrorFields = mirror.memberLayouts().stream()
                .map(l -> l.name().orElseThrow(() -> new AssertionError("unnamed field in mirror of " + name)))
                .toList();
        assertThat(mirrorFields).as("fields of %s", name)
                .containsExactlyElementsOf(struct.members().stream().map(Btf.Member::name).toList());
        for (Btf.Member member : struct.members()) {
            MemoryLayout.PathElement field = MemoryLayout.PathElement.groupElement(member.name());
            assertThat(mirror.byteOffset(field)).as("offset of %s.%s", name, member.name()).isEqualTo(member.offset());
            assertThat(mirror.select(field).byteSize()).as("size of %s.%s", name, member.name()).isEqualTo(member.size());
        }
    }

    @ParameterizedTest
    @MethodSource("constants")
    void constantMatchesObjectEnum(String enumName, String enumerator, int javaValue) {
        Map<String, Integer> values = btf.enumValues(enumName)
                .orElseThrow(() -> new AssertionError("enum " + enumName + " not in the object's BTF"))
                .stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(values).as("enum %s", enumName).containsEntry(enumerator, javaValue);
    }

    static List<org.junit.jupiter.params.provider.Arguments> constants() {
        List<org.junit.jupiter.params.provider.Arguments> result = new java.util.ArrayList<>();
        result.add(org.junit.jupiter.params.provider.Arguments.of("hk_event_kind", "HK_EVENT_DETECTION",
                WireLayouts.EVENT_DETECTION));
        result.add(org.junit.jupiter.params.provider.Arguments.of("hk_event_kind", "HK_EVENT_CGROUP", WireLayouts.EVENT_CGROUP));
        result.add(org.junit.jupiter.params.provider.Arguments.of("hk_event_kind", "HK_EVENT_CONTAINER_EXEC",
                WireLayouts.EVENT_CONTAINER_EXEC));
        result.add(org.junit.jupiter.params.provider.Arguments.of("hk_cgroup_op", "HK_CGROUP_MKDIR", WireLayouts.CGROUP_MKDIR));
        result.add(org.junit.jupiter.params.provider.Arguments.of("hk_cgroup_op", "HK_CGROUP_RMDIR", WireLayouts.CGROUP_RMDIR));
        result.add(org.junit.jupiter.params.provider.Arguments.of("hk_target_kind", "HK_TARGET_NETWORK", WireLayouts.TARGET_NETWORK));
        result.add(org.junit.jupiter.params.provider.Arguments.of("hk_target_kind", "HK_TARGET_FILE", WireLayouts.TARGET_FILE));
        for (dev.hauberk.event.AncestorInfo.Source source : dev.hauberk.event.AncestorInfo.Source.values()) {
            result.add(org.junit.jupiter.params.provider.Arguments.of("hk_ancestor_source",
                    "HK_ANCESTOR_" + source.name(), source.code()));
        }
        for (dev.hauberk.event.Action action : dev.hauberk.event.Action.values()) {
            result.add(org.junit.jupiter.params.provider.Arguments.of("hk_action", "HK_ACTION_" + action.name(),
                    action.code()));
        }
        for (dev.hauberk.rules.RuleMode mode : dev.hauberk.rules.RuleMode.values()) {
            result.add(org.junit.jupiter.params.provider.Arguments.of("hk_mode", "HK_MODE_" + mode.name(), mode.code()));
        }
        for (dev.hauberk.event.ProcessFlag flag : dev.hauberk.event.ProcessFlag.values()) {
            result.add(org.junit.jupiter.params.provider.Arguments.of("hk_proc_flag", "HK_PROC_" + flag.name(), flag.bit()));
        }
        for (dev.hauberk.sensor.KernelCounter counter : dev.hauberk.sensor.KernelCounter.values()) {
            result.add(org.junit.jupiter.params.provider.Arguments.of("hk_counter", "HK_COUNTER_" + counter.name(),
                    counter.index()));
        }
        result.add(org.junit.jupiter.params.provider.Arguments.of("hk_counter", "HK_COUNTER_MAX",
                dev.hauberk.sensor.KernelCounter.SLOTS));
        for (dev.hauberk.rules.MatchKind kind : dev.hauberk.rules.MatchKind.values()) {
            result.add(org.junit.jupiter.params.provider.Arguments.of("hk_match_kind", "HK_MATCH_" + kind.name(),
                    kind.code()));
        }
        result.add(org.junit.jupiter.params.provider.Arguments.of("hk_match_kind", "HK_MATCH_KINDS",
                dev.hauberk.rules.MatchKind.values().length));
        for (dev.hauberk.rules.Scope scope : dev.hauberk.rules.Scope.values()) {
            result.add(org.junit.jupiter.params.provider.Arguments.of("hk_scope", "HK_SCOPE_" + scope.name(),
                    scope.code()));
        }
        result.add(org.junit.jupiter.params.provider.Arguments.of("hk_rule_id", "HK_RULE_ID_MAX",
                dev.hauberk.rules.wire.RuleLayouts.RULE_ID_MAX));
        return result;
    }

    static {
        // Referenced so that a missing resource fails here with the build hint rather than later.
        Sensor.class.getName();
    }
}
