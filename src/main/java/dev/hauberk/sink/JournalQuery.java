package dev.hauberk.sink;

import io.vertx.core.json.JsonObject;

/**
 * A page request to the journal: the detections with after &lt; seq &lt; before, at most
 * {@code limit} of them, in the given order.
 *
 * @param limit  maximum number of detections, from 1 to {@link #MAX_LIMIT}
 * @param before exclusive upper bound on seq, or null for none
 * @param after  exclusive lower bound on seq, or null for none
 * @param order  {@link Order#NEWEST_FIRST} pages towards older detections, {@link Order#OLDEST_FIRST}
 *               towards newer ones
 */
public record JournalQuery(int limit, Long before, Long after, Order order) {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    /** Direction of a page, and so of the "next" cursor in the reply. */
    public enum Order {
        /** Newest first; "next" is the value to pass as "before" for the next older page. */
        NEWEST_FIRST("newest"),
        /** Oldest first; "next" is the value to pass as "after" for the next newer page. */
        OLDEST_FIRST("oldest");

        private final String jsonName;

        Order(String jsonName) {
            this.jsonName = jsonName;
        }

        public String jsonName() {
            return jsonName;
        }
    }

    /** Validates the fields; throws InvalidQueryException naming the field. */
    public JournalQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidQueryException("limit", limitMessage(Integer.toString(limit)));
        }
        if (before != null && before < 0) {
            throw new InvalidQueryException("before", seqMessage("before", before.toString()));
        }
        if (after != null && after < 0) {
            throw new InvalidQueryException("after", seqMessage("after", after.toString()));
        }
        if (order == null) {
            throw new InvalidQueryException("order", orderMessage("null"));
        }
    }

    /** Creates a query for the newest {@code limit} detections. */
    public static JournalQuery newest(int limit) {
        return new JournalQuery(limit, null, null, Order.NEWEST_FIRST);
    }

    /** Encodes the query as sent on the event bus, leaving out absent bounds. */
    public JsonObject toJson() {
        JsonObject json = new JsonObject().put("limit", limit);
        if (before != null) {
            json.put("before", before);
        }
        if (after != null) {
            json.put("after", after);
        }
        return json.put("order", order.jsonName());
    }

    /**
     * Reads a query sent on the event bus: {"limit": N, "before": SEQ, "after": SEQ, "order":
     * "newest" | "oldest"}, each key optional. Throws InvalidQueryException naming the field.
     */
    public static JournalQuery fromJson(JsonObject json) {
        if (json == null) {
            return newest(DEFAULT_LIMIT);
        }
        Object limit = json.getValue("limit");
        int limitValue = DEFAULT_LIMIT;
        if (limit != null) {
            if (!isIntegral(limit) || ((Number) limit).longValue() < 1 || ((Number) limit).longValue() > MAX_LIMIT) {
                throw new InvalidQueryException("limit", limitMessage(String.valueOf(limit)));
            }
            limitValue = ((Number) limit).intValue();
        }
        return new JournalQuery(limitValue, seq(json, "before"), seq(json, "after"), order(json));
    }

    /** Formats the message for an invalid limit, naming the field, the allowed range and the value given. */
    public static String limitMessage(String given) {
        return "limit must be an integer from 1 to " + MAX_LIMIT + ", got " + given;
    }

    /** Formats the message for an invalid seq bound, naming the field, the allowed range and the value given. */
    public static String seqMessage(String field, String given) {
        return field + " must be a seq, an integer from 0 to " + Long.MAX_VALUE + ", got " + given;
    }

    private static String orderMessage(String given) {
        return "order must be \"newest\" or \"oldest\", got " + given;
    }

    private static Long seq(JsonObject json, String field) {
        Object value = json.getValue(field);
        if (value == null) {
            return null;
        }
        if (!isIntegral(value) || ((Number) value).longValue() < 0) {
            throw new InvalidQueryException(field, seqMessage(field, String.valueOf(value)));
        }
        return ((Number) value).longValue();
    }

    private static Order order(JsonObject json) {
        Object value = json.getValue("order");
        if (value == null) {
            return Order.NEWEST_FIRST;
        }
        for (Order order : Order.values()) {
            if (order.jsonName().equals(value)) {
                return order;
            }
        }
        throw new InvalidQueryException("order", orderMessage(String.valueOf(value)));
    }

    private static boolean isIntegral(Object value) {
        return value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte;
    }
}
