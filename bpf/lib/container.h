/* SPDX-License-Identifier: GPL-2.0 */
/* The container table, keyed by cgroup id, shared by the container area and the rules. */
#ifndef HAUBERK_CONTAINER_H
#define HAUBERK_CONTAINER_H

#include "config.h"
#include "events.h"

#define HK_CONTAINER_ENTRIES 16384

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HK_CONTAINER_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, struct hk_container);
} hk_containers SEC(".maps") __weak;

/* Scratch for the candidate entry the caller prepares, since the callee cannot read the task. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hk_container);
} hk_container_scratch SEC(".maps") __weak;

static __always_inline struct hk_container *container__lookup(__u64 cgroup_id)
{
	return bpf_map_lookup_elem(&hk_containers, &cgroup_id);
}

/*
 * A process in mount and pid namespaces of its own, inside a non-root cgroup, is taken
 * to be in a container. systemd services with private mounts keep the host's pid
 * namespace, so they are not; userspace confirms each entry against the cgroup path
 * and the container runtime.
 */
static __always_inline bool container__is_candidate(const struct hk_proc *proc)
{
	return proc->mnt_ns != hk_host_mnt_ns && proc->pid_ns != hk_host_pid_ns && proc->cgroup_id > 1;
}

/* The name of task's cgroup directory in the tracked hierarchy, where the runtime's id usually is. */
static __always_inline struct hk_container *container__candidate(struct task_struct *task)
{
	struct hk_container *candidate;
	struct kernfs_node *node;
	int subsys = hk_cgroup_subsys;
	__u32 zero = 0;
	long len;

	candidate = bpf_map_lookup_elem(&hk_container_scratch, &zero);
	if (!candidate)
		return NULL;
	if (subsys < 0)
		node = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn);
	else
		node = BPF_CORE_READ(task, cgroups, subsys[subsys & 15], cgroup, kn);
	len = bpf_probe_read_kernel_str(candidate->name, sizeof(candidate->name), BPF_CORE_READ(node, name));
	candidate->name_len = len > 0 ? len - 1 : 0;
	return candidate;
}

#endif
