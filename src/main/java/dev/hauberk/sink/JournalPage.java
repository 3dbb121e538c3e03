package dev.hauberk.sink;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One page of a journal query.
 *
 * @param detections the detections in the order the query asked for
 * @param next       the cursor for the following page in the same direction (the seq of the last
 *                   detection of this page), or null when there is nothing further
 */
public record JournalPage(List<JsonObject> detections, Long next) {

    public JournalPage {
        detections = List.copyOf(detections);
    }

    /** Encodes the reply JSON: {"detections": [...], "next": SEQ or null}. */
    public JsonObject toJson() {
        return new JsonObject()
                .put("detections", new JsonArray(List.copyOf(detections)))
                .put("next", next);
    }
}
