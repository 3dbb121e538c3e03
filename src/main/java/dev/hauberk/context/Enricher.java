package dev.hauberk.context;

import dev.hauberk.event.Detection;
import dev.hauberk.event.KernelDetection;
import dev.hauberk.event.RuleRef;
import dev.hauberk.rules.Rule;
import dev.hauberk.rules.RuleCatalog;
import dev.hauberk.rules.RuleMode;
import java.time.Instant;
import java.util.UUID;
import java.util.function.LongFunction;

/** Turns a decoded kernel detection into a {@link Detection}: rule metadata, host, wall-clock time, id. */
public final class Enricher {

    private final RuleCatalog catalog;
    private final String host;
    private final LongFunction<Instant> bootToWallClock;

    /** bootToWallClock converts the kernel's boot-time nanoseconds, as {@link BootClock#toInstant} does. */
    public Enricher(RuleCatalog catalog, String host, LongFunction<Instant> bootToWallClock) {
        this.catalog = catalog;
        this.host = host;
        this.bootToWallClock = bootToWallClock;
    }

    public Detection enrich(KernelDetection raw) {
        RuleRef rule = catalog.byId(raw.ruleId())
                .map(Enricher::ref)
                // The object knows a rule the catalogue lacks: report it rather than drop it.
                .orElseGet(() -> new RuleRef(raw.ruleId(), "unknown-rule-" + raw.ruleId(), "other", "high"));
        return new Detection(
                UUID.randomUUID().toString(),
                bootToWallClock.apply(raw.timeNs()),
                host,
                rule,
                RuleMode.fromCode(raw.mode()),
                raw.action(),
                raw.process(),
                raw.ancestors(),
                null);
    }

    private static RuleRef ref(Rule rule) {
        return new RuleRef(rule.id(), rule.name(), rule.category(), rule.severity());
    }
}
