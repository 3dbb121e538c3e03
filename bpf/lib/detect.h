/* SPDX-License-Identifier: GPL-2.0 */
/* Emitting a detection and acting on it: the one place every area reports through. */
#ifndef HAUBERK_DETECT_H
#define HAUBERK_DETECT_H

#include "events.h"
#include "output.h"
#include "process.h"
#include "rules.h"

#define SIGKILL 9

/*
 * The parent from the process table; for a parent that predates the table, read its
 * executable from the task itself, so a detection always names its parent's program.
 */
static __always_inline void detect__fill_parent(struct hk_parent *parent, __u32 ppid)
{
	struct hk_proc *entry = process__lookup(ppid);
	struct task_struct *task;
	struct file *exe;

	parent->tgid = ppid;
	parent->source = HK_PARENT_FROM_TABLE;
	if (entry) {
		parent->exec_id = entry->exec_id;
		parent->flags = entry->flags;
		parent->path_len = entry->path_len;
		bpf_probe_read_kernel(parent->path, sizeof(parent->path), entry->path);
		return;
	}

	task = (struct task_struct *)bpf_get_current_task_btf();
	task = BPF_CORE_READ(task, real_parent);
	exe = BPF_CORE_READ(task, mm, exe_file);
	parent->source = HK_PARENT_NOT_FOUND;
	parent->path_len = 0;
	parent->path[0] = '\0';
	if (!exe || BPF_CORE_READ(task, tgid) != ppid)
		return;

	struct hk_path_result built = process__exe_path(task, exe, parent->path);

	parent->source = HK_PARENT_FROM_TASK;
	parent->exec_id = BPF_CORE_READ(task, start_boottime);
	parent->flags = built.flags | HK_PROC_NO_EXEC_SEEN;
	parent->path_len = built.len;
}

/*
 * Reports rule_id for the current task described by proc, and in enforce mode kills it.
 * SIGKILL from a tracepoint is delivered before the task returns to user space; it is
 * the fallback where no LSM or cgroup hook can refuse the operation itself.
 */
static __always_inline void detect__report_and_kill(__u32 rule_id, __u8 mode, const struct hk_proc *proc)
{
	__u8 action = HK_ACTION_REPORTED;
	struct hk_detection *event;

	if (mode == HK_MODE_ENFORCE && bpf_send_signal(SIGKILL) == 0)
		action = HK_ACTION_KILLED;

	event = bpf_ringbuf_reserve(&hk_events, sizeof(*event), 0);
	if (!event) {
		output__count(HK_COUNTER_RINGBUF_FULL);
		return;
	}
	event->header.kind = HK_EVENT_DETECTION;
	event->header.rule_id = rule_id;
	event->header.action = action;
	event->header.mode = mode;
	event->header.pad0 = 0;
	event->header.pid = (__u32)bpf_get_current_pid_tgid();
	event->header.cpu = bpf_get_smp_processor_id();
	event->header.time_ns = bpf_ktime_get_boot_ns();
	bpf_probe_read_kernel(&event->proc, sizeof(event->proc), proc);
	detect__fill_parent(&event->parent, proc->ppid);
	bpf_ringbuf_submit(event, 0);
}

#endif
