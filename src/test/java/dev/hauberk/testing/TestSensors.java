package dev.hauberk.testing;

import dev.hauberk.kernel.CgroupHierarchy;
import dev.hauberk.kernel.HostNamespaces;
import dev.hauberk.kernel.KernelCapabilities;
import dev.hauberk.rules.CompiledRuleSet;
import dev.hauberk.rules.Rule;
import dev.hauberk.rules.RuleCatalog;
import dev.hauberk.rules.RuleCompiler;
import dev.hauberk.rules.RuleMode;
import dev.hauberk.rules.RuleSetException;
import dev.hauberk.sensor.SensorOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** Sensor options for in-process kernel tests: small maps, this host's namespaces, nothing pinned. */
public final class TestSensors {

    private TestSensors() {
    }

    public static SensorOptions options(Map<Integer, RuleMode> modes) {
        try {
            return new SensorOptions(1 << 20, 8192, 4096, 8, CgroupHierarchy.V2, HostNamespaces.read(), null,
                    rules(modes), KernelCapabilities.probe());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Compiles one rule without scope or exceptions per id, in the given mode. */
    public static CompiledRuleSet rules(Map<Integer, RuleMode> modes) {
        List<Rule> rules = modes.entrySet().stream()
                .map(mode -> new Rule(mode.getKey(), "test-rule-" + mode.getKey(), "other", "low", List.of(),
                        mode.getValue(), "", "test"))
                .toList();
        try {
            return RuleCompiler.compile(RuleCatalog.of(rules), modes);
        } catch (RuleSetException e) {
            throw new IllegalStateException("rules without match sets always fit in the maps", e);
        }
    }
}
