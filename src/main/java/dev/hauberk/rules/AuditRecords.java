package dev.hauberk.rules;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * Audit records of rule changes, as the audit journal stores them (docs/journal.md): who
 * (the client's address and token fingerprint, or the signal), when, and what changed.
 */
public final class AuditRecords {

    /** One rule's mode change. */
    public record ModeChange(Rule rule, RuleMode oldMode, RuleMode newMode) {

        public JsonObject toJson() {
            return new JsonObject()
                    .put("id", rule.id())
                    .put("name", rule.name())
                    .put("oldMode", oldMode == null ? null : oldMode.jsonName())
                    .put("newMode", newMode == null ? null : newMode.jsonName());
        }
    }

    private AuditRecords() {
    }

    /** Records a mode change of one rule. */
    public static JsonObject ruleMode(Instant time, String host, JsonObject client, ModeChange change) {
        return base(time, host, client, "rule-mode").put("rules", changes(List.of(change)));
    }

    /** Records a mode change of every rule of a category; changes lists those that were written. */
    public static JsonObject categoryMode(Instant time, String host, JsonObject client, String category, RuleMode mode,
                                          List<ModeChange> changes) {
        return base(time, host, client, "category-mode")
                .put("category", category)
                .put("mode", mode.jsonName())
                .put("rules", changes(changes));
    }

    /**
     * Records a reload and its outcome (the reply sent to the client: result, generation,
     * errors), with the mode changes it made.
     */
    public static JsonObject reload(Instant time, String host, JsonObject client, JsonObject outcome,
                                    List<ModeChange> changes) {
        JsonObject record = base(time, host, client, "reload");
        for (String field : outcome.fieldNames()) {
            if (!field.equals("modeChanges")) {
                record.put(field, outcome.getValue(field));
            }
        }
        return record.put("rules", changes(changes));
    }

    /**
     * Records the modes in force when the daemon started: modes set through the API do not
     * survive a restart, and this record shows in the trail where they were reset.
     */
    public static JsonObject start(Instant time, String host, JsonArray modes, long generation) {
        return base(time, host, new JsonObject().put("source", "daemon start"), "start")
                .put("generation", generation)
                .put("modes", modes);
    }

    private static JsonObject base(Instant time, String host, JsonObject client, String action) {
        return new JsonObject()
                .put("time", time.toString())
                .put("host", host)
                .put("action", action)
                .put("client", client);
    }

    private static JsonArray changes(List<ModeChange> changes) {
        JsonArray array = new JsonArray();
        changes.forEach(change -> array.add(change.toJson()));
        return array;
    }
}
