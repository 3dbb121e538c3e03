package dev.hauberk.event;

import dev.hauberk.rules.RuleMode;
import java.time.Instant;

/**
 * One detection, enriched and ready for every output. The journal adds the cursor
 * (seq) when it writes it.
 *
 * @param id   random UUID, unique across hosts
 * @param mode the rule's mode when the kernel decided
 */
public record Detection(
        String id,
        Instant time,
        String host,
        RuleRef rule,
        RuleMode mode,
        Action action,
        ProcessInfo process,
        ParentInfo parent) {
}
