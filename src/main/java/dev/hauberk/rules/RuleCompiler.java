package dev.hauberk.rules;

import dev.hauberk.event.wire.Fnv1a;
import dev.hauberk.rules.wire.RuleLayouts;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compiles a validated catalogue and the effective modes into the entries of the kernel's
 * rule maps. Pure: no system calls, so it runs anywhere and is tested without a kernel.
 */
public final class RuleCompiler {

    private RuleCompiler() {
    }

    /**
     * Compiles every rule of the catalogue with its mode from modes (its default mode when
     * absent). Throws RuleSetException when one generation of the set would take more than
     * half of a map, because the live generation keeps the other half while the next is written.
     */
    public static CompiledRuleSet compile(RuleCatalog catalog, Map<Integer, RuleMode> modes) throws RuleSetException {
        List<RuleConfig> configs = new ArrayList<>(RuleLayouts.RULE_ID_MAX);
        for (int id = 0; id < RuleLayouts.RULE_ID_MAX; id++) {
            configs.add(RuleConfig.unused(id));
        }
        Set<MatchEntry> matches = new LinkedHashSet<>();
        List<PrefixEntry> prefixes = new ArrayList<>();
        List<CidrEntry> cidrs = new ArrayList<>();
        Map<Integer, RuleMode> effective = new TreeMap<>();
        for (Rule rule : catalog.rules()) {
            RuleMode mode = modes.getOrDefault(rule.id(), rule.defaultMode());
            effective.put(rule.id(), mode);
            configs.set(rule.id(), new RuleConfig(rule.id(), mode, rule.scope().where(), rule.scope().kindBits(),
                    rule.exceptions().kindBits(), rule.scope().uids(), rule.exceptions().uids()));
            addSets(rule.id(), rule.scope(), false, matches, prefixes, cidrs);
            addSets(rule.id(), rule.exceptions(), true, matches, prefixes, cidrs);
        }
        checkCapacity(catalog, "hk_rule_matches", matches.stream().map(MatchEntry::ruleId).toList(),
                RuleLayouts.MATCH_ENTRIES);
        checkCapacity(catalog, "hk_rule_prefixes", prefixes.stream().map(PrefixEntry::ruleId).toList(),
                RuleLayouts.PREFIX_ENTRIES);
        checkCapacity(catalog, "hk_rule_cidrs", cidrs.stream().map(CidrEntry::ruleId).toList(),
                RuleLayouts.CIDR_ENTRIES);
        return new CompiledRuleSet(configs, List.copyOf(matches), prefixes, cidrs, effective);
    }

    private static void addSets(int ruleId, MatchSets sets, boolean exception, Set<MatchEntry> matches,
                                List<PrefixEntry> prefixes, List<CidrEntry> cidrs) {
        for (String path : sets.exePaths()) {
            matches.add(new MatchEntry(MatchKind.EXE_PATH, exception, ruleId, Fnv1a.hash(path), path));
        }
        for (String path : sets.parentExes()) {
            matches.add(new MatchEntry(MatchKind.PARENT_EXE, exception, ruleId, Fnv1a.hash(path), path));
        }
        for (String id : sets.containerIds()) {
            matches.add(new MatchEntry(MatchKind.CONTAINER_ID, exception, ruleId, Fnv1a.hash(id), id));
        }
        for (String id : sets.imageIds()) {
            matches.add(new MatchEntry(MatchKind.IMAGE_ID, exception, ruleId, Fnv1a.hash(id), id));
        }
        for (PortRange range : sets.ports()) {
            for (int port = range.first(); port <= range.last(); port++) {
                matches.add(new MatchEntry(MatchKind.PORT, exception, ruleId, port, Integer.toString(port)));
            }
        }
        for (String prefix : sets.exePrefixes()) {
            prefixes.add(new PrefixEntry(exception, ruleId, prefix, prefixLength(prefix)));
        }
        for (Cidr cidr : sets.cidrs()) {
            cidrs.add(new CidrEntry(exception, ruleId, cidr, RuleLayouts.KEY_HEADER_BITS + cidr.mappedBits()));
        }
    }

    /** Returns the LPM prefix length of a path prefix: the key header, then 8 bits per byte of the path. */
    static int prefixLength(String path) {
        return RuleLayouts.KEY_HEADER_BITS + 8 * path.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Rejects a set whose entries (given by rule id) exceed half of a map, naming the rule with the most. */
    private static void checkCapacity(RuleCatalog catalog, String map, List<Integer> entryRules, int maxEntries)
            throws RuleSetException {
        int perGeneration = maxEntries / RuleLayouts.GENERATIONS;
        if (entryRules.size() <= perGeneration) {
            return;
        }
        Map<Integer, Integer> perRule = new TreeMap<>();
        entryRules.forEach(id -> perRule.merge(id, 1, Integer::sum));
        int largest = perRule.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        Rule rule = catalog.byId(largest).orElseThrow();
        throw new RuleSetException(List.of(rule.source() + ": the rule set needs " + entryRules.size() + " entries in "
                + map + ", but one generation may use at most " + perGeneration + " of its " + maxEntries
                + "; rule '" + rule.name() + "' has the most (" + perRule.get(largest)
                + "): shorten its port ranges, paths or CIDRs"));
    }
}
