package dev.hauberk.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hauberk.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleCatalogTest {

    @TempDir
    Path dir;

    private static final String VALID = """
            rules:
              - id: 1
                name: exec-world-writable-dir
                category: unknown-executable
                severity: high
                mitre: [T1059.004]
              - id: 2
                name: exec-memfd
                category: unknown-executable
                severity: critical
                default_mode: enforce
            """;

    private Path write(String name, String yaml) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void shippedCatalogueLoads() throws Exception {
        RuleCatalog catalog = RuleCatalog.load(Path.of("conf/rules"));

        assertThat(catalog.byName("exec-world-writable-dir")).map(Rule::id).contains(1);
        assertThat(catalog.byName("exec-memfd")).map(Rule::id).contains(2);
        assertThat(catalog.byName("exec-deleted-file")).map(Rule::id).contains(3);
    }

    @Test
    void defaultModeIsMonitorUnlessSet() throws Exception {
        write("a.yaml", VALID);
        RuleCatalog catalog = RuleCatalog.load(dir);

        assertThat(catalog.byId(1).orElseThrow().defaultMode()).isEqualTo(RuleMode.MONITOR);
        assertThat(catalog.byId(2).orElseThrow().defaultMode()).isEqualTo(RuleMode.ENFORCE);
    }

    @Test
    void overridesReplaceDefaultModes() throws Exception {
        write("a.yaml", VALID);
        Map<Integer, RuleMode> modes = RuleCatalog.load(dir).modes(Map.of("exec-world-writable-dir", "off"), Map.of());

        assertThat(modes).containsEntry(1, RuleMode.OFF).containsEntry(2, RuleMode.ENFORCE);
    }

    @Test
    void overrideOfUnknownRuleIsRejected() throws Exception {
        write("a.yaml", VALID);
        RuleCatalog catalog = RuleCatalog.load(dir);

        assertThatThrownBy(() -> catalog.modes(Map.of("no-such-rule", "enforce"), Map.of("no-such-rule", "conf/hauberk.yaml:9:3")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("conf/hauberk.yaml:9:3: rule_modes: no rule named 'no-such-rule'; the catalogue's rules are "
                        + "exec-memfd, exec-world-writable-dir");
    }

    @Test
    void duplicateIdAcrossFilesNamesBothPlaces() throws Exception {
        write("a.yaml", VALID);
        Path second = write("b.yaml", "rules:\n  - id: 2\n    name: other\n    category: other\n    severity: low\n");

        assertThatThrownBy(() -> RuleCatalog.load(dir))
                .hasMessageStartingWith(second + ":2:9: id: duplicate rule id 2, already used by 'exec-memfd' at "
                        + dir.resolve("a.yaml") + ":7:5");
    }

    @Test
    void unknownCategoryIsRejected() throws Exception {
        Path file = write("a.yaml", "rules:\n  - id: 9\n    name: x\n    category: misc\n    severity: low\n");

        assertThatThrownBy(() -> RuleCatalog.load(dir)).hasMessageStartingWith(file + ":4:15: category: 'misc' is not one of");
    }

    @Test
    void badMitreIdNamesTheItem() throws Exception {
        Path file = write("a.yaml", "rules:\n  - id: 9\n    name: x\n    category: other\n    severity: low\n"
                + "    mitre: [T1059, TA0001]\n");

        assertThatThrownBy(() -> RuleCatalog.load(dir)).hasMessageStartingWith(file + ":6:20: mitre: 'TA0001'");
    }

    @Test
    void idOutsideTheKernelArrayIsRejected() throws Exception {
        Path file = write("a.yaml", "rules:\n  - id: 256\n    name: x\n    category: other\n    severity: low\n");

        assertThatThrownBy(() -> RuleCatalog.load(dir)).hasMessageStartingWith(file + ":2:9: id: 256 is out of range [1, 255]");
    }

    @Test
    void unknownRuleKeyIsRejected() throws Exception {
        Path file = write("a.yaml", "rules:\n  - id: 9\n    name: x\n    category: other\n    severity: low\n    action: kill\n");

        assertThatThrownBy(() -> RuleCatalog.load(dir)).hasMessageStartingWith(file + ":6:5: unknown key 'action'");
    }

    @Test
    void missingRequiredKeyIsRejected() throws Exception {
        Path file = write("a.yaml", "rules:\n  - id: 9\n    category: other\n    severity: low\n");

        assertThatThrownBy(() -> RuleCatalog.load(dir)).hasMessage(file + ":2:5: missing required key 'name'");
    }
}
