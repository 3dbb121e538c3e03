package dev.hauberk.verticle;

import dev.hauberk.config.HauberkConfig;
import dev.hauberk.context.BootClock;
import dev.hauberk.rules.RuleCatalog;
import dev.hauberk.rules.RuleMode;
import dev.hauberk.sensor.Sensor;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the verticles of one daemon share in process: the configuration, the rule
 * catalogue, and the sensor once SensorVerticle has loaded it. Verticles receive it
 * through their constructor; nothing here is global.
 */
public final class DaemonContext {

    private final HauberkConfig config;
    private final RuleCatalog catalog;
    private final Map<Integer, RuleMode> initialModes;
    private final String host;
    private final BootClock clock = new BootClock();
    private final Instant startedAt = Instant.now();
    private final AtomicReference<Sensor> sensor = new AtomicReference<>();
    private volatile java.util.function.Consumer<dev.hauberk.event.ContextEvent> contextListener = event -> { };

    public DaemonContext(HauberkConfig config, RuleCatalog catalog, Map<Integer, RuleMode> initialModes, String host) {
        this.config = config;
        this.catalog = catalog;
        this.initialModes = Map.copyOf(initialModes);
        this.host = host;
    }

    /** Sections of hauberk.yaml that a descriptor may pass to its verticle as config(). */
    public static final java.util.List<String> SETTINGS_SECTIONS = java.util.List.of("http", "journal");

    /** A section of the configuration as JSON; an empty name gives an empty object. */
    public io.vertx.core.json.JsonObject settings(String section) {
        return switch (section) {
            case "http" -> new io.vertx.core.json.JsonObject()
                    .put("host", config.http().host())
                    .put("port", config.http().port());
            case "journal" -> config.journal().copy();
            default -> new io.vertx.core.json.JsonObject();
        };
    }

    public HauberkConfig config() {
        return config;
    }

    public RuleCatalog catalog() {
        return catalog;
    }

    public Map<Integer, RuleMode> initialModes() {
        return initialModes;
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
