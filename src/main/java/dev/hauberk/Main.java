package dev.hauberk;

import dev.hauberk.bpf.BpfException;
import dev.hauberk.config.ConfigException;
import dev.hauberk.config.ConfigLoader;
import dev.hauberk.config.HauberkConfig;
import dev.hauberk.context.HostName;
import dev.hauberk.kernel.Preflight;
import dev.hauberk.rules.CompiledRuleSet;
import dev.hauberk.rules.RuleCatalog;
import dev.hauberk.rules.RuleCompiler;
import dev.hauberk.rules.RuleMode;
import dev.hauberk.sensor.KernelRuleIds;
import dev.hauberk.sensor.Sensor;
import dev.hauberk.verticle.Daemon;
import dev.hauberk.verticle.DaemonContext;
import dev.hauberk.verticle.VerticleDescriptor;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The daemon's entry point: java -jar hauberk.jar [--config FILE].
 *
 * <p>Exit status: 0 after a clean shutdown, 1 when the host cannot run Hauberk or a
 * component fails to start, 2 for a usage or configuration error. Every failure is
 * reported as one line naming the cause and the fix.
 */
public final class Main {

    public static final String DEFAULT_CONFIG = "conf/hauberk.yaml";
    private static final int EXIT_FAILURE = 1;
    private static final int EXIT_USAGE = 2;
    private static final long SHUTDOWN_TIMEOUT_SECONDS = 20;
    private static final long RELOAD_TIMEOUT_MS = 60_000;

    private Main() {
    }

    public static void main(String[] args) {
        System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
        Logger log = LoggerFactory.getLogger(Main.class);

        Path configFile = Path.of(DEFAULT_CONFIG);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> {
                    if (i + 1 >= args.length) {
                        exit(log, EXIT_USAGE, "--config needs a file name");
                    }
                    configFile = Path.of(args[++i]);
                }
                case "--help", "-h" -> {
                    System.out.println("usage: java -jar hauberk.jar [--config FILE]   (default " + DEFAULT_CONFIG + ")");
                    return;
                }
                default -> exit(log, EXIT_USAGE, "unknown argument '" + args[i] + "'; usage: java -jar hauberk.jar [--config FILE]");
            }
        }

        // Before reading any file: an unprivileged user learns first that only root can run it.
        Optional<String> problem = Preflight.firstProblem();
        if (problem.isPresent()) {
            exit(log, EXIT_FAILURE, problem.get());
        }

        HauberkConfig config;
        RuleCatalog catalog;
        CompiledRuleSet rules;
        List<VerticleDescriptor> descriptors;
        try {
            config = ConfigLoader.load(configFile);
            catalog = RuleCatalog.load(config.daemon().rulesDirectory());
            catalog.requireKernelIds(KernelRuleIds.read(Sensor.bundledObject()));
            Map<Integer, RuleMode> modes = catalog.modes(config.ruleModes(), config.ruleModeSources());
            rules = RuleCompiler.compile(catalog, modes);
            descriptors = VerticleDescriptor.loadAll(config.daemon().verticlesDirectory());
        } catch (ConfigException e) {
            exit(log, EXIT_USAGE, e.getMessage());
            return;
        } catch (IOException | BpfException e) {
            exit(log, EXIT_FAILURE, "cannot read the rule ids of the bundled BPF object: " + e.getMessage());
            return;
        }

        InstanceLock lock;
        try {
            lock = InstanceLock.acquire(config.daemon().lockFile());
        } catch (InstanceLock.LockedException e) {
            exit(log, EXIT_FAILURE, e.getMessage());
            return;
        } catch (IOException e) {
            exit(log, EXIT_FAILURE, "cannot take the instance lock " + config.daemon().lockFile() + ": " + e.getMessage());
            return;
        }

        String host = HostName.resolve(config.daemon().hostName());
        DaemonContext context = new DaemonContext(config, catalog, rules, host);
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        if (!vertx.isNativeTransportEnabled()) {
            log.warn("Netty native epoll transport unavailable ({}); using NIO", vertx.unavailableNativeTransportCause());
        }
        Daemon daemon = new Daemon(vertx, context);
        // Before deploying, so that a SIGHUP during start cannot stop the JVM.
        reloadOnHangup(log, vertx);
        CountDownLatch stopped = new CountDownLatch(1);

        try {
            daemon.deploy(descriptors).toCompletionStage().toCompletableFuture().get();
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            logVerifierLog(log, cause);
            shutdown(log, daemon, vertx, lock);
            exit(log, EXIT_FAILURE, cause.getMessage());
        }
        log.info("Hauberk started on {}: {} rules, API on http://{}:{}/api/v1/", host, catalog.rules().size(),
                config.http().host(), config.http().port());

        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("hauberk-shutdown").unstarted(() -> {
            log.info("shutting down");
            shutdown(log, daemon, vertx, lock);
            stopped.countDown();
        }));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Makes SIGHUP reload the rule set, as for POST /api/v1/rules/reload. The handler replaces
     * the JVM's default for SIGHUP, which would run the shutdown hooks and exit. A SIGHUP before
     * the rule verticle runs is logged as a failed reload.
     */
    private static void reloadOnHangup(Logger log, Vertx vertx) {
        if (hangupIgnored()) {
            // The JVM leaves a signal ignored at its start (nohup) ignored, and the handler never runs.
            log.warn("SIGHUP is ignored by this process (started under nohup?): reload the rules with"
                    + " POST /api/v1/rules/reload, or start the daemon without nohup for SIGHUP to work");
        }
        DeliveryOptions options = new DeliveryOptions().setLocalOnly(true).setSendTimeout(RELOAD_TIMEOUT_MS);
        Signal.handle(new Signal("HUP"), signal -> {
            log.info("SIGHUP received: reloading the rule set");
            vertx.eventBus().<JsonObject>request(Addresses.RULES_RELOAD, new JsonObject().put("via", "sighup"), options)
                    .onSuccess(reply -> log.info("reload after SIGHUP: {}", reply.body().encode()))
                    .onFailure(failure -> log.error("reload after SIGHUP failed: {}; the rule set in force is unchanged",
                            failure.getMessage()));
        });
    }

    /** Whether SIGHUP (signal 1) is in the ignored set of /proc/self/status. */
    private static boolean hangupIgnored() {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith("SigIgn:"))
                    .map(line -> Long.parseUnsignedLong(line.substring(7).strip(), 16))
                    .anyMatch(ignored -> (ignored & 1L) != 0);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    private static void shutdown(Logger log, Daemon daemon, Vertx vertx, InstanceLock lock) {
        try {
            daemon.undeploy().eventually(vertx::close).toCompletionStage().toCompletableFuture()
                    .get(SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("shutdown did not complete cleanly: {}", e.toString());
        }
        try {
            lock.close();
        } catch (IOException e) {
            log.warn("releasing {} failed: {}", lock.path(), e.getMessage());
        }
    }

    private static void logVerifierLog(Logger log, Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof BpfException bpf && !bpf.verifierLog().isEmpty()) {
                log.error("libbpf output for the failed load:\n{}", bpf.verifierLog());
                return;
            }
        }
    }

    private static void exit(Logger log, int status, String message) {
        log.error(message);
        System.exit(status);
    }
}
