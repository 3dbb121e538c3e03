package dev.hauberk.verticle;

import dev.hauberk.Addresses;
import dev.hauberk.bpf.BpfException;
import dev.hauberk.rules.AuditRecords;
import dev.hauberk.rules.AuditRecords.ModeChange;
import dev.hauberk.rules.Rule;
import dev.hauberk.rules.RuleJson;
import dev.hauberk.rules.RuleMode;
import dev.hauberk.rules.RuleSetWriter;
import dev.hauberk.rules.RuleState;
import dev.hauberk.sensor.KernelRuleIds;
import dev.hauberk.sensor.Sensor;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the rule state after start: the catalogue in force, the effective modes, and the rule
 * maps through the sensor's {@link RuleSetWriter}. Deployed as a worker with one instance:
 * every map operation is a system call, and one owner keeps the generations consistent.
 *
 * <p>Event bus requests (local to the host), each replying once the kernel maps are written:
 * <ul>
 * <li>{@link Addresses#RULES_LIST}: a JsonArray of {@link RuleJson} objects.
 * <li>{@link Addresses#RULES_GET} {"rule": ID or NAME}: one rule, or failure 404.
 * <li>{@link Addresses#RULES_SET_MODE} {"rule", "mode", "client"}: {"rule": RULE, "previousMode", "auditSeq"}.
 * <li>{@link Addresses#RULES_SET_CATEGORY_MODE} {"category", "mode", "client"}: {"category", "mode",
 *     "rules": [{id, name, oldMode, newMode}], "auditSeq"}.
 * <li>{@link Addresses#RULES_RELOAD} {"client"} or {"via": "sighup"}: see {@link RuleReload}.
 * </ul>
 * Failures: 400 for an invalid mode, 404 for an unknown rule or category, 500 when the kernel
 * maps could not be written. Every change and reload is written to the audit journal; when that
 * write fails, "auditSeq" is null, "auditError" gives the reason, and the daemon log has it too.
 */
public final class RuleVerticle extends VerticleBase implements SingleInstance {

    static final int INVALID = 400;
    static final int NOT_FOUND = 404;
    static final int FAILED = 500;
    private static final long AUDIT_TIMEOUT_MS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(RuleVerticle.class);

    private final DaemonContext context;
    private final DeliveryOptions auditDelivery =
            new DeliveryOptions().setLocalOnly(true).setSendTimeout(AUDIT_TIMEOUT_MS);
    private RuleSetWriter writer;
    private RuleState state;
    private RuleReload reload;

    public RuleVerticle(DaemonContext context) {
        this.context = context;
    }

    @Override
    public Future<?> start() throws Exception {
        Sensor sensor = context.sensor().orElseThrow(() ->
                new IllegalStateException("the sensor is not loaded: deploy SensorVerticle before RuleVerticle"));
        writer = sensor.rules();
        Set<Integer> kernelIds = KernelRuleIds.of(sensor.object());
        state = new RuleState(context.catalog(), context.config().ruleModes());
        reload = new RuleReload(context, writer, state, kernelIds);
        LOG.info("rule service ready: {} rules, generation {} live; the kernel object evaluates rules {}",
                state.catalog().rules().size(), writer.live().number(), new TreeSet<>(kernelIds));

        List<MessageConsumer<?>> consumers = List.of(
                vertx.eventBus().<JsonObject>localConsumer(Addresses.RULES_LIST, this::list),
                vertx.eventBus().<JsonObject>localConsumer(Addresses.RULES_GET, this::get),
                vertx.eventBus().<JsonObject>localConsumer(Addresses.RULES_SET_MODE, this::setMode),
                vertx.eventBus().<JsonObject>localConsumer(Addresses.RULES_SET_CATEGORY_MODE, this::setCategoryMode),
                vertx.eventBus().<JsonObject>localConsumer(Addresses.RULES_RELOAD, this::reload));
        long generation = writer.live().number();
        JsonArray modes = new JsonArray();
        for (Rule rule : state.catalog().rules()) {
            modes.add(new JsonObject().put("id", rule.id()).put("name", rule.name()).put("mode", state.mode(rule).jsonName()));
        }
        return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
                .compose(ready -> audit(AuditRecords.start(Instant.now(), context.host(), modes, generation),
                        new JsonObject()));
    }

    private void list(Message<JsonObject> message) {
        try {
            JsonArray rules = new JsonArray();
            for (Rule rule : state.catalog().rules()) {
                rules.add(json(rule));
            }
            message.reply(rules);
        } catch (BpfException e) {
            LOG.error("reading the rule maps failed: {}", e.getMessage());
            message.fail(FAILED, "reading the rule maps failed: " + e.getMessage());
        }
    }

    private void get(Message<JsonObject> message) {
        Optional<Rule> rule = findRule(message);
        if (rule.isEmpty()) {
            return;
        }
        try {
            message.reply(json(rule.get()));
        } catch (BpfException e) {
            LOG.error("reading the rule maps for rule {} failed: {}", rule.get().id(), e.getMessage());
            message.fail(FAILED, "reading the rule maps failed: " + e.getMessage());
        }
    }

    private void setMode(Message<JsonObject> message) {
        Optional<RuleMode> mode = parseMode(message);
        Optional<Rule> rule = mode.isEmpty() ? Optional.empty() : findRule(message);
        if (rule.isEmpty()) {
            return;
        }
        ModeChange change;
        try {
            change = switchMode(rule.get(), mode.get());
        } catch (BpfException e) {
            LOG.error("switching rule {} ({}) to {} failed: {}; its mode is unchanged", rule.get().id(),
                    rule.get().name(), mode.get().jsonName(), e.getMessage());
            message.fail(FAILED, "writing the mode of rule " + rule.get().name() + " failed: " + e.getMessage());
            return;
        }
        JsonObject client = client(message.body());
        LOG.info("rule {} ({}) switched from {} to {} by {}", rule.get().id(), rule.get().name(),
                change.oldMode().jsonName(), change.newMode().jsonName(), client.encode());
        JsonObject reply;
        try {
            reply = new JsonObject().put("rule", json(rule.get())).put("previousMode", change.oldMode().jsonName());
        } catch (BpfException e) {
            LOG.warn("reading rule {} back after its mode switch failed: {}; the reply lists only its id and mode",
                    rule.get().id(), e.getMessage());
            reply = new JsonObject().put("rule", new JsonObject().put("id", rule.get().id()).put("mode",
                    change.newMode().jsonName())).put("previousMode", change.oldMode().jsonName());
        }
        audit(AuditRecords.ruleMode(Instant.now(), context.host(), client, change), reply).onComplete(
                done -> message.reply(done.result()));
    }

    private void setCategoryMode(Message<JsonObject> message) {
        Optional<RuleMode> mode = parseMode(message);
        if (mode.isEmpty()) {
            return;
        }
        String category = message.body().getString("category", "");
        List<Rule> rules = state.catalog().byCategory(category);
        if (rules.isEmpty()) {
            Set<String> known = new TreeSet<>();
            state.catalog().rules().forEach(rule -> known.add(rule.category()));
            message.fail(NOT_FOUND, "no rules in category '" + category + "'; categories with rules: "
                    + String.join(", ", known));
            return;
        }

        JsonObject client = client(message.body());
        List<ModeChange> changes = new ArrayList<>();
        String failure = null;
        for (Rule rule : rules) {
            try {
                changes.add(switchMode(rule, mode.get()));
            } catch (BpfException e) {
                failure = "writing the mode of rule " + rule.name() + " failed after " + changes.size() + " of "
                        + rules.size() + " rules of category " + category + " were switched: " + e.getMessage();
                LOG.error("{}; the rules before it keep their new mode", failure);
                break;
            }
        }
        LOG.info("category {} switched to {} by {}: {} rules", category, mode.get().jsonName(), client.encode(),
                changes.size());

        JsonArray switched = new JsonArray();
        changes.forEach(change -> switched.add(change.toJson()));
        JsonObject reply = new JsonObject().put("category", category).put("mode", mode.get().jsonName())
                .put("rules", switched);
        String error = failure;
        audit(AuditRecords.categoryMode(Instant.now(), context.host(), client, category, mode.get(), changes), reply)
                .onComplete(done -> {
                    if (error != null) {
                        message.fail(FAILED, error);
                    } else {
                        message.reply(done.result());
                    }
                });
    }

    private void reload(Message<JsonObject> message) {
        JsonObject client = client(message.body());
        RuleReload.Outcome outcome = reload.run();
        LOG.info("rule reload requested by {}: {}", client.encode(), outcome.reply().encode());
        audit(AuditRecords.reload(Instant.now(), context.host(), client, outcome.reply(), outcome.changes()),
                outcome.reply()).onComplete(done -> message.reply(done.result()));
    }

    /** Writes a mode into the kernel (both generations) and records it; returns the change. */
    private ModeChange switchMode(Rule rule, RuleMode mode) throws BpfException {
        RuleMode old = writer.mode(rule.id());
        writer.setMode(rule.id(), mode);
        state.setApiMode(rule, mode);
        return new ModeChange(rule, old, mode);
    }

    /**
     * Appends an audit record and completes with reply plus its "auditSeq", or with a null
     * "auditSeq" and an "auditError" when the journal failed; never fails.
     */
    private Future<JsonObject> audit(JsonObject record, JsonObject reply) {
        return vertx.eventBus().<JsonObject>request(Addresses.AUDIT_APPEND, record, auditDelivery)
                .map(written -> reply.put("auditSeq", written.body().getLong("seq")))
                .recover(failure -> {
                    LOG.error("audit record not written: {}; the change itself is in force: {}", failure.getMessage(),
                            record.encode());
                    return Future.succeededFuture(reply.put("auditSeq", null)
                            .put("auditError", "the audit journal did not record this change: " + failure.getMessage()));
                });
    }

    private JsonObject json(Rule rule) throws BpfException {
        return RuleJson.encode(rule, writer.mode(rule.id()), state.source(rule), writer.stats(rule.id()),
                context.mechanisms().get().get(rule.id()));
    }

    /** Finds the rule named by "rule", or fails the message with 404 and returns empty. */
    private Optional<Rule> findRule(Message<JsonObject> message) {
        String text = message.body() == null ? "" : message.body().getString("rule", "");
        Optional<Rule> rule = state.find(text);
        if (rule.isEmpty()) {
            message.fail(NOT_FOUND, "no rule with id or name '" + text + "'");
        }
        return rule;
    }

    /** Parses "mode", or fails the message with 400 and returns empty. */
    private static Optional<RuleMode> parseMode(Message<JsonObject> message) {
        String text = message.body() == null ? null : message.body().getString("mode");
        Optional<RuleMode> mode = text == null ? Optional.empty() : RuleMode.parse(text);
        if (mode.isEmpty()) {
            message.fail(INVALID, "mode must be \"off\", \"monitor\" or \"enforce\", got " + (text == null ? "nothing"
                    : "\"" + text + "\""));
        }
        return mode;
    }

    /** Returns who asked: the HTTP client's address and token fingerprint, or the signal. */
    private static JsonObject client(JsonObject body) {
        if (body != null && body.getValue("client") instanceof JsonObject client) {
            return client;
        }
        String via = body == null ? "unknown" : body.getString("via", "unknown");
        return new JsonObject().put("via", via);
    }
}
