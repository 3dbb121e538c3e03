package dev.hauberk.rules;

import dev.hauberk.config.ConfigException;
import dev.hauberk.config.YamlMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The detection catalogue read from a directory of *.yaml files, validated as a whole. */
public final class RuleCatalog {

    /** Exclusive upper bound of rule ids: the size of the kernel's hk_rule_config array. */
    public static final int RULE_ID_LIMIT = 256;

    private static final Set<String> RULE_KEYS = Set.of(
            "id", "name", "category", "severity", "mitre", "default_mode", "description", "scope", "exceptions");
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    private static final Pattern TECHNIQUE = Pattern.compile("T\\d{4}(\\.\\d{3})?");

    private final Map<Integer, Rule> byId;
    private final Map<String, Rule> byName;

    private RuleCatalog(Map<Integer, Rule> byId) {
        this.byId = byId;
        this.byName = new HashMap<>();
        for (Rule rule : byId.values()) {
            byName.put(rule.name(), rule);
        }
    }

    public static RuleCatalog of(Collection<Rule> rules) {
        Map<Integer, Rule> byId = new TreeMap<>();
        for (Rule rule : rules) {
            byId.put(rule.id(), rule);
        }
        return new RuleCatalog(byId);
    }

    /**
     * Loads every *.yaml file of directory, in name order. Validation goes on past the first
     * invalid rule, so that one run reports every error; any error rejects the whole set.
     *
     * @throws RuleSetException with every error, each starting with file:line:column
     * @throws ConfigException when the directory cannot be listed or contains no rule file
     */
    public static RuleCatalog load(Path directory) throws ConfigException {
        if (!Files.isDirectory(directory)) {
            throw new ConfigException(directory + ": rules directory not found");
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new ConfigException(directory + ": cannot list rule files: " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new ConfigException(directory + ": no *.yaml rule files");
        }
        Map<Integer, Rule> byId = new TreeMap<>();
        Map<String, Rule> byName = new HashMap<>();
        List<String> errors = new ArrayList<>();
        for (Path file : files) {
            List<YamlMap> entries;
            try {
                YamlMap root = YamlMap.parseFile(file);
                root.requireOnly(Set.of("rules"));
                entries = root.maps("rules");
            } catch (ConfigException e) {
                errors.add(e.getMessage());
                continue;
            }
            for (YamlMap entry : entries) {
                try {
                    add(parse(entry), entry, byId, byName);
                } catch (ConfigException e) {
                    errors.add(e.getMessage());
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new RuleSetException(errors);
        }
        return new RuleCatalog(byId);
    }

    private static void add(Rule rule, YamlMap entry, Map<Integer, Rule> byId, Map<String, Rule> byName)
            throws ConfigException {
        Rule sameId = byId.get(rule.id());
        if (sameId != null) {
            throw new ConfigException(entry.position("id") + ": id: duplicate rule id " + rule.id()
                    + ", already used by '" + sameId.name() + "' at " + sameId.source());
        }
        Rule sameName = byName.get(rule.name());
        if (sameName != null) {
            throw new ConfigException(entry.position("name") + ": name: duplicate rule name '" + rule.name()
                    + "', already used at " + sameName.source());
        }
        byId.put(rule.id(), rule);
        byName.put(rule.name(), rule);
    }

    /**
     * Checks that the kernel object has a program for every rule: each id must be a value of
     * the object's enum hk_rule_id. A rule it lacks would be configured in the maps but never
     * evaluated, so it is an error at the rule's id.
     */
    public void requireKernelIds(Set<Integer> kernelIds) throws RuleSetException {
        List<String> errors = new ArrayList<>();
        for (Rule rule : byId.values()) {
            if (!kernelIds.contains(rule.id())) {
                errors.add(rule.idSource() + ": id: the kernel object has no rule " + rule.id() + " ('" + rule.name()
                        + "'); its enum hk_rule_id contains " + new TreeSet<>(kernelIds));
            }
        }
        if (!errors.isEmpty()) {
            throw new RuleSetException(errors);
        }
    }

    private static Rule parse(YamlMap entry) throws ConfigException {
        entry.requireOnly(RULE_KEYS);
        int id = (int) entry.requireInteger("id", 1, RULE_ID_LIMIT - 1);
        String name = entry.requireString("name");
        if (!NAME.matcher(name).matches()) {
            throw entry.error("name", "'" + name + "' is not a kebab-case name such as exec-memfd");
        }
        String category = entry.requireString("category");
        if (!Rule.CATEGORIES.contains(category)) {
            throw entry.error("category", "'" + category + "' is not one of " + String.join(", ", Rule.CATEGORIES));
        }
        String severity = entry.requireString("severity");
        if (!Rule.SEVERITIES.contains(severity)) {
            throw entry.error("severity", "'" + severity + "' is not one of " + String.join(", ", Rule.SEVERITIES));
        }
        List<String> mitre = entry.strings("mitre");
        List<String> positions = entry.itemPositions("mitre");
        for (int i = 0; i < mitre.size(); i++) {
            if (!TECHNIQUE.matcher(mitre.get(i)).matches()) {
                throw new ConfigException(positions.get(i) + ": mitre: '" + mitre.get(i)
                        + "' is not an ATT&CK technique id such as T1059 or T1059.004");
            }
        }
        String modeText = entry.string("default_mode", "monitor");
        RuleMode mode = RuleMode.parse(modeText).orElseThrow(() -> entry.error("default_mode",
                "mode '" + modeText + "' does not exist; expected off, monitor or enforce"));
        return new Rule(id, name, category, severity, List.copyOf(mitre), mode,
                entry.string("description", "").strip(), entry.position(),
                MatchSetParser.scope(entry), MatchSetParser.exceptions(entry), entry.position("id"));
    }

    public Collection<Rule> rules() {
        return byId.values();
    }

    public Optional<Rule> byId(int id) {
        return Optional.ofNullable(byId.get(id));
    }

    public Optional<Rule> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Returns the rules of a category, ordered by id. */
    public List<Rule> byCategory(String category) {
        return byId.values().stream().filter(rule -> rule.category().equals(category)).toList();
    }

    /**
     * The mode of every rule: its default, replaced by overrides (rule name to mode name).
     * An override naming no rule is an error at its position in sources (name to file:line:column).
     */
    public Map<Integer, RuleMode> modes(Map<String, String> overrides, Map<String, String> sources) throws ConfigException {
        Map<Integer, RuleMode> modes = new TreeMap<>();
        for (Rule rule : byId.values()) {
            modes.put(rule.id(), rule.defaultMode());
        }
        for (Map.Entry<String, String> override : overrides.entrySet()) {
            Optional<Rule> rule = byName(override.getKey());
            if (rule.isEmpty()) {
                throw new ConfigException(sources.getOrDefault(override.getKey(), "rule_modes") + ": rule_modes: no rule named '"
                        + override.getKey() + "'; the catalogue's rules are " + String.join(", ", byName.keySet().stream().sorted().toList()));
            }
            modes.put(rule.get().id(), RuleMode.parse(override.getValue()).orElseThrow());
        }
        return modes;
    }
}
