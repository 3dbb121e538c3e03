package dev.hauberk.kernel;

import dev.hauberk.bpf.BpfException;
import dev.hauberk.bpf.Btf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cgroup hierarchy whose cgroup ids identify containers: cgroup v2 when the host
 * mounts it, else the hierarchy of one cgroup v1 controller.
 *
 * @param subsysIndex -1 for cgroup v2, else the controller's index in enum cgroup_subsys_id
 * @param hierarchyId the hierarchy's id as in /proc/cgroups; 0 for cgroup v2
 * @param controller  "v2" or the v1 controller's name
 */
public record CgroupHierarchy(int subsysIndex, int hierarchyId, String controller) {

    public static final CgroupHierarchy V2 = new CgroupHierarchy(-1, 0, "v2");

    /**
     * Resolves a setting: "auto" (v2 if mounted, else v1 memory), "v2", or "v1:CONTROLLER".
     * Throws with the reason when the host does not have the hierarchy asked for.
     */
    public static CgroupHierarchy resolve(String setting) throws IOException, BpfException {
        String mountinfo = Files.readString(Path.of("/proc/self/mountinfo"));
        boolean v2Mounted = mountinfo.lines().anyMatch(line -> line.contains(" - cgroup2 "));
        if ("auto".equals(setting)) {
            return v2Mounted ? V2 : v1("memory");
        }
        if ("v2".equals(setting)) {
            if (!v2Mounted) {
                throw new IOException("cgroup v2 is not mounted on this host; set kernel.cgroup_hierarchy to v1:memory");
            }
            return V2;
        }
        if (setting.startsWith("v1:")) {
            return v1(setting.substring(3));
        }
        throw new IllegalArgumentException("cgroup hierarchy '" + setting + "' is not auto, v2 or v1:CONTROLLER");
    }

    private static CgroupHierarchy v1(String controller) throws IOException, BpfException {
        Optional<Integer> hierarchy = Files.readAllLines(Path.of("/proc/cgroups")).stream()
                .filter(line -> !line.startsWith("#"))
                .map(line -> line.split("\\s+"))
                .filter(fields -> fields.length >= 4 && fields[0].equals(controller) && fields[3].equals("1"))
                .map(fields -> Integer.parseInt(fields[1]))
                .findFirst();
        if (hierarchy.isEmpty() || hierarchy.get() == 0) {
            throw new IOException("cgroup v1 controller '" + controller + "' is not mounted on this host (/proc/cgroups)");
        }
        // The controller's index is the kernel's enum cgroup_subsys_id, read from its BTF.
        try (Btf kernel = Btf.parseRaw(Preflight.KERNEL_BTF.toString())) {
            List<Map.Entry<String, Integer>> ids = kernel.enumValues("cgroup_subsys_id")
                    .orElseThrow(() -> new IOException("kernel BTF has no enum cgroup_subsys_id"));
            int index = ids.stream().filter(e -> e.getKey().equals(controller + "_cgrp_id")).map(Map.Entry::getValue)
                    .findFirst().orElseThrow(() -> new IOException("kernel has no cgroup controller '" + controller + "'"));
            return new CgroupHierarchy(index, hierarchy.get(), controller);
        }
    }
}
