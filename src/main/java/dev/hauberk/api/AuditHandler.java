package dev.hauberk.api;

import dev.hauberk.Addresses;
import dev.hauberk.sink.InvalidQueryException;
import dev.hauberk.sink.JournalQuery;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * {@code GET /api/v1/audit?limit=&before=&after=}: one page of the audit journal (mode changes
 * and reloads), newest first, as {"records": [...], "next": SEQ or null}. The parameters are
 * those of /api/v1/detections; audit records have seqs of their own.
 */
final class AuditHandler implements Handler<RoutingContext> {

    private final EventBus eventBus;
    private final long timeoutMs;
    private final DeliveryOptions deliveryOptions;

    AuditHandler(EventBus eventBus, long timeoutMs) {
        this.eventBus = eventBus;
        this.timeoutMs = timeoutMs;
        this.deliveryOptions = new DeliveryOptions().setSendTimeout(timeoutMs).setLocalOnly(true);
    }

    @Override
    public void handle(RoutingContext context) {
        JournalQuery query;
        try {
            QueryParameters.requireOnly(context, Set.of("limit", "before", "after"));
            query = new JournalQuery(
                    QueryParameters.limit(context),
                    QueryParameters.optionalSeq(context, "before"),
                    QueryParameters.optionalSeq(context, "after"),
                    JournalQuery.Order.NEWEST_FIRST);
        } catch (InvalidQueryException e) {
            JsonResponses.sendBadRequest(context, e);
            return;
        }
        eventBus.<JsonObject>request(Addresses.AUDIT_QUERY, query.toJson(), deliveryOptions)
                .onSuccess(reply -> JsonResponses.send(context, JsonResponses.OK, reply.body()))
                .onFailure(failure -> JsonResponses.sendFailedRequest(context, "audit journal", Addresses.AUDIT_QUERY,
                        timeoutMs, failure));
    }
}
