/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tunables the loader sets before load (.rodata). The defaults here are the ones the
 * object uses when loaded as is; the Java sensor always writes every one of them.
 */
#ifndef HAUBERK_CONFIG_H
#define HAUBERK_CONFIG_H

/* Mount and pid namespace inode numbers of the host (PID 1's), to tell containers apart. */
const volatile __u32 hk_host_mnt_ns __weak = 0;
const volatile __u32 hk_host_pid_ns __weak = 0;
/* Ancestors recorded per detection; at most HK_ANCESTRY_MAX. */
const volatile __u32 hk_ancestry_depth __weak = 8;
/*
 * Which cgroup hierarchy identifies a process's cgroup: -1 for the cgroup v2 (default)
 * hierarchy, otherwise the index of a cgroup v1 controller (enum cgroup_subsys_id)
 * whose hierarchy the container runtimes populate.
 */
const volatile __s32 hk_cgroup_subsys __weak = -1;
/* hierarchy_id of that hierarchy: 0 for cgroup v2. Filters cgroup mkdir/rmdir events. */
const volatile __u32 hk_cgroup_hierarchy_id __weak = 0;

/*
 * Set when the BPF-LSM programs are attached: they refuse actions in enforce mode before
 * they happen, so the tracepoint programs only report and never kill.
 */
const volatile __u32 hk_lsm_enforces __weak = 0;

#endif
