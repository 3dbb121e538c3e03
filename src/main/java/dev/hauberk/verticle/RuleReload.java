package dev.hauberk.verticle;

import dev.hauberk.bpf.BpfException;
import dev.hauberk.config.ConfigException;
import dev.hauberk.config.ConfigLoader;
import dev.hauberk.config.HauberkConfig;
import dev.hauberk.rules.AuditRecords.ModeChange;
import dev.hauberk.rules.CompiledRuleSet;
import dev.hauberk.rules.Rule;
import dev.hauberk.rules.RuleCatalog;
import dev.hauberk.rules.RuleCompiler;
import dev.hauberk.rules.RuleMode;
import dev.hauberk.rules.RuleSetException;
import dev.hauberk.rules.RuleSetWriter;
import dev.hauberk.rules.RuleState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reload of the rule set: re-reads conf/rules/*.yaml from the rules directory the daemon
 * started with, and rule_modes from conf/hauberk.yaml (the other settings of that file take a
 * restart), validates them, and writes the result as a new generation. A set that fails
 * validation changes nothing. Replies, as {@link Outcome#reply()}:
 * <ul>
 * <li>{"result": "applied", "generation": N, "rules": COUNT, "modeChanges": [{id, name, oldMode, newMode}]}
 * <li>{"result": "rejected", "errors": ["file:line:column: reason", ...], "generation": N of the live set}
 * <li>{"result": "failed", "error": "...", "generation": N of the live set}: the kernel refused a
 *     write; the live generation is unchanged
 * </ul>
 */
final class RuleReload {

    private static final Logger LOG = LoggerFactory.getLogger(RuleReload.class);

    /** The result of a reload: the reply for the client and the mode changes for the audit record. */
    record Outcome(JsonObject reply, List<ModeChange> changes) {
    }

    private final DaemonContext context;
    private final RuleSetWriter writer;
    private final RuleState state;
    private final Set<Integer> kernelIds;

    RuleReload(DaemonContext context, RuleSetWriter writer, RuleState state, Set<Integer> kernelIds) {
        this.context = context;
        this.writer = writer;
        this.state = state;
        this.kernelIds = Set.copyOf(kernelIds);
    }

    Outcome run() {
        HauberkConfig fresh;
        RuleCatalog next;
        CompiledRuleSet compiled;
        try {
            fresh = ConfigLoader.load(context.config().source());
            next = RuleCatalog.load(context.config().daemon().rulesDirectory());
            next.requireKernelIds(kernelIds);
            compiled = RuleCompiler.compile(next, state.modesAfterReload(next, fresh.ruleModes(), fresh.ruleModeSources()));
        } catch (RuleSetException e) {
            return rejected(e.errors());
        } catch (ConfigException e) {
            return rejected(List.of(e.getMessage()));
        }

        Map<Integer, RuleMode> before = state.modes();
        RuleCatalog previous = state.catalog();
        RuleSetWriter.Generation generation;
        try {
            generation = writer.write(compiled);
        } catch (BpfException e) {
            LOG.error("rule reload failed while writing the new generation: {}", e.getMessage());
            return new Outcome(new JsonObject().put("result", "failed").put("error", e.getMessage())
                    .put("generation", liveNumber()), List.of());
        }
        state.replace(next, fresh.ruleModes());
        context.publishCatalog(next);

        List<ModeChange> changes = changes(previous, before, next, compiled.modes());
        JsonArray changed = new JsonArray();
        changes.forEach(change -> changed.add(change.toJson()));
        LOG.info("rule set reloaded as generation {}: {} rules, {} mode changes", generation.number(),
                next.rules().size(), changes.size());
        return new Outcome(new JsonObject()
                .put("result", "applied")
                .put("generation", generation.number())
                .put("rules", next.rules().size())
                .put("modeChanges", changed), changes);
    }

    private Outcome rejected(List<String> errors) {
        LOG.warn("rule reload rejected with {} errors; the rule set in force is unchanged:\n{}", errors.size(),
                String.join("\n", errors));
        return new Outcome(new JsonObject()
                .put("result", "rejected")
                .put("errors", new JsonArray(List.copyOf(errors)))
                .put("generation", liveNumber()), List.of());
    }

    private Long liveNumber() {
        try {
            return writer.live().number();
        } catch (BpfException e) {
            LOG.warn("reading the live rule generation failed: {}", e.getMessage());
            return null;
        }
    }

    /** Lists the rules whose mode differs between two sets: added rules have no old mode, removed ones no new one. */
    static List<ModeChange> changes(RuleCatalog previous, Map<Integer, RuleMode> before, RuleCatalog next,
                                    Map<Integer, RuleMode> after) {
        List<ModeChange> changes = new ArrayList<>();
        for (Rule rule : next.rules()) {
            RuleMode old = before.get(rule.id());
            if (old != after.get(rule.id())) {
                changes.add(new ModeChange(rule, old, after.get(rule.id())));
            }
        }
        for (Rule rule : previous.rules()) {
            if (next.byId(rule.id()).isEmpty()) {
                changes.add(new ModeChange(rule, before.get(rule.id()), null));
            }
        }
        return changes;
    }
}
