// SPDX-License-Identifier: GPL-2.0
/* Unknown executables: exec from a world-writable directory, from a memfd, of a deleted file. */
#include "common.h"
#include "areas.h"
#include "detect.h"

static __always_inline void exec__check(__u32 rule_id, const struct hk_proc *proc)
{
	__u8 mode = rules__mode(rule_id);

	if (mode != HK_MODE_OFF)
		detect__report_and_kill(rule_id, mode, proc);
}

__noinline int exec__on_exec(struct hk_proc *proc)
{
	if (!proc)
		return 0;

	/* A memfd also looks deleted and sits in a world-writable tmpfs root: report it once, as fileless. */
	if (proc->flags & HK_PROC_MEMFD) {
		exec__check(HK_RULE_EXEC_MEMFD, proc);
		return 0;
	}
	if (proc->flags & HK_PROC_DELETED)
		exec__check(HK_RULE_EXEC_DELETED, proc);
	if (proc->flags & HK_PROC_WORLD_WRITABLE_DIR)
		exec__check(HK_RULE_EXEC_WORLD_WRITABLE_DIR, proc);
	return 0;
}
