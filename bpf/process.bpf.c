// SPDX-License-Identifier: GPL-2.0
/* Process tracking: keeps hk_proc_table current at exec, fork and exit. */
#include "common.h"
#include "areas.h"
#include "container.h"
#include "process.h"
#include "rules.h"

char LICENSE[] SEC("license") = "GPL";

/*
 * sched_process_exec fires after the new image is committed (past the point of no
 * return), once per successful exec, with bprm->file the file actually mapped: for a
 * #! script that is the interpreter.
 */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	struct hk_proc *proc = process__scratch();
	struct hk_proc *previous;
	struct hk_proc *parent;
	__u32 tgid = BPF_CORE_READ(task, tgid);

	if (!proc)
		return 0;

	/* The process keeps its parent across exec; its previous image goes to the history. */
	previous = process__lookup(tgid);
	if (previous) {
		proc->ppid = previous->ppid;
		proc->parent_exec_id = previous->parent_exec_id;
		process__remember(previous);
	} else {
		proc->ppid = BPF_CORE_READ(task, real_parent, tgid);
		parent = process__lookup(proc->ppid);
		proc->parent_exec_id = parent ? parent->exec_id : BPF_CORE_READ(task, real_parent, start_boottime);
	}

	proc->flags = 0;
	proc->exec_id = bpf_ktime_get_boot_ns();
	process__fill_identity(proc, task);
	process__fill_exe(proc, task, BPF_CORE_READ(bprm, file));
	process__fill_cwd(proc, task);
	process__fill_invocation(proc, bprm);
	process__fill_args(proc, task);

	if (bpf_map_update_elem(&hk_proc_table, &tgid, proc, BPF_ANY))
		output__count(HK_COUNTER_PROC_TABLE_FULL);

	if (container__is_candidate(proc))
		container__on_exec(proc, container__candidate(task));
	exec__on_exec(proc);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_fork, struct task_struct *parent, struct task_struct *child)
{
	struct hk_proc *parent_entry;
	struct hk_proc *proc;
	__u32 child_tgid = BPF_CORE_READ(child, tgid);
	__u32 parent_tgid = BPF_CORE_READ(parent, tgid);

	/* A new thread joins its group's entry. */
	if (BPF_CORE_READ(child, pid) != child_tgid)
		return 0;

	proc = process__scratch();
	if (!proc)
		return 0;

	/* The child runs the parent's image: inherit its executable, arguments and invocation. */
	parent_entry = process__lookup(parent_tgid);
	if (parent_entry) {
		bpf_probe_read_kernel(proc, sizeof(*proc), parent_entry);
		proc->parent_exec_id = parent_entry->exec_id;
	} else {
		/* The parent predates the table; read the image from the child's mm. */
		proc->flags = HK_PROC_NO_EXEC_SEEN;
		proc->parent_exec_id = BPF_CORE_READ(parent, start_boottime);
		proc->script_len = 0;
		proc->script[0] = '\0';
		process__fill_exe(proc, child, BPF_CORE_READ(child, mm, exe_file));
		process__fill_cwd(proc, child);
		process__fill_args(proc, child);
	}
	proc->ppid = parent_tgid;
	proc->exec_id = bpf_ktime_get_boot_ns();
	process__fill_identity(proc, child);

	if (bpf_map_update_elem(&hk_proc_table, &child_tgid, proc, BPF_ANY))
		output__count(HK_COUNTER_PROC_TABLE_FULL);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_exit, struct task_struct *task)
{
	__u32 tgid = BPF_CORE_READ(task, tgid);
	struct hk_proc *entry;

	/* do_exit() decrements signal->live before this tracepoint: zero means the last thread. */
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;

	entry = process__lookup(tgid);
	if (!entry)
		return 0;
	process__remember(entry);
	bpf_map_delete_elem(&hk_proc_table, &tgid);
	return 0;
}

/*
 * Never called: its parameter type puts every wire struct and enum into the object's
 * BTF, where WireLayoutTest checks the Java mirrors against them. Types that are only
 * cast to, or used as constants, would otherwise leave no trace there.
 */
struct hk_wire_types {
	struct hk_detection detection;
	struct hk_cgroup_event cgroup_event;
	struct hk_container_event container_event;
	enum hk_event_kind kind;
	enum hk_ancestor_source ancestor_source;
	enum hk_cgroup_op cgroup_op;
	enum hk_container_flag container_flag;
	enum hk_target_kind target_kind;
	struct hk_rule_config rule_config;
	struct hk_rule_generation rule_generation;
	struct hk_match_key match_key;
	struct hk_prefix_key prefix_key;
	struct hk_cidr_key cidr_key;
	struct hk_rule_stats rule_stats;
	enum hk_match_kind match_kind;
	enum hk_scope scope;
	enum hk_proc_flag proc_flag;
	enum hk_rule_id rule;
	enum hk_mode mode;
	enum hk_action action;
	enum hk_counter counter;
};

__noinline int hk_wire_types(struct hk_wire_types *types)
{
	return types != 0;
}
