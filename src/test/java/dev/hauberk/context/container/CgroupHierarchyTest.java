package dev.hauberk.context.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CgroupHierarchyTest {

    @Test
    void hybridHostHasUnifiedMount() {
        // A hybrid host as systemd sets it up: v1 controllers beside cgroup2 at /sys/fs/cgroup/unified.
        List<String> mountinfo = List.of(
                "25 30 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755",
                "26 25 0:23 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw",
                "27 25 0:24 / /sys/fs/cgroup/memory rw,nosuid shared:11 - cgroup cgroup rw,memory");

        assertThat(CgroupHierarchy.unifiedMount(mountinfo)).contains(Path.of("/sys/fs/cgroup/unified"));
    }

    @Test
    void unifiedOnlyHostMountsAtSysFsCgroup() {
        List<String> mountinfo = List.of(
                "30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate");

        assertThat(CgroupHierarchy.unifiedMount(mountinfo)).contains(Path.of("/sys/fs/cgroup"));
    }

    @Test
    void escapedSpaceInMountPointIsDecoded() {
        List<String> mountinfo = List.of("40 23 0:26 / /mnt/cgroup\\040two rw - cgroup2 none rw");

        assertThat(CgroupHierarchy.unifiedMount(mountinfo)).contains(Path.of("/mnt/cgroup two"));
    }

    @Test
    void v1OnlyHostHasNoUnifiedMount() {
        List<String> mountinfo = List.of("27 25 0:24 / /sys/fs/cgroup/memory rw,nosuid shared:11 - cgroup cgroup rw,memory");

        assertThat(CgroupHierarchy.unifiedMount(mountinfo)).isEmpty();
    }
}
