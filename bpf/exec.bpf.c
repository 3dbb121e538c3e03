// SPDX-License-Identifier: GPL-2.0
/*
 * Unknown executables: exec from a world-writable directory, from a memfd, of a deleted
 * file. With BPF-LSM the exec is refused in bprm_check_security before it happens;
 * without it, sched_process_exec reports it and, in enforce mode, kills the new image.
 */
#include "common.h"
#include "areas.h"
#include "detect.h"

/* The rules whose condition the process's flags meet, one bit per rule id. */
static __always_inline __u32 exec__conditions(const struct hk_proc *proc)
{
	/* A memfd also looks deleted and sits in a world-writable tmpfs root: it is one thing, fileless. */
	if (proc->flags & HK_PROC_MEMFD)
		return 1 << HK_RULE_EXEC_MEMFD;
	return ((proc->flags & HK_PROC_DELETED) ? 1 << HK_RULE_EXEC_DELETED : 0) |
	       ((proc->flags & HK_PROC_WORLD_WRITABLE_DIR) ? 1 << HK_RULE_EXEC_WORLD_WRITABLE_DIR : 0);
}

__noinline int exec__on_exec(struct hk_proc *proc)
{
	struct hk_verdict verdict = {};
	struct hk_target *target = detect__target();
	__u32 conditions;

	if (!proc || !target)
		return 0;
	conditions = exec__conditions(proc);
	for (__u32 rule = HK_RULE_EXEC_WORLD_WRITABLE_DIR; rule <= HK_RULE_EXEC_DELETED; rule++) {
		if (!(conditions & (1 << rule)))
			continue;
		rules__evaluate(proc, target, rule, &verdict);
		if (verdict.mode == HK_MODE_OFF)
			continue;
		/* With BPF-LSM, an exec that got here passed bprm_check_security: report only. */
		if (hk_lsm_enforces)
			detect__report(rule, &verdict, HK_ACTION_REPORTED, proc, target, true);
		else
			detect__report_or_kill(rule, &verdict, proc, target);
	}
	return 0;
}

/*
 * Called for every file an exec tries, before the point of no return: for a #! script,
 * first with the script, then with its interpreter. Only enforce-mode verdicts act here;
 * monitor mode is reported at sched_process_exec, once the exec succeeded and its
 * arguments are known.
 */
SEC("lsm/bprm_check_security")
int BPF_PROG(exec_check_lsm, struct linux_binprm *bprm, int ret)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task_btf();
	struct hk_verdict verdict = {};
	struct hk_target *target;
	struct hk_proc *current_entry;
	struct hk_proc *proc;
	__u32 tgid = (__u32)(bpf_get_current_pid_tgid() >> 32);
	__u32 conditions;

	/* Another LSM already refused. */
	if (ret)
		return ret;
	proc = process__scratch();
	target = detect__target();
	if (!proc || !target)
		return 0;

	/* The image that would run: this file, with the caller's identity and place in the tree. */
	current_entry = process__lookup(tgid);
	if (current_entry) {
		proc->ppid = current_entry->ppid;
		proc->parent_exec_id = current_entry->parent_exec_id;
	} else {
		proc->ppid = BPF_CORE_READ(task, real_parent, tgid);
		proc->parent_exec_id = BPF_CORE_READ(task, real_parent, start_boottime);
	}
	proc->flags = 0;
	proc->exec_id = bpf_ktime_get_boot_ns();
	proc->args_len = 0;
	proc->script_len = 0;
	proc->script[0] = '\0';
	process__fill_identity(proc, task);
	process__fill_exe(proc, task, BPF_CORE_READ(bprm, file));
	process__fill_cwd(proc, task);

	conditions = exec__conditions(proc);
	for (__u32 rule = HK_RULE_EXEC_WORLD_WRITABLE_DIR; rule <= HK_RULE_EXEC_DELETED; rule++) {
		if (!(conditions & (1 << rule)))
			continue;
		rules__evaluate(proc, target, rule, &verdict);
		if (verdict.mode == HK_MODE_ENFORCE) {
			detect__report(rule, &verdict, HK_ACTION_BLOCKED, proc, target, true);
			return -EPERM;
		}
	}
	return 0;
}
