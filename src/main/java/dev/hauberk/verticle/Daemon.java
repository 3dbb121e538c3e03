package dev.hauberk.verticle;

import dev.hauberk.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deploys the enabled verticles in descriptor order, one after the other, and undeploys them in reverse. */
public final class Daemon {

    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private final Vertx vertx;
    private final DaemonContext context;
    private final List<String> deployments = new ArrayList<>();

    public Daemon(Vertx vertx, DaemonContext context) {
        this.vertx = vertx;
        this.context = context;
    }

    /** Deploys each enabled descriptor after the previous one started; fails on the first failure. */
    public Future<Void> deploy(List<VerticleDescriptor> descriptors) {
        Future<Void> chain = Future.succeededFuture();
        for (VerticleDescriptor descriptor : descriptors) {
            if (!descriptor.enabled()) {
                LOG.info("verticle {} disabled by {}", descriptor.name(), descriptor.source());
                continue;
            }
            chain = chain.compose(ignored -> deployOne(descriptor));
        }
        return chain;
    }

    private Future<Void> deployOne(VerticleDescriptor descriptor) {
        try {
            return vertx.deployVerticle(descriptor.factory(context), descriptor.deploymentOptions(context))
                    .recover(error -> Future.failedFuture(new DeploymentException(descriptor, error)))
                    .map(id -> {
                        deployments.add(id);
                        LOG.debug("verticle {} deployed ({} instance(s), {})", descriptor.name(), descriptor.instances(),
                                descriptor.worker() ? "worker" : "event loop");
                        return null;
                    });
        } catch (ConfigException e) {
            return Future.failedFuture(e);
        }
    }

    /** Undeploys in reverse order of deployment, each after the previous one stopped. */
    public Future<Void> undeploy() {
        Future<Void> chain = Future.succeededFuture();
        for (int i = deployments.size() - 1; i >= 0; i--) {
            String id = deployments.get(i);
            chain = chain.eventually(() -> vertx.undeploy(id)
                    .onFailure(e -> LOG.warn("undeploying {} failed: {}", id, e.getMessage())));
        }
        deployments.clear();
        return chain;
    }

    /** A verticle failed to start; the message names it and the cause. */
    public static final class DeploymentException extends Exception {
        DeploymentException(VerticleDescriptor descriptor, Throwable cause) {
            super("verticle " + descriptor.name() + " (" + descriptor.verticleClass().getSimpleName() + ") failed to start: "
                    + cause.getMessage(), cause);
        }
    }
}
