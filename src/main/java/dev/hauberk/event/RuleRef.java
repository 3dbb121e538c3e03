package dev.hauberk.event;

/** The rule a detection belongs to, as it appears in detection JSON. */
public record RuleRef(int id, String name, String category, String severity) {
}
