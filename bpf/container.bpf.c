// SPDX-License-Identifier: GPL-2.0
/*
 * Containers: their cgroups appearing and going, and their first exec, which fills the
 * container table before anything inside the container can trigger a rule.
 */
#include "common.h"
#include "areas.h"
#include "config.h"
#include "container.h"
#include "output.h"
#include "process.h"

/*
 * Adds proc's container to the table on its first exec there and tells userspace.
 * candidate carries the cgroup directory's name, read by the caller from the task.
 */
__noinline int container__on_exec(struct hk_proc *proc, struct hk_container *candidate)
{
	struct hk_container_event *event;
	struct hk_container container = {};
	__u64 cgroup_id;

	if (!proc || !candidate || !container__is_candidate(proc))
		return 0;
	cgroup_id = proc->cgroup_id;
	if (container__lookup(cgroup_id))
		return 0;

	container.cgroup_id = cgroup_id;
	container.first_exec_ns = bpf_ktime_get_boot_ns();
	container.mnt_ns = proc->mnt_ns;
	container.pid_ns = proc->pid_ns;
	container.net_ns = proc->net_ns;
	container.flags = HK_CONTAINER_SEEN_AT_EXEC;
	container.first_tgid = proc->tgid;
	container.name_len = candidate->name_len;
	bpf_probe_read_kernel(container.name, sizeof(container.name), candidate->name);

	/* Another CPU may have added it meanwhile: only the first one reports. */
	if (bpf_map_update_elem(&hk_containers, &cgroup_id, &container, BPF_NOEXIST))
		return 0;

	event = bpf_ringbuf_reserve(&hk_events, sizeof(*event), 0);
	if (!event) {
		output__count(HK_COUNTER_RINGBUF_FULL);
		return 0;
	}
	__builtin_memset(&event->header, 0, sizeof(event->header));
	event->header.kind = HK_EVENT_CONTAINER_EXEC;
	event->header.pid = proc->tgid;
	event->header.cpu = bpf_get_smp_processor_id();
	event->header.time_ns = container.first_exec_ns;
	__builtin_memcpy(&event->container, &container, sizeof(container));
	bpf_ringbuf_submit(event, 0);
	return 0;
}

static __always_inline void container__report_cgroup(struct cgroup *cgrp, const char *path, __u32 op)
{
	struct hk_cgroup_event *event;
	long len;

	if (BPF_CORE_READ(cgrp, root, hierarchy_id) != hk_cgroup_hierarchy_id)
		return;

	event = bpf_ringbuf_reserve(&hk_events, sizeof(*event), 0);
	if (!event) {
		output__count(HK_COUNTER_RINGBUF_FULL);
		return;
	}
	__builtin_memset(&event->header, 0, sizeof(event->header));
	event->header.kind = HK_EVENT_CGROUP;
	event->header.pid = (__u32)bpf_get_current_pid_tgid();
	event->header.cpu = bpf_get_smp_processor_id();
	event->header.time_ns = bpf_ktime_get_boot_ns();
	event->cgroup_id = BPF_CORE_READ(cgrp, kn, id);
	event->op = op;
	event->level = BPF_CORE_READ(cgrp, level);
	event->pad0 = 0;
	event->pad1 = 0;
	len = bpf_probe_read_kernel_str(event->path, sizeof(event->path), path);
	event->path_len = len > 0 ? len - 1 : 0;
	bpf_ringbuf_submit(event, 0);
}

SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(handle_cgroup_mkdir, struct cgroup *cgrp, const char *path)
{
	container__report_cgroup(cgrp, path, HK_CGROUP_MKDIR);
	return 0;
}

SEC("tp_btf/cgroup_rmdir")
int BPF_PROG(handle_cgroup_rmdir, struct cgroup *cgrp, const char *path)
{
	__u64 cgroup_id = BPF_CORE_READ(cgrp, kn, id);

	/* The id is never reused while the kernel runs, so the entry can go now. */
	bpf_map_delete_elem(&hk_containers, &cgroup_id);
	container__report_cgroup(cgrp, path, HK_CGROUP_RMDIR);
	return 0;
}
