package dev.hauberk.rules;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The JSON of a rule in the API: catalogue fields, mode in force, mechanism, match sets and counters. */
public final class RuleJson {

    private RuleJson() {
    }

    /**
     * Encodes a rule.
     *
     * @param mode      the mode read from the live generation in the kernel
     * @param source    where that mode comes from
     * @param mechanism how the rule enforces on this kernel, or null when not known
     */
    public static JsonObject encode(Rule rule, RuleMode mode, RuleState.ModeSource source, RuleStats stats,
                                    JsonObject mechanism) {
        return new JsonObject()
                .put("id", rule.id())
                .put("name", rule.name())
                .put("category", rule.category())
                .put("severity", rule.severity())
                .put("mitre", new JsonArray(rule.mitre().stream().map(Object.class::cast).toList()))
                .put("mode", mode.jsonName())
                .put("modeSource", source.jsonName())
                .put("defaultMode", rule.defaultMode().jsonName())
                .put("mechanism", mechanism)
                .put("description", rule.description())
                .put("scope", rule.scope().toJson(true))
                .put("exceptions", rule.exceptions().toJson(false))
                .put("counters", stats.toJson());
    }
}
