package dev.hauberk.context;

import dev.hauberk.event.Detection;
import dev.hauberk.event.KernelDetection;
import dev.hauberk.event.RuleRef;
import dev.hauberk.rules.Rule;
import dev.hauberk.rules.RuleCatalog;
import dev.hauberk.rules.RuleMode;
import dev.hauberk.context.container.ContainerInfo;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/** Turns a decoded kernel detection into a {@link Detection}: rule metadata, host, wall-clock time, id. */
public final class Enricher {

    private final Supplier<RuleCatalog> catalog;
    private final String host;
    private final LongFunction<Instant> bootToWallClock;

    /** bootToWallClock converts the kernel's boot-time nanoseconds, as {@link BootClock#toInstant} does. */
    public Enricher(RuleCatalog catalog, String host, LongFunction<Instant> bootToWallClock) {
        this(() -> catalog, host, bootToWallClock);
    }

    /** Reads the rule metadata from the catalogue that catalog returns at each detection, so reloads apply. */
    public Enricher(Supplier<RuleCatalog> catalog, String host, LongFunction<Instant> bootToWallClock) {
        this.catalog = catalog;
        this.host = host;
        this.bootToWallClock = bootToWallClock;
    }

    public Detection enrich(KernelDetection raw) {
        return enrich(raw, Optional.empty(), Optional.empty());
    }

    /**
     * Enriches with the process's container, if it runs in one, and the container's root
     * directory on the host, from which the executable's host path follows.
     */
    public Detection enrich(KernelDetection raw, Optional<ContainerInfo> container, Optional<String> hostRoot) {
        RuleRef rule = catalog.get().byId(raw.ruleId())
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
                container.map(ContainerInfo::toJson).orElse(null),
                hostRoot.filter(root -> raw.process().exe().startsWith("/"))
                        .map(root -> root.equals("/") ? raw.process().exe() : root + raw.process().exe())
                        .orElse(null),
                raw.target(),
                raw.generation());
    }

    private static RuleRef ref(Rule rule) {
        return new RuleRef(rule.id(), rule.name(), rule.category(), rule.severity());
    }
}
