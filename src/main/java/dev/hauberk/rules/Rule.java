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
 * @param scope       what the rule applies to; {@link MatchSets#EMPTY} applies it everywhere
 * @param exceptions  what the rule exempts within its scope; {@link MatchSets#EMPTY} for none
 * @param idSource    file:line:column of the rule's id, for errors about the id
 */
public record Rule(
        int id,
        String name,
        String category,
        String severity,
        List<String> mitre,
        RuleMode defaultMode,
        String description,
        String source,
        MatchSets scope,
        MatchSets exceptions,
        String idSource) {

    /** The categories of the catalogue. */
    public static final List<String> CATEGORIES = List.of(
            "networking", "privilege-escalation", "hardware", "rootkit", "unknown-executable",
            "container-creation", "container-escape", "other");

    public static final List<String> SEVERITIES = List.of("low", "medium", "high", "critical");

    /** A rule without scope or exceptions, applying everywhere. */
    public Rule(int id, String name, String category, String severity, List<String> mitre, RuleMode defaultMode,
                String description, String source) {
        this(id, name, category, severity, mitre, defaultMode, description, source, MatchSets.EMPTY, MatchSets.EMPTY,
                source);
    }
}
