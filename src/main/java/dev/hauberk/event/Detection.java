package dev.hauberk.event;

import dev.hauberk.rules.RuleMode;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * One detection, enriched and ready for every output. The journal adds the cursor
 * (seq) when it writes it.
 *
 * @param id        random UUID, unique across hosts
 * @param mode      the rule's mode when the kernel decided
 * @param ancestors the parent first, then its parent, as far as the kernel recorded
 * @param container the container's JSON (docs/containers.md), or null on the host
 * @param hostExe   the executable's path as the host sees it, for a process in a container
 *                  whose root directory was found; otherwise null
 * @param target    what the action was aimed at, or null for an exec rule
 * @param ruleGeneration number of the rule set generation whose verdict this is
 */
public record Detection(
        String id,
        Instant time,
        String host,
        RuleRef rule,
        RuleMode mode,
        Action action,
        ProcessInfo process,
        List<AncestorInfo> ancestors,
        JsonObject container,
        String hostExe,
        TargetInfo target,
        long ruleGeneration) {
}
