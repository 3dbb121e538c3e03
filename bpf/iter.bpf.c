// SPDX-License-Identifier: GPL-2.0
/*
 * Recovery at start: one pass over every task fills the process table and the
 * container table with the processes that started before the daemon (or while it was
 * down). The daemon attaches the exec, fork and exit programs first and runs this pass
 * second, and the pass only adds missing entries, so nothing falls between the two and
 * nothing fresher is overwritten.
 */
#include "common.h"
#include "areas.h"
#include "config.h"
#include "container.h"
#include "process.h"

#define PF_KTHREAD 0x00200000

/* Arguments of another task: only a sleepable program may fault in its memory. */
static __always_inline void iter__fill_args(struct hk_proc *proc, struct task_struct *task)
{
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	unsigned long start = BPF_CORE_READ(mm, arg_start);
	unsigned long end = BPF_CORE_READ(mm, arg_end);
	unsigned long len = end > start ? end - start : 0;

	if (len > HK_ARGS_MAX) {
		len = HK_ARGS_MAX;
		proc->flags |= HK_PROC_ARGS_TRUNCATED;
	}
	proc->args_len = 0;
	barrier_var(len);
	if (len > 0 && len <= HK_ARGS_MAX && !bpf_copy_from_user_task(proc->args, len, (void *)start, task, 0))
		proc->args_len = len;
}

SEC("iter.s/task")
int rebuild_process_table(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *parent;
	struct hk_proc *parent_entry;
	struct hk_proc *proc;
	struct file *exe;
	__u32 tgid;

	/* Called once per thread, and once more with no task at the end. */
	if (!task || task->pid != task->tgid || (task->flags & PF_KTHREAD))
		return 0;
	tgid = task->tgid;
	if (process__lookup(tgid))
		return 0;
	exe = BPF_CORE_READ(task, mm, exe_file);
	if (!exe)
		return 0;

	proc = process__scratch();
	if (!proc)
		return 0;
	proc->flags = HK_PROC_NO_EXEC_SEEN;
	proc->script_len = 0;
	proc->script[0] = '\0';
	/* The exec time is unknown; the start time identifies the image as well. */
	proc->exec_id = BPF_CORE_READ(task, start_boottime);
	parent = BPF_CORE_READ(task, real_parent);
	proc->ppid = BPF_CORE_READ(parent, tgid);
	parent_entry = process__lookup(proc->ppid);
	proc->parent_exec_id = parent_entry ? parent_entry->exec_id : BPF_CORE_READ(parent, start_boottime);
	process__fill_identity(proc, task);
	process__fill_exe(proc, task, exe);
	process__fill_cwd(proc, task);
	iter__fill_args(proc, task);

	if (bpf_map_update_elem(&hk_proc_table, &tgid, proc, BPF_NOEXIST))
		return 0;
	if (container__is_candidate(proc))
		container__on_exec(proc, container__candidate(task));

	/* Userspace counts the tgids written to learn how many processes were added. */
	bpf_seq_write(seq, &tgid, sizeof(tgid));
	return 0;
}
