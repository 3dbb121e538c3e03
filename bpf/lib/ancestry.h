/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ancestry of a detected process, captured in the kernel when the detection is
 * made: each ancestor from the live table if it is still the same image (same exec
 * id), else from the history of exited and replaced images, so a reused pid never
 * shows a stranger and an exited parent still shows.
 */
#ifndef HAUBERK_ANCESTRY_H
#define HAUBERK_ANCESTRY_H

#include "config.h"
#include "events.h"
#include "process.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hk_detection);
} hk_detection_scratch SEC(".maps") __weak;

struct hk_ancestry_walk {
	__u64 parent_exec_id;
	__u64 child_start_ns;
	__u32 ppid;
	__u32 count;
	__u32 depth;
	bool in_container;
};

static __always_inline struct hk_detection *ancestry__scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&hk_detection_scratch, &zero);
}

/* One ancestor per step, through bpf_loop so the verifier checks the body once. */
static long ancestry__step(__u32 index, struct hk_ancestry_walk *walk)
{
	struct hk_detection *detection = ancestry__scratch();
	struct hk_proc_key key = { .tgid = walk->ppid, .exec_id = walk->parent_exec_id };
	struct hk_ancestor *ancestor;
	struct hk_ancestor *remembered;
	struct hk_proc *entry;
	__u32 slot = walk->count;

	if (!detection || walk->ppid == 0 || slot >= walk->depth || slot >= HK_ANCESTRY_MAX)
		return 1;
	ancestor = &detection->ancestors[slot & (HK_ANCESTRY_MAX - 1)];

	entry = process__lookup(walk->ppid);
	if (entry && entry->exec_id == walk->parent_exec_id) {
		process__to_ancestor(ancestor, entry, HK_ANCESTOR_TABLE);
	} else if ((remembered = bpf_map_lookup_elem(&hk_proc_history, &key))) {
		bpf_probe_read_kernel(ancestor, sizeof(*ancestor), remembered);
	} else if (entry && entry->start_ns <= walk->child_start_ns) {
		/* Not the recorded image (it re-exec'd before the history existed), but the same process. */
		process__to_ancestor(ancestor, entry, HK_ANCESTOR_TABLE);
	} else {
		return 1;
	}

	walk->count = slot + 1;
	walk->ppid = ancestor->ppid;
	walk->parent_exec_id = ancestor->parent_exec_id;
	walk->child_start_ns = ancestor->start_ns;

	/* A container's ancestry ends at the first ancestor outside it, such as its runtime shim. */
	if (walk->in_container && ancestor->mnt_ns == hk_host_mnt_ns)
		return 1;
	return ancestor->tgid == 1;
}

/* The parent of the current task read from the task itself: it predates the process table. */
static __always_inline void ancestry__parent_from_task(struct hk_ancestor *ancestor, __u32 ppid)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task_btf();
	struct task_struct *parent = BPF_CORE_READ(task, real_parent);
	struct file *exe = BPF_CORE_READ(parent, mm, exe_file);
	struct hk_path_result built;

	ancestor->tgid = ppid;
	ancestor->ppid = BPF_CORE_READ(parent, real_parent, tgid);
	ancestor->exec_id = BPF_CORE_READ(parent, start_boottime);
	ancestor->start_ns = ancestor->exec_id;
	ancestor->parent_exec_id = 0;
	ancestor->mnt_ns = BPF_CORE_READ(parent, nsproxy, mnt_ns, ns.inum);
	ancestor->args_len = 0;
	ancestor->source = HK_ANCESTOR_TASK;
	ancestor->path_len = 0;
	ancestor->path[0] = '\0';
	ancestor->flags = HK_PROC_NO_EXEC_SEEN;
	if (!exe)
		return;
	built = process__file_path(parent, exe, ancestor->path, HK_PATH_MAX);
	ancestor->path_len = built.len;
	ancestor->flags |= built.flags;
}

/*
 * Fills detection->ancestors for proc; returns how many were recorded. With task_readable,
 * a parent missing from the table is read from the current task's parent.
 */
static __always_inline __u32 ancestry__collect(struct hk_detection *detection, const struct hk_proc *proc,
					       bool task_readable)
{
	struct hk_ancestry_walk walk = {
		.parent_exec_id = proc->parent_exec_id,
		.child_start_ns = proc->start_ns,
		.ppid = proc->ppid,
		.depth = hk_ancestry_depth,
		.in_container = proc->mnt_ns != hk_host_mnt_ns,
	};

	bpf_loop(HK_ANCESTRY_MAX, ancestry__step, &walk, 0);
	if (task_readable && walk.count == 0 && proc->ppid != 0 && walk.depth > 0) {
		ancestry__parent_from_task(&detection->ancestors[0], proc->ppid);
		walk.count = 1;
	}
	return walk.count;
}

#endif
