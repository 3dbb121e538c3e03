package dev.hauberk.rules;

import dev.hauberk.config.ConfigException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The rule set in force and where each rule's mode comes from. A rule's effective mode is,
 * from lowest to highest precedence: its default_mode in the catalogue, rule_modes in
 * conf/hauberk.yaml, and a change through the API. API changes last until the daemon stops,
 * and survive reloads for every rule the reloaded catalogue still has. Not thread-safe: the
 * rule verticle owns it.
 */
public final class RuleState {

    /** The origin of a rule's effective mode. */
    public enum ModeSource {
        DEFAULT("default"), CONFIG("config"), API("api");

        private final String jsonName;

        ModeSource(String jsonName) {
            this.jsonName = jsonName;
        }

        public String jsonName() {
            return jsonName;
        }
    }

    private RuleCatalog catalog;
    private Map<String, String> configModes;
    private final Map<Integer, RuleMode> apiModes = new TreeMap<>();

    /** configModes is rule_modes of conf/hauberk.yaml: mode names by rule name, already validated. */
    public RuleState(RuleCatalog catalog, Map<String, String> configModes) {
        this.catalog = catalog;
        this.configModes = Map.copyOf(configModes);
    }

    public RuleCatalog catalog() {
        return catalog;
    }

    /** Finds a rule by its numeric id ("2") or its name ("exec-memfd"). */
    public Optional<Rule> find(String idOrName) {
        if (idOrName.matches("\\d{1,9}")) {
            return catalog.byId(Integer.parseInt(idOrName));
        }
        return catalog.byName(idOrName);
    }

    /** Returns the mode a rule should be in. */
    public RuleMode mode(Rule rule) {
        RuleMode api = apiModes.get(rule.id());
        if (api != null) {
            return api;
        }
        String configured = configModes.get(rule.name());
        return configured != null ? RuleMode.parse(configured).orElseThrow() : rule.defaultMode();
    }

    public ModeSource source(Rule rule) {
        if (apiModes.containsKey(rule.id())) {
            return ModeSource.API;
        }
        return configModes.containsKey(rule.name()) ? ModeSource.CONFIG : ModeSource.DEFAULT;
    }

    /** Returns the effective mode of every rule, by id. */
    public Map<Integer, RuleMode> modes() {
        Map<Integer, RuleMode> modes = new TreeMap<>();
        for (Rule rule : catalog.rules()) {
            modes.put(rule.id(), mode(rule));
        }
        return modes;
    }

    /** Records a mode set through the API, after it was written into the kernel. */
    public void setApiMode(Rule rule, RuleMode mode) {
        apiModes.put(rule.id(), mode);
    }

    /**
     * Returns the modes that a reload to next, with next's rule_modes, would put in force:
     * API changes stay for the rules next still has. Throws ConfigException when rule_modes
     * names a rule that next lacks.
     */
    public Map<Integer, RuleMode> modesAfterReload(RuleCatalog next, Map<String, String> nextConfigModes,
                                                  Map<String, String> nextConfigSources) throws ConfigException {
        Map<Integer, RuleMode> modes = next.modes(nextConfigModes, nextConfigSources);
        for (Map.Entry<Integer, RuleMode> api : apiModes.entrySet()) {
            if (modes.containsKey(api.getKey())) {
                modes.put(api.getKey(), api.getValue());
            }
        }
        return modes;
    }

    /** Makes a reloaded catalogue current, after it was written into the kernel. */
    public void replace(RuleCatalog next, Map<String, String> nextConfigModes) {
        catalog = next;
        configModes = Map.copyOf(nextConfigModes);
        apiModes.keySet().removeIf(id -> next.byId(id).isEmpty());
    }
}
