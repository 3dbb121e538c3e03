package dev.hauberk.rules;

import java.util.List;

/**
 * One detection of the catalogue (conf/rules/*.yaml).
 *
 * @param id          stable numeric id, mirrored from enum hk_rule_id; never reused
 * @param name        stable kebab-case name, used in configuration and the API
 * @param mitre       MITRE ATT&CK technique ids, such as T1620
 * @param defaultMode the mode the rule starts in unless the configuration overrides it
 * @param source      file:line:column where the rule is defined
 */
public record Rule(
        int id,
        String name,
        String category,
        String severity,
        List<String> mitre,
        RuleMode defaultMode,
        String description,
        String source) {

    /** The categories of the catalogue. */
    public static final List<String> CATEGORIES = List.of(
            "networking", "privilege-escalation", "hardware", "rootkit", "unknown-executable",
            "container-creation", "container-escape", "other");

    public static final List<String> SEVERITIES = List.of("low", "medium", "high", "critical");
}
