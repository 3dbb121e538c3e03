package dev.hauberk.testing;

import dev.hauberk.kernel.CgroupHierarchy;
import dev.hauberk.kernel.HostNamespaces;
import dev.hauberk.kernel.KernelCapabilities;
import dev.hauberk.rules.RuleMode;
import dev.hauberk.sensor.SensorOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** Sensor options for in-process kernel tests: small maps, this host's namespaces, nothing pinned. */
public final class TestSensors {

    private TestSensors() {
    }

    public static SensorOptions options(Map<Integer, RuleMode> modes) {
        try {
            return new SensorOptions(1 << 20, 8192, 4096, 8, CgroupHierarchy.V2, HostNamespaces.read(), null, modes,
                    KernelCapabilities.probe());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
