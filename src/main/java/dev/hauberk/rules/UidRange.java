package dev.hauberk.rules;

/**
 * A range of user ids, both ends included; mirrors struct hk_uid_range. A single uid is a
 * range whose ends are equal.
 */
public record UidRange(long first, long last) {

    /** The largest uid: the kernel's uid_t is 32 bits unsigned. */
    public static final long MAX_UID = 0xffff_ffffL;

    public UidRange {
        if (first < 0 || last > MAX_UID || first > last) {
            throw new IllegalArgumentException("invalid uid range " + first + "-" + last);
        }
    }

    /**
     * Parses "1000" or "1000-1999". Throws IllegalArgumentException with the reason, which
     * does not repeat the text.
     */
    public static UidRange parse(String text) {
        String[] ends = text.split("-", -1);
        if (ends.length > 2) {
            throw new IllegalArgumentException("is not a uid or a range FIRST-LAST such as 1000-1999");
        }
        long first = parseUid(ends[0].strip());
        long last = ends.length == 2 ? parseUid(ends[1].strip()) : first;
        if (first > last) {
            throw new IllegalArgumentException("is not a valid range: " + first + " is above " + last);
        }
        return new UidRange(first, last);
    }

    private static long parseUid(String text) {
        if (!text.matches("\\d{1,10}")) {
            throw new IllegalArgumentException("is not a uid or a range FIRST-LAST such as 1000-1999");
        }
        long uid = Long.parseLong(text);
        if (uid > MAX_UID) {
            throw new IllegalArgumentException("is out of range: uids go from 0 to " + MAX_UID);
        }
        return uid;
    }

    /** Returns the range as written in the policy: "1000" or "1000-1999". */
    @Override
    public String toString() {
        return first == last ? Long.toString(first) : first + "-" + last;
    }

    /** Returns a single uid as a JSON number and a range as a string, as in the policy file. */
    public Object toJsonValue() {
        return first == last ? (Object) first : toString();
    }
}
