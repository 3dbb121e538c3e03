package dev.hauberk.context.container;

import dev.hauberk.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;

/**
 * Serves the registry's container list on the event bus at {@link Addresses#CONTAINERS_LIST}: any
 * request body is ignored, and the reply is a JsonArray of {@link ContainerInfo#toJson()}.
 */
public final class ContainerService {

    private ContainerService() {
    }

    /**
     * Registers the consumer on the registry's context, where the registry may be read, and returns
     * it once the event bus has registered it. Unregister it to stop serving.
     */
    public static Future<MessageConsumer<Object>> register(Vertx vertx, ContainerRegistry registry) {
        Promise<MessageConsumer<Object>> registered = Promise.promise();
        registry.context().runOnContext(run -> {
            MessageConsumer<Object> consumer = vertx.eventBus().consumer(Addresses.CONTAINERS_LIST,
                    message -> message.reply(listJson(registry)));
            consumer.completion().map(done -> consumer).onComplete(registered);
        });
        return registered.future();
    }

    /** Returns the registry's containers as a JsonArray of their JSON form. */
    public static JsonArray listJson(ContainerRegistry registry) {
        JsonArray array = new JsonArray();
        for (ContainerInfo info : registry.list()) {
            array.add(info.toJson());
        }
        return array;
    }
}
