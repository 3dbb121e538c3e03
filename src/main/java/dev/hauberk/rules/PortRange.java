package dev.hauberk.rules;

/** A range of TCP or UDP ports, both ends included; a single port is a range whose ends are equal. */
public record PortRange(int first, int last) {

    public static final int MAX_PORT = 65_535;

    public PortRange {
        if (first < 1 || last > MAX_PORT || first > last) {
            throw new IllegalArgumentException("invalid port range " + first + "-" + last);
        }
    }

    /**
     * Parses "443" or "8000-8100". Throws IllegalArgumentException with the reason, which does
     * not repeat the text.
     */
    public static PortRange parse(String text) {
        String[] ends = text.split("-", -1);
        if (ends.length > 2) {
            throw new IllegalArgumentException("is not a port or a range FIRST-LAST such as 8000-8100");
        }
        int first = parsePort(ends[0].strip());
        int last = ends.length == 2 ? parsePort(ends[1].strip()) : first;
        if (first > last) {
            throw new IllegalArgumentException("is not a valid range: " + first + " is above " + last);
        }
        return new PortRange(first, last);
    }

    private static int parsePort(String text) {
        if (!text.matches("\\d{1,5}")) {
            throw new IllegalArgumentException("is not a port (1 to 65535) or a range FIRST-LAST such as 8000-8100");
        }
        int port = Integer.parseInt(text);
        if (port < 1 || port > MAX_PORT) {
            throw new IllegalArgumentException("is out of range: ports go from 1 to " + MAX_PORT);
        }
        return port;
    }

    /** Number of ports in the range. */
    public int size() {
        return last - first + 1;
    }

    @Override
    public String toString() {
        return first == last ? Integer.toString(first) : first + "-" + last;
    }

    /** Returns a single port as a JSON number and a range as a string, as in the policy file. */
    public Object toJsonValue() {
        return first == last ? (Object) first : toString();
    }
}
