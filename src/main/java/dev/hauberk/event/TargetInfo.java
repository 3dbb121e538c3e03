package dev.hauberk.event;

import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * The object of a detection's action beyond the process: a destination for a network
 * rule, a file for a file rule. Exec rules have none.
 */
public sealed interface TargetInfo {

    JsonObject toJson();

    /** A text that identifies the target, for telling repeated detections apart. */
    String key();

    /** A connect destination; address is IPv4 for an IPv4-mapped address. */
    record Network(String address, int port, int family) implements TargetInfo {

        static Network of(byte[] mapped, int port, int family) {
            byte[] raw = mapped;
            boolean v4 = Arrays.equals(Arrays.copyOfRange(mapped, 0, 12),
                    new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff});
            if (v4) {
                raw = Arrays.copyOfRange(mapped, 12, 16);
            }
            try {
                return new Network(InetAddress.getByAddress(raw).getHostAddress(), port, family);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("address of " + raw.length + " bytes", e);
            }
        }

        @Override
        public JsonObject toJson() {
            return new JsonObject().put("type", "network").put("address", address).put("port", port);
        }

        @Override
        public String key() {
            return address + "#" + port;
        }
    }

    /** A file opened; path is the one the process used, relative to its root directory. */
    record File(String path, int device, long inode, int openFlags) implements TargetInfo {

        @Override
        public JsonObject toJson() {
            return new JsonObject()
                    .put("type", "file")
                    .put("path", path)
                    .put("device", DetectionJson.device(device))
                    .put("inode", Long.toUnsignedString(inode))
                    .put("openFlags", "0" + Integer.toOctalString(openFlags));
        }

        @Override
        public String key() {
            return path;
        }
    }
}
