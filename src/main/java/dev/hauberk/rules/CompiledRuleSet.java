package dev.hauberk.rules;

import java.util.List;
import java.util.Map;

/**
 * A rule set compiled to the entries of the kernel's rule maps, for either generation: the
 * writer adds the generation to every key.
 *
 * @param configs  one entry per rule slot, indexed by rule id, {@link dev.hauberk.rules.wire.RuleLayouts#RULE_ID_MAX}
 *                 of them; slots without a rule are {@link RuleConfig#unused}
 * @param matches  keys of hk_rule_matches
 * @param prefixes keys of hk_rule_prefixes
 * @param cidrs    keys of hk_rule_cidrs
 * @param modes    the mode of each rule of the catalogue, by id
 */
public record CompiledRuleSet(
        List<RuleConfig> configs,
        List<MatchEntry> matches,
        List<PrefixEntry> prefixes,
        List<CidrEntry> cidrs,
        Map<Integer, RuleMode> modes) {

    public CompiledRuleSet {
        configs = List.copyOf(configs);
        matches = List.copyOf(matches);
        prefixes = List.copyOf(prefixes);
        cidrs = List.copyOf(cidrs);
        modes = Map.copyOf(modes);
    }

    /** Returns a set without rules: every slot off, no match entries. */
    public static CompiledRuleSet empty() {
        List<RuleConfig> configs = new java.util.ArrayList<>();
        for (int id = 0; id < dev.hauberk.rules.wire.RuleLayouts.RULE_ID_MAX; id++) {
            configs.add(RuleConfig.unused(id));
        }
        return new CompiledRuleSet(configs, List.of(), List.of(), List.of(), Map.of());
    }
}
