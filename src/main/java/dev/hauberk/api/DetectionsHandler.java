package dev.hauberk.api;

import dev.hauberk.Addresses;
import dev.hauberk.sink.InvalidQueryException;
import dev.hauberk.sink.JournalQuery;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/v1/detections?limit=&before=&after=}: one page of the journal, newest first,
 * as {"detections": [...], "next": SEQ or null}. Pass "next" as "before" for the next older page.
 * An invalid parameter gets 400 naming it; a journal that fails or does not reply gets 500 or 503.
 */
final class DetectionsHandler implements Handler<RoutingContext> {

    private final EventBus eventBus;
    private final long timeoutMs;
    private final DeliveryOptions deliveryOptions;

    DetectionsHandler(EventBus eventBus, long timeoutMs) {
        this.eventBus = eventBus;
        this.timeoutMs = timeoutMs;
        // The journal is per host, so a clustered event bus must not route the query elsewhere.
        this.deliveryOptions = new DeliveryOptions().setSendTimeout(timeoutMs).setLocalOnly(true);
    }

    @Override
    public void handle(RoutingContext context) {
        JournalQuery query;
        try {
            QueryParameters.requireOnly(context, java.util.Set.of("limit", "before", "after"));
            query = new JournalQuery(
                    QueryParameters.limit(context),
                    QueryParameters.optionalSeq(context, "before"),
                    QueryParameters.optionalSeq(context, "after"),
                    JournalQuery.Order.NEWEST_FIRST);
        } catch (InvalidQueryException e) {
            JsonResponses.sendBadRequest(context, e);
            return;
        }

        eventBus.<JsonObject>request(Addresses.JOURNAL_QUERY, query.toJson(), deliveryOptions)
                .onSuccess(reply -> JsonResponses.send(context, JsonResponses.OK, reply.body()))
                .onFailure(failure -> JsonResponses.sendFailedRequest(context, "journal", Addresses.JOURNAL_QUERY,
                        timeoutMs, failure));
    }
}
