package dev.hauberk.rules;

/** Mirrors enum hk_match_kind: the kinds of match set a rule's scope and exceptions contain. */
public enum MatchKind {
    EXE_PATH(0, "exe_paths"),
    EXE_PREFIX(1, "exe_prefixes"),
    PARENT_EXE(2, "parent_exes"),
    UID(3, "uids"),
    CONTAINER_ID(4, "container_ids"),
    IMAGE_ID(5, "image_ids"),
    PORT(6, "ports"),
    CIDR(7, "cidrs");

    private final int code;
    private final String key;

    MatchKind(int code, String key) {
        this.code = code;
        this.key = key;
    }

    /** Returns the value of the enumerator in the kernel. */
    public int code() {
        return code;
    }

    /** Returns the bit of this kind in hk_rule_config.scope_sets and exception_sets. */
    public int bit() {
        return 1 << code;
    }

    /** Returns the key of the set in conf/rules/*.yaml and in the API's JSON. */
    public String key() {
        return key;
    }
}
