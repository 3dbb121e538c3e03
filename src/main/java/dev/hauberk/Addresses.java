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
    /** Request: the rule list with modes and counters; the reply is a JsonArray of rule JSON. */
    public static final String RULES_LIST = "hauberk.rules.list";
    /** Request: {"rule": ID or NAME}; the reply is the rule's JSON, or failure 404. */
    public static final String RULES_GET = "hauberk.rules.get";
    /** Request: {"rule", "mode", "client"}; switches one rule's mode in the kernel, then replies. */
    public static final String RULES_SET_MODE = "hauberk.rules.mode";
    /** Request: {"category", "mode", "client"}; switches the mode of every rule of a category. */
    public static final String RULES_SET_CATEGORY_MODE = "hauberk.rules.category-mode";
    /** Request: {"client"} or {"via": "sighup"}; re-reads the rule set and writes it as a new generation. */
    public static final String RULES_RELOAD = "hauberk.rules.reload";
    /** Request: an audit record; the journal replies with it as written (with "seq"). */
    public static final String AUDIT_APPEND = "hauberk.audit.append";
    /** Request: {before, after, limit}; the journal replies {records: [...], next}. */
    public static final String AUDIT_QUERY = "hauberk.audit.query";
    /** Publish: each audit record after the journal wrote it. */
    public static final String AUDIT = "hauberk.audit";
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
