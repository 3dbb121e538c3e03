package dev.hauberk.sensor;

import dev.hauberk.bpf.BpfException;
import dev.hauberk.bpf.BpfLink;
import dev.hauberk.bpf.BpfMap;
import dev.hauberk.bpf.MapFd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The layout of what the sensor pins in bpffs, so that programs stay attached and maps
 * keep their contents while the daemon is stopped or restarting:
 *
 * <pre>
 *   ROOT/maps-vSCHEMA/MAP          maps, reused by every start with the same wire schema
 *   ROOT/links-FINGERPRINT/PROGRAM links, reused by a start with the same object and tunables
 * </pre>
 *
 * A start with another object or other tunables attaches its own links first and then
 * removes the old ones, so enforcement never lapses and no duplicate stays attached.
 */
final class PinnedState {

    private static final Logger LOG = LoggerFactory.getLogger(PinnedState.class);

    private final Path root;
    private final Path mapsDir;
    private final Path linksDir;

    PinnedState(Path root, int schemaVersion, String fingerprint) {
        this.root = root;
        this.mapsDir = root.resolve("maps-v" + schemaVersion);
        this.linksDir = root.resolve("links-" + fingerprint);
    }

    Path mapsDir() {
        return mapsDir;
    }

    Path linksDir() {
        return linksDir;
    }

    boolean hasMaps(List<String> names) {
        return names.stream().allMatch(name -> Files.exists(mapsDir.resolve(name)));
    }

    boolean hasLinks(List<String> programs) {
        return !programs.isEmpty() && programs.stream().allMatch(name -> Files.exists(linksDir.resolve(name)));
    }

    /** Makes map use the pinned map of the same name instead of creating its own. */
    void reuseMap(BpfMap map) throws BpfException {
        int fd = MapFd.openPinned(mapsDir.resolve(map.name()).toString());
        try {
            map.reuseFd(fd);
        } finally {
            dev.hauberk.bpf.LibC.close(fd);
        }
    }

    void pinMap(BpfMap map) throws BpfException, IOException {
        Files.createDirectories(mapsDir);
        map.pin(mapsDir.resolve(map.name()).toString());
    }

    void pinLink(BpfLink link) throws BpfException, IOException {
        Files.createDirectories(linksDir);
        link.pin(linksDir.resolve(link.programName()).toString());
    }

    /**
     * Removes every pinned links and maps directory but the current ones. Removing a link's
     * pin detaches its program once nothing else holds it.
     */
    int removeOthers() throws IOException {
        int removedLinks = 0;
        if (!Files.isDirectory(root)) {
            return 0;
        }
        for (Path dir : list(root)) {
            String name = dir.getFileName().toString();
            boolean staleLinks = name.startsWith("links-") && !dir.equals(linksDir);
            boolean staleMaps = name.startsWith("maps-v") && !dir.equals(mapsDir);
            if (!staleLinks && !staleMaps) {
                continue;
            }
            for (Path pin : list(dir)) {
                Files.deleteIfExists(pin);
                if (staleLinks) {
                    removedLinks++;
                }
            }
            Files.deleteIfExists(dir);
            LOG.info("removed pinned {} {} of an earlier build", staleLinks ? "links" : "maps", dir);
        }
        return removedLinks;
    }

    /** Removes the current pins too: programs detach once the daemon lets go of them. */
    void removeAll() throws IOException {
        for (Path dir : List.of(linksDir, mapsDir)) {
            if (Files.isDirectory(dir)) {
                for (Path pin : list(dir)) {
                    Files.deleteIfExists(pin);
                }
                Files.deleteIfExists(dir);
            }
        }
        removeOthers();
        try (Stream<Path> rest = Files.list(root)) {
            if (rest.findAny().isEmpty()) {
                Files.deleteIfExists(root);
            }
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return new ArrayList<>(entries.sorted().toList());
        }
    }
}
