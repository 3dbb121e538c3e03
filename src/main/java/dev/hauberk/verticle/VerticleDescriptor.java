package dev.hauberk.verticle;

import dev.hauberk.config.ConfigException;
import dev.hauberk.config.YamlMap;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A deployment descriptor from verticles/*.yaml: which verticle, in which order, on
 * which kind of thread, how many instances, or not at all. Operators tune deployments
 * by editing these files.
 *
 * @param order    deployment order, lowest first; undeployment runs in reverse
 * @param settings the section of hauberk.yaml passed to the verticle as its config(), or empty
 */
public record VerticleDescriptor(
        String name,
        Class<? extends Deployable> verticleClass,
        int order,
        boolean enabled,
        boolean worker,
        int instances,
        String settings,
        String source) {

    private static final Set<String> KEYS = Set.of("class", "order", "enabled", "worker", "instances", "settings");
    private static final String PACKAGE_PREFIX = "dev.hauberk.";

    /** Reads every *.yaml descriptor of directory, sorted by order then name. */
    public static List<VerticleDescriptor> loadAll(Path directory) throws ConfigException {
        if (!Files.isDirectory(directory)) {
            throw new ConfigException(directory + ": verticles directory not found");
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new ConfigException(directory + ": cannot list descriptors: " + e.getMessage(), e);
        }
        List<VerticleDescriptor> descriptors = new ArrayList<>();
        for (Path file : files) {
            descriptors.add(load(file));
        }
        descriptors.sort(Comparator.comparingInt(VerticleDescriptor::order).thenComparing(VerticleDescriptor::name));
        return descriptors;
    }

    static VerticleDescriptor load(Path file) throws ConfigException {
        YamlMap yaml = YamlMap.parseFile(file);
        yaml.requireOnly(KEYS);
        String className = yaml.requireString("class");
        if (!className.startsWith(PACKAGE_PREFIX)) {
            throw yaml.error("class", "'" + className + "' is not a Hauberk verticle (package " + PACKAGE_PREFIX + "*)");
        }
        Class<? extends Deployable> type;
        try {
            Class<?> loaded = Class.forName(className);
            if (!Deployable.class.isAssignableFrom(loaded)) {
                throw yaml.error("class", "'" + className + "' is not a verticle");
            }
            type = loaded.asSubclass(Deployable.class);
        } catch (ClassNotFoundException e) {
            throw yaml.error("class", "no class '" + className + "'");
        }
        int instances = (int) yaml.integer("instances", 1, 1, 64);
        if (instances != 1 && SingleInstance.class.isAssignableFrom(type)) {
            throw yaml.error("instances", type.getSimpleName() + " owns a kernel resource and runs as exactly one instance");
        }
        String settings = yaml.string("settings", "");
        if (!settings.isEmpty() && !DaemonContext.SETTINGS_SECTIONS.contains(settings)) {
            throw yaml.error("settings", "'" + settings + "' is not one of " + String.join(", ", DaemonContext.SETTINGS_SECTIONS));
        }
        String fileName = file.getFileName().toString();
        return new VerticleDescriptor(
                fileName.substring(0, fileName.length() - ".yaml".length()),
                type,
                (int) yaml.integer("order", 100, 0, 10_000),
                yaml.bool("enabled", true),
                yaml.bool("worker", false),
                instances,
                settings,
                file.toString());
    }

    public DeploymentOptions deploymentOptions(DaemonContext context) {
        return new DeploymentOptions()
                .setConfig(context.settings(settings))
                .setInstances(instances)
                .setThreadingModel(worker ? ThreadingModel.WORKER : ThreadingModel.EVENT_LOOP);
    }

    /** Creates instances through a constructor taking the daemon context, or a no-argument one. */
    public Supplier<Deployable> factory(DaemonContext context) throws ConfigException {
        try {
            Constructor<? extends Deployable> withContext = verticleClass.getConstructor(DaemonContext.class);
            return () -> instantiate(withContext, context);
        } catch (NoSuchMethodException e) {
            try {
                Constructor<? extends Deployable> plain = verticleClass.getConstructor();
                return () -> instantiate(plain);
            } catch (NoSuchMethodException e2) {
                throw new ConfigException(source + ": " + verticleClass.getName()
                        + " has neither a (DaemonContext) nor a no-argument public constructor");
            }
        }
    }

    private static Deployable instantiate(Constructor<? extends Deployable> constructor, Object... args) {
        try {
            return constructor.newInstance(args);
        } catch (InstantiationException | IllegalAccessException e) {
            throw new IllegalStateException("cannot create " + constructor.getDeclaringClass().getName(), e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("constructor of " + constructor.getDeclaringClass().getName() + " failed",
                    e.getCause());
        }
    }
}
