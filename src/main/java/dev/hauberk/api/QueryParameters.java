package dev.hauberk.api;

import dev.hauberk.sink.InvalidQueryException;
import dev.hauberk.sink.JournalQuery;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** Parses the query string parameters of the API; errors name the parameter and its allowed values. */
final class QueryParameters {

    private QueryParameters() {
    }

    /** Parses "limit": an integer from 1 to 1000, {@link JournalQuery#DEFAULT_LIMIT} when absent. */
    /** Fails with the first query parameter not in allowed, so a misspelled one is not silently ignored. */
    static void requireOnly(RoutingContext context, java.util.Set<String> allowed) {
        for (String name : context.queryParams().names()) {
            if (!allowed.contains(name)) {
                throw new InvalidQueryException(name, "unknown query parameter " + quote(name) + "; expected "
                        + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        }
    }

    static int limit(RoutingContext context) {
        String text = single(context, "limit");
        if (text == null) {
            return JournalQuery.DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= JournalQuery.MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // Reported below with the allowed range.
        }
        throw new InvalidQueryException("limit", JournalQuery.limitMessage(quote(text)));
    }

    /** Parses an optional seq cursor such as "before" or "after": an integer of at least 0, or null. */
    static Long optionalSeq(RoutingContext context, String name) {
        String text = single(context, name);
        if (text == null) {
            return null;
        }
        try {
            long seq = Long.parseLong(text);
            if (seq >= 0) {
                return seq;
            }
        } catch (NumberFormatException e) {
            // Reported below with the allowed range.
        }
        throw new InvalidQueryException(name, JournalQuery.seqMessage(name, quote(text)));
    }

    /** Returns the one value of a parameter, or null when absent; rejects a parameter given twice. */
    private static String single(RoutingContext context, String name) {
        List<String> values;
        try {
            values = context.queryParam(name);
        } catch (IllegalArgumentException e) {
            throw new InvalidQueryException(name, "the query string is not valid URL encoding: " + e.getMessage());
        }
        if (values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new InvalidQueryException(name, name + " must be given at most once, got " + values.size()
                    + " values");
        }
        return values.getFirst();
    }

    private static String quote(String text) {
        return "\"" + text + "\"";
    }
}
