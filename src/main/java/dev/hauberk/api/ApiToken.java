package dev.hauberk.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's bearer token, read from a file that only the daemon's user may read. The token
 * itself never leaves this class: callers compare against it and log its fingerprint.
 */
final class ApiToken {

    /** Random bytes of a created token, written as 64 hex digits. */
    static final int CREATED_TOKEN_BYTES = 32;
    /** Shortest token accepted from an existing file. */
    static final int MIN_TOKEN_CHARS = 32;

    private static final Logger LOG = LoggerFactory.getLogger(ApiToken.class);
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final byte[] digest;
    private final String fingerprint;

    private ApiToken(String token) {
        this.digest = sha256(token.getBytes(StandardCharsets.UTF_8));
        this.fingerprint = "sha256:" + HexFormat.of().formatHex(digest, 0, 8);
    }

    /** Creates a token from its text, for tests. */
    static ApiToken of(String token) {
        return new ApiToken(token);
    }

    /**
     * Reads the token from file, or creates the file with a random token (mode 0600, its
     * directory 0700 when created) when it does not exist. Throws IOException with the reason
     * and the fix when the file is not a regular file, is open to group or others, or contains
     * no usable token. The message never contains the token.
     */
    static ApiToken loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            try {
                create(file);
            } catch (FileAlreadyExistsException e) {
                // Another HTTP verticle instance created it first: read that one.
                LOG.debug("API token file {} appeared while it was being created", file);
            }
        }
        PosixFileAttributes attributes = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isRegularFile()) {
            throw new IOException("API token file " + file + " is not a regular file" + (attributes.isSymbolicLink()
                    ? " but a symbolic link" : "") + "; replace it with a file of mode 0600 or delete it to have one created");
        }
        Set<PosixFilePermission> open = EnumSet.copyOf(attributes.permissions());
        open.retainAll(GROUP_OR_OTHERS);
        if (!open.isEmpty()) {
            throw new IOException("API token file " + file + " has mode "
                    + PosixFilePermissions.toString(attributes.permissions()) + ", so group or others can access it;"
                    + " run chmod 600 " + file + " and replace the token, which may have been read");
        }
        // Its owner can rewrite it: only root (or the daemon's own user) may own it.
        int owner = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (owner != 0 && owner != dev.hauberk.bpf.LibC.geteuid()) {
            throw new IOException("API token file " + file + " is owned by uid " + owner + ", who could replace the token;"
                    + " run chown root " + file + " and replace the token");
        }
        String token;
        try {
            token = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new IOException("API token file " + file + " cannot be read: " + e.getMessage(), e);
        }
        if (token.length() < MIN_TOKEN_CHARS || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IOException("API token file " + file + " does not contain a token of at least " + MIN_TOKEN_CHARS
                    + " printable ASCII characters without spaces; delete it to have one created");
        }
        return new ApiToken(token);
    }

    private static void create(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(parent)) {
            Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            LOG.info("Created directory {} (mode 0700) for the API token", parent);
        }
        byte[] random = new byte[CREATED_TOKEN_BYTES];
        new SecureRandom().nextBytes(random);
        byte[] text = (HexFormat.of().formatHex(random) + "\n").getBytes(StandardCharsets.US_ASCII);
        Files.write(Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                text, StandardOpenOption.WRITE);
        LOG.info("Created API token file {} (mode 0600); clients send its content as Authorization: Bearer TOKEN", file);
    }

    /** Compares a presented token with this one in constant time (over SHA-256 digests of equal length). */
    boolean matches(String presented) {
        return MessageDigest.isEqual(digest, sha256(presented.getBytes(StandardCharsets.UTF_8)));
    }

    /** Returns "sha256:" and the first 16 hex digits of the token's SHA-256: names the token in audit records and logs. */
    String fingerprint() {
        return fingerprint;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "ApiToken[" + fingerprint + "]";
    }
}
