package dev.hauberk.rules;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address range in CIDR notation. The kernel matches both families in one
 * LPM trie of 128-bit addresses, with IPv4 mapped into ::ffff:0:0/96, so an IPv4 /n is a /96+n
 * there ({@link #mappedBits()}).
 *
 * @param network the range's first address; its host bits are zero
 * @param bits    the prefix length as written: 0 to 32 for IPv4, 0 to 128 for IPv6
 */
public record Cidr(InetAddress network, int bits) {

    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    /** Bits in front of an IPv4 address mapped into IPv6: 80 zero bits and 16 one bits. */
    public static final int IPV4_MAPPED_PREFIX_BITS = 96;

    /**
     * Parses "10.0.0.0/8", "fd00::/8", or a single address (a /32 or /128). Throws
     * IllegalArgumentException with the reason, which does not repeat the text.
     */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        InetAddress parsed;
        if (IPV4.matcher(address).matches()) {
            parsed = InetAddress.ofLiteral(address);
        } else if (address.contains(":") && !address.contains("%")) {
            try {
                parsed = Inet6Address.ofLiteral(address);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("is not a CIDR: '" + address + "' is not an IPv6 address");
            }
            if (parsed instanceof Inet4Address) {
                throw new IllegalArgumentException("is an IPv4-mapped IPv6 address; write the IPv4 range such as "
                        + parsed.getHostAddress() + "/32");
            }
        } else {
            throw new IllegalArgumentException("is not a CIDR such as 10.0.0.0/8 or fd00::/8: '" + address
                    + "' is not an IPv4 or IPv6 address");
        }
        int maxBits = parsed instanceof Inet4Address ? 32 : 128;
        int bits = maxBits;
        if (slash >= 0) {
            String length = text.substring(slash + 1);
            if (!length.matches("\\d{1,3}") || Integer.parseInt(length) > maxBits) {
                throw new IllegalArgumentException("has an invalid prefix length '" + length + "'; expected 0 to "
                        + maxBits);
            }
            bits = Integer.parseInt(length);
        }
        byte[] bytes = parsed.getAddress();
        byte[] masked = mask(bytes, bits);
        if (!Arrays.equals(bytes, masked)) {
            Cidr suggestion = new Cidr(toAddress(masked), bits);
            throw new IllegalArgumentException("has host bits set beyond the /" + bits + " prefix; did you mean "
                    + suggestion + "?");
        }
        return new Cidr(parsed, bits);
    }

    public Cidr {
        int maxBits = network instanceof Inet4Address ? 32 : 128;
        if (bits < 0 || bits > maxBits) {
            throw new IllegalArgumentException("prefix length " + bits + " is out of range 0 to " + maxBits);
        }
    }

    public boolean isIpv4() {
        return network instanceof Inet4Address;
    }

    /** Returns the 16-byte address as the kernel stores it: IPv6 as is, IPv4 as ::ffff:a.b.c.d. */
    public byte[] mappedAddress() {
        byte[] address = network.getAddress();
        if (address.length == 16) {
            return address;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(address, 0, mapped, 12, 4);
        return mapped;
    }

    /** Returns the prefix length within the 128-bit mapped address. */
    public int mappedBits() {
        return isIpv4() ? IPV4_MAPPED_PREFIX_BITS + bits : bits;
    }

    private static byte[] mask(byte[] address, int bits) {
        byte[] masked = address.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - 8 * i));
            masked[i] &= (byte) (0xff << (8 - keep));
        }
        return masked;
    }

    private static InetAddress toAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("an address of " + bytes.length + " bytes", e);
        }
    }

    /** Returns the range in CIDR notation, such as 169.254.169.254/32 or fd00::/8. */
    @Override
    public String toString() {
        String host = network.getHostAddress();
        if (network instanceof Inet6Address) {
            host = compress(network.getAddress());
        }
        return host + "/" + bits;
    }

    /** Formats an IPv6 address in the RFC 5952 form: the longest run of zero groups as "::". */
    private static String compress(byte[] address) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
