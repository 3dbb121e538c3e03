package dev.hauberk.verticle;

import dev.hauberk.Addresses;
import dev.hauberk.bpf.BpfFs;
import dev.hauberk.config.HauberkConfig;
import dev.hauberk.kernel.CgroupHierarchy;
import dev.hauberk.kernel.Enforcement;
import dev.hauberk.kernel.HostNamespaces;
import dev.hauberk.kernel.KernelCapabilities;
import dev.hauberk.kernel.Preflight;
import dev.hauberk.rules.Rule;
import dev.hauberk.rules.RuleMode;
import dev.hauberk.sensor.KernelCounter;
import dev.hauberk.sensor.Sensor;
import dev.hauberk.sensor.SensorOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the BPF object and owns it, writing the initial rule set before any program is
 * attached; RuleVerticle owns the rule maps from then on. Deployed as a worker: every libbpf
 * call is a system call that may block, and none may run on an event loop.
 */
public final class SensorVerticle extends VerticleBase implements SingleInstance {

    private static final Logger LOG = LoggerFactory.getLogger(SensorVerticle.class);

    private final DaemonContext context;
    private Sensor sensor;
    private KernelCapabilities capabilities;
    private java.util.Map<Integer, Enforcement> enforcement;

    public SensorVerticle(DaemonContext context) {
        this.context = context;
    }

    @Override
    public Future<?> start() throws Exception {
        HauberkConfig.Kernel kernel = context.config().kernel();
        CgroupHierarchy hierarchy = CgroupHierarchy.resolve(kernel.cgroupHierarchy());
        if (kernel.pinPath() != null) {
            BpfFs.ensureMounted(kernel.pinPath().getParent());
        }
        HostNamespaces host = HostNamespaces.read();
        KernelCapabilities capabilities = KernelCapabilities.probe();
        enforcement = Enforcement.matrix(capabilities);
        logCapabilities(capabilities);
        sensor = Sensor.start(Sensor.bundledObject(), new SensorOptions(
                kernel.ringBufferBytes(), kernel.processTableEntries(), kernel.processHistoryEntries(),
                kernel.ancestryDepth(), hierarchy, host, kernel.pinPath(), context.initialRules(), capabilities));
        this.capabilities = capabilities;
        context.setMechanisms(this::mechanisms);
        context.publishHost(hierarchy, host);
        context.publishSensor(sensor);
        LOG.info("sensor loaded on kernel {}: {} programs {}, ring buffer {} bytes, containers by cgroup {}",
                Preflight.kernelRelease(), sensor.attachedPrograms(),
                sensor.startReport().reusedPrograms() ? "reused from pins" : "attached",
                sensor.ringBufferBytes(), hierarchy.controller());
        for (Map.Entry<Integer, RuleMode> mode : context.initialModes().entrySet()) {
            String name = context.catalog().byId(mode.getKey()).map(Rule::name).orElse("?");
            LOG.info("rule {} ({}) mode {}", mode.getKey(), name, mode.getValue().jsonName());
        }

        vertx.eventBus().consumer(Addresses.SENSOR_STATS, this::stats);
        vertx.eventBus().consumer(Addresses.CAPABILITIES, message -> message.reply(capabilitiesJson()));
        return Future.succeededFuture();
    }

    /** States once, at start, how each rule enforces on this kernel and why. */
    private void logCapabilities(KernelCapabilities capabilities) {
        if (capabilities.lsm()) {
            LOG.info("BPF-LSM available (LSMs {}): rules in enforce mode refuse actions before they happen",
                    String.join(",", capabilities.activeLsms()));
        } else {
            LOG.warn("BPF-LSM unavailable: {}", capabilities.lsmReason());
        }
        for (Enforcement rule : enforcement.values()) {
            String name = context.catalog().byId(rule.ruleId()).map(Rule::name).orElse("rule " + rule.ruleId());
            LOG.info("{} enforces by {}: {}", name, rule.mechanism().jsonName(), rule.reason());
        }
    }

    private JsonObject capabilitiesJson() {
        JsonArray rules = new JsonArray();
        for (Enforcement rule : enforcement.values()) {
            rules.add(rule.toJson().put("name", context.catalog().byId(rule.ruleId()).map(Rule::name).orElse(null)));
        }
        return capabilities.toJson().put("rules", rules);
    }

    private void stats(Message<Object> message) {
        try {
            JsonObject counters = new JsonObject();
            for (Map.Entry<KernelCounter, Long> counter : sensor.counters().entrySet()) {
                counters.put(counter.getKey().jsonName(), counter.getValue());
            }
            Sensor.StartReport start = sensor.startReport();
            message.reply(new JsonObject()
                    .put("kernel", Preflight.kernelRelease())
                    .put("attachedPrograms", sensor.attachedPrograms())
                    .put("reusedPinnedPrograms", start.reusedPrograms())
                    .put("recoveredProcesses", start.recoveredProcesses())
                    .put("counters", counters));
        } catch (Exception e) {
            message.fail(500, "reading kernel counters failed: " + e.getMessage());
        }
    }

    /** Returns how each rule enforces on this kernel, by rule id, for the rule API. */
    private Map<Integer, JsonObject> mechanisms() {
        Map<Integer, JsonObject> result = new java.util.TreeMap<>();
        enforcement.forEach((id, rule) -> result.put(id, rule.toJson()));
        return result;
    }

    @Override
    public Future<?> stop() {
        if (sensor != null) {
            boolean keep = context.config().kernel().keepAttachedOnExit() && context.config().kernel().pinPath() != null;
            sensor.close(keep);
            LOG.info(keep ? "sensor released: programs stay attached and enforcing, pinned in {}"
                    : "sensor unloaded: programs detached", context.config().kernel().pinPath());
        }
        return Future.succeededFuture();
    }
}
