package dev.hauberk.event;

import java.util.List;
import java.util.Set;

/**
 * An ancestor of a detected process, as the kernel recorded it when the detection was
 * made.
 *
 * @param source where the kernel found it: the live process table, the history of
 *               exited and replaced images, or the parent task itself
 */
public record AncestorInfo(
        int tgid,
        int ppid,
        long execId,
        long startNs,
        String exe,
        List<String> args,
        long mntNs,
        Set<ProcessFlag> flags,
        Source source) {

    /** Mirrors enum hk_ancestor_source. */
    public enum Source {
        TABLE(1, "table"),
        HISTORY(2, "history"),
        TASK(3, "task");

        private final int code;
        private final String jsonName;

        Source(int code, String jsonName) {
            this.code = code;
            this.jsonName = jsonName;
        }

        public int code() {
            return code;
        }

        public String jsonName() {
            return jsonName;
        }

        public static Source fromCode(int code) {
            for (Source source : values()) {
                if (source.code == code) {
                    return source;
                }
            }
            throw new IllegalArgumentException("unknown ancestor source " + code);
        }
    }
}
