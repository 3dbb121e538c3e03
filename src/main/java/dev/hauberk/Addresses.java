package dev.hauberk;

/** Event bus addresses that connect the verticles. */
public final class Addresses {

    /** Publish: each detection as JSON, after the journal assigned its seq. */
    public static final String DETECTIONS = "hauberk.detections";
    /** Request: a detection JSON without seq; the journal replies with it as written. */
    public static final String JOURNAL_APPEND = "hauberk.journal.append";
    /** Request: {before, after, limit}; the journal replies {detections: [...], next}. */
    public static final String JOURNAL_QUERY = "hauberk.journal.query";
    /** Request: journal statistics for the health endpoint. */
    public static final String JOURNAL_STATS = "hauberk.journal.stats";
    /** Request: the rule list with modes. */
    public static final String RULES_LIST = "hauberk.rules.list";
    /** Request: kernel-side counters (losses, table sizes). */
    public static final String SENSOR_STATS = "hauberk.sensor.stats";
    /** Request: what the kernel offers for enforcement and how each rule enforces. */
    public static final String CAPABILITIES = "hauberk.capabilities";
    /** Request: ring reader and hand-off counters. */
    public static final String RING_STATS = "hauberk.ring.stats";
    /** Request: the known containers; the reply is a JsonArray of ContainerInfo JSON. */
    public static final String CONTAINERS_LIST = "hauberk.containers.list";

    private Addresses() {
    }
}
