package dev.hauberk.context.container;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/**
 * Blocking reads of a mounted cgroup hierarchy: where cgroup v2 is mounted, and which container
 * cgroups exist below a root. Call these off the event loop.
 */
public final class CgroupHierarchy {

    /** Deepest directory level walked below the root; real hierarchies stay below 15. */
    static final int MAX_DEPTH = 64;

    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private CgroupHierarchy() {
    }

    /** A container cgroup found in a walk: its id (the directory's inode number) and its path from the root. */
    public record ContainerCgroup(long cgroupId, String path, ContainerIdentity identity) {
    }

    /**
     * Walks every directory below root and returns those whose path, relative to root and starting
     * with '/', names a container. A directory that disappears during the walk is skipped.
     *
     * @throws IOException when root itself cannot be read
     */
    public static List<ContainerCgroup> findContainers(Path root, CgroupPaths paths) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("cgroup root " + root + " is not a directory");
        }
        List<ContainerCgroup> found = new ArrayList<>();
        Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), MAX_DEPTH, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                if (dir.equals(root)) {
                    return FileVisitResult.CONTINUE;
                }
                String path = "/" + root.relativize(dir).toString();
                var identity = paths.parse(path);
                if (identity.isPresent()) {
                    found.add(new ContainerCgroup(cgroupId(dir), path, identity.get()));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException error) {
                // A cgroup removed while the walk ran: nothing to record.
                return FileVisitResult.CONTINUE;
            }
        });
        return found;
    }

    /**
     * Returns the id of the cgroup at dir: the inode number of its directory, which is what the
     * kernel reports as the cgroup id (bpf_get_current_cgroup_id for the v2 hierarchy).
     */
    public static long cgroupId(Path dir) throws IOException {
        return (Long) Files.getAttribute(dir, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Returns the first mount point of cgroup v2 in {@code /proc/self/mountinfo}:
     * {@code /sys/fs/cgroup} on a v2-only host, often {@code /sys/fs/cgroup/unified} on a hybrid one.
     */
    public static Optional<Path> unifiedMount() throws IOException {
        return unifiedMount(Files.readAllLines(MOUNTINFO));
    }

    static Optional<Path> unifiedMount(List<String> mountinfo) {
        for (String line : mountinfo) {
            // Fields: id parent major:minor root mount-point options [optional...] - fstype source super-options
            int separator = line.indexOf(" - ");
            if (separator < 0) {
                continue;
            }
            String[] before = line.substring(0, separator).split(" ");
            String[] after = line.substring(separator + 3).split(" ");
            if (before.length >= 5 && after.length >= 1 && after[0].equals("cgroup2")) {
                return Optional.of(Path.of(unescape(before[4])));
            }
        }
        return Optional.empty();
    }

    /** Decodes mountinfo's octal escapes such as {@code \040} for a space. */
    private static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String field, int start) {
        if (start + 3 > field.length()) {
            return false;
        }
        for (int i = start; i < start + 3; i++) {
            char c = field.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return true;
    }
}
