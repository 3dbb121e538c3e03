// SPDX-License-Identifier: GPL-2.0
/*
 * Files: opening /etc/ld.so.preload for writing, which makes every dynamically linked
 * program load a library of the writer's choice. With BPF-LSM the open is refused in
 * file_open; without it, the exit of the open system calls reports it and, in enforce
 * mode, kills the writer before it returns to user space (the file is opened by then,
 * and truncated if O_TRUNC was given).
 */
#include "common.h"
#include "areas.h"
#include "detect.h"

#define FMODE_WRITE 0x2

/*
 * A file named ld.so.preload in a directory named etc: the system's, a container's, or a
 * chroot's. Compared by name because the file usually does not exist before the attack.
 */
static __always_inline bool file__is_ld_preload(struct file *file)
{
	struct dentry *dentry = BPF_CORE_READ(file, f_path.dentry);
	char name[14] = {};
	char dir[4] = {};

	if (BPF_CORE_READ(dentry, d_name.len) != 13 || BPF_CORE_READ(dentry, d_parent, d_name.len) != 3)
		return false;
	bpf_probe_read_kernel(name, 13, BPF_CORE_READ(dentry, d_name.name));
	bpf_probe_read_kernel(dir, 3, BPF_CORE_READ(dentry, d_parent, d_name.name));
	return process__has_prefix(name, "ld.so.preload") && process__has_prefix(dir, "etc");
}

/* The verdict on the current process having file open for writing. */
static __always_inline __u8 file__decide(struct file *file, bool lsm)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task_btf();
	struct hk_verdict verdict = {};
	struct hk_target *target;
	struct hk_proc *proc;
	__u32 tgid = (__u32)(bpf_get_current_pid_tgid() >> 32);
	struct hk_path_result built;

	if (!(BPF_CORE_READ(file, f_mode) & FMODE_WRITE) || !file__is_ld_preload(file))
		return HK_MODE_OFF;
	proc = process__lookup(tgid);
	target = detect__target();
	if (!proc || !target)
		return HK_MODE_OFF;

	target->kind = HK_TARGET_FILE;
	target->file_ino = BPF_CORE_READ(file, f_inode, i_ino);
	target->file_dev = BPF_CORE_READ(file, f_inode, i_sb, s_dev);
	target->file_flags = BPF_CORE_READ(file, f_flags);
	built = process__file_path(task, file, target->path, HK_TARGET_PATH_MAX);
	target->path_len = built.len;

	rules__evaluate(proc, target, HK_RULE_WRITE_LD_PRELOAD, &verdict);
	if (verdict.mode == HK_MODE_OFF)
		return HK_MODE_OFF;
	if (lsm) {
		detect__report(HK_RULE_WRITE_LD_PRELOAD, &verdict,
			       verdict.mode == HK_MODE_ENFORCE ? HK_ACTION_BLOCKED : HK_ACTION_REPORTED, proc, target, true);
	} else {
		detect__report_or_kill(HK_RULE_WRITE_LD_PRELOAD, &verdict, proc, target);
	}
	return verdict.mode;
}

SEC("lsm/file_open")
int BPF_PROG(file_open_lsm, struct file *file, int ret)
{

	if (ret)
		return ret;
	return file__decide(file, true) == HK_MODE_ENFORCE ? -EPERM : 0;
}

/* The fields of a syscalls/sys_exit_* tracepoint record. */
struct hk_sys_exit {
	__u64 common;
	__s32 syscall_nr;
	__s32 pad0;
	__s64 ret;
};

/* The file an open system call just returned, from the task's file table. */
static __always_inline int file__on_open_exit(struct hk_sys_exit *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task_btf();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *file = NULL;
	__s64 fd = ctx->ret;

	if (fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return 0;
	bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]);
	if (!file)
		return 0;
	file__decide(file, false);
	return 0;
}

SEC("tp/syscalls/sys_exit_openat")
int file_openat_exit(struct hk_sys_exit *ctx)
{
	return file__on_open_exit(ctx);
}

SEC("tp/syscalls/sys_exit_openat2")
int file_openat2_exit(struct hk_sys_exit *ctx)
{
	return file__on_open_exit(ctx);
}

SEC("tp/syscalls/sys_exit_open")
int file_open_exit(struct hk_sys_exit *ctx)
{
	return file__on_open_exit(ctx);
}

SEC("tp/syscalls/sys_exit_creat")
int file_creat_exit(struct hk_sys_exit *ctx)
{
	return file__on_open_exit(ctx);
}

SEC("tp/syscalls/sys_exit_open_by_handle_at")
int file_open_by_handle_exit(struct hk_sys_exit *ctx)
{
	return file__on_open_exit(ctx);
}
