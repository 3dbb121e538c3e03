package dev.hauberk.verticle;

import dev.hauberk.config.HauberkConfig;
import dev.hauberk.context.BootClock;
import dev.hauberk.rules.CompiledRuleSet;
import dev.hauberk.rules.RuleCatalog;
import dev.hauberk.rules.RuleMode;
import io.vertx.core.json.JsonObject;
import dev.hauberk.sensor.Sensor;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The state that the verticles of one daemon share in process: the configuration, the rule
 * catalogue (replaced by each reload), and the sensor once SensorVerticle has loaded it.
 * Verticles receive it through their constructor, and nothing here is global.
 */
public final class DaemonContext {

    private final HauberkConfig config;
    private final AtomicReference<RuleCatalog> catalog;
    private final CompiledRuleSet initialRules;
    private volatile Supplier<Map<Integer, JsonObject>> mechanisms = Map::of;
    private final String host;
    private final BootClock clock = new BootClock();
    private final Instant startedAt = Instant.now();
    private final AtomicReference<Sensor> sensor = new AtomicReference<>();
    private volatile java.util.function.Consumer<dev.hauberk.event.ContextEvent> contextListener = event -> { };

    /** initialRules is catalog compiled with the modes of the configuration, written before programs attach. */
    public DaemonContext(HauberkConfig config, RuleCatalog catalog, CompiledRuleSet initialRules, String host) {
        this.config = config;
        this.catalog = new AtomicReference<>(catalog);
        this.initialRules = initialRules;
        this.host = host;
    }

    /** Sections of hauberk.yaml that a descriptor may pass to its verticle as config(). */
    public static final java.util.List<String> SETTINGS_SECTIONS = java.util.List.of("http", "journal");

    /** A section of the configuration as JSON; an empty name gives an empty object. */
    public io.vertx.core.json.JsonObject settings(String section) {
        return switch (section) {
            case "http" -> new io.vertx.core.json.JsonObject()
                    .put("host", config.http().host())
                    .put("port", config.http().port())
                    .put("tokenFile", config.http().tokenFile().toString());
            case "journal" -> config.journal().copy();
            default -> new io.vertx.core.json.JsonObject();
        };
    }

    public HauberkConfig config() {
        return config;
    }

    /** Returns the rule catalogue in force: the one read at start, or the last one a reload applied. */
    public RuleCatalog catalog() {
        return catalog.get();
    }

    /** Replaces the catalogue after a reload wrote it into the kernel, for the metadata of later detections. */
    public void publishCatalog(RuleCatalog reloaded) {
        catalog.set(reloaded);
    }

    public CompiledRuleSet initialRules() {
        return initialRules;
    }

    public Map<Integer, RuleMode> initialModes() {
        return initialRules.modes();
    }

    /**
     * Returns the provider of each rule's enforcement mechanism (by rule id) that the rule API
     * reports; by default no rule has one.
     */
    public Supplier<Map<Integer, JsonObject>> mechanisms() {
        return mechanisms;
    }

    /** Sets the provider of enforcement mechanisms, such as one computed from the kernel's capabilities. */
    public void setMechanisms(Supplier<Map<Integer, JsonObject>> provider) {
        this.mechanisms = provider;
    }

    public String host() {
        return host;
    }

    public BootClock clock() {
        return clock;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Optional<Sensor> sensor() {
        return Optional.ofNullable(sensor.get());
    }

    /** Receives cgroup and container events from the ring, on the ring verticle's event loop. */
    public java.util.function.Consumer<dev.hauberk.event.ContextEvent> contextListener() {
        return contextListener;
    }

    public void setContextListener(java.util.function.Consumer<dev.hauberk.event.ContextEvent> listener) {
        this.contextListener = listener;
    }

    private volatile dev.hauberk.kernel.CgroupHierarchy cgroupHierarchy = dev.hauberk.kernel.CgroupHierarchy.V2;
    private volatile dev.hauberk.kernel.HostNamespaces hostNamespaces;

    /** The cgroup hierarchy the sensor tracks containers by, resolved when it loaded. */
    public dev.hauberk.kernel.CgroupHierarchy cgroupHierarchy() {
        return cgroupHierarchy;
    }

    /** The host's namespaces, as the sensor read them. */
    public dev.hauberk.kernel.HostNamespaces hostNamespaces() {
        return hostNamespaces;
    }

    void publishHost(dev.hauberk.kernel.CgroupHierarchy hierarchy, dev.hauberk.kernel.HostNamespaces namespaces) {
        this.cgroupHierarchy = hierarchy;
        this.hostNamespaces = namespaces;
    }

    void publishSensor(Sensor loaded) {
        sensor.set(loaded);
    }
}
