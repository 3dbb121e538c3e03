package dev.hauberk.sensor;

import dev.hauberk.rules.RuleMode;
import java.util.Map;

/**
 * What the sensor needs to load.
 *
 * @param ringBufferBytes     size of hk_events, a power of two
 * @param processTableEntries max_entries of hk_proc_table
 * @param ruleModes           mode of each rule id, written before any program is attached
 */
public record SensorOptions(long ringBufferBytes, long processTableEntries, Map<Integer, RuleMode> ruleModes) {
}
