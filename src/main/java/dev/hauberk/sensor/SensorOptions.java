package dev.hauberk.sensor;

import dev.hauberk.kernel.CgroupHierarchy;
import dev.hauberk.kernel.HostNamespaces;
import dev.hauberk.kernel.KernelCapabilities;
import dev.hauberk.rules.CompiledRuleSet;
import java.nio.file.Path;

/**
 * What the sensor needs to load.
 *
 * @param ringBufferBytes     size of hk_events, a power of two
 * @param processTableEntries max_entries of hk_proc_table
 * @param historyEntries      max_entries of hk_proc_history (exited and replaced images kept for ancestries)
 * @param ancestryDepth       ancestors recorded per detection, 0 to {@link #ANCESTRY_MAX}
 * @param pinRoot             bpffs directory for pinned links and maps, or null to pin nothing
 *                            (everything is detached when the sensor closes)
 * @param initialRules        the rule set written as a new generation before any program is attached
 * @param kernel              what the kernel offers: BPF-LSM programs or their fallbacks are loaded
 */
public record SensorOptions(
        long ringBufferBytes,
        long processTableEntries,
        long historyEntries,
        int ancestryDepth,
        CgroupHierarchy cgroupHierarchy,
        HostNamespaces hostNamespaces,
        Path pinRoot,
        CompiledRuleSet initialRules,
        KernelCapabilities kernel) {

    /** Mirrors HK_ANCESTRY_MAX. */
    public static final int ANCESTRY_MAX = 16;
}
