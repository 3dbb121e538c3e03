/* SPDX-License-Identifier: GPL-2.0 */
/* The process table: one entry per thread group, filled at exec and fork, removed at exit. */
#ifndef HAUBERK_PROCESS_H
#define HAUBERK_PROCESS_H

#include "events.h"
#include "output.h"
#include "path.h"

/* Default size; the loader sets it from the configuration (process_table_entries). */
#define HK_PROC_TABLE_ENTRIES 65536

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HK_PROC_TABLE_ENTRIES);
	/* Entries are allocated on insert, so memory follows the number of live processes. */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct hk_proc);
} hk_proc_table SEC(".maps") __weak;

/* Scratch space for building an entry: struct hk_proc is too large for the BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hk_proc);
} hk_proc_scratch SEC(".maps") __weak;

#define TMPFS_MAGIC 0x01021994
#define HUGETLBFS_MAGIC 0x958458f6

static __always_inline struct hk_proc *process__scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&hk_proc_scratch, &zero);
}

static __always_inline struct hk_proc *process__lookup(__u32 tgid)
{
	return bpf_map_lookup_elem(&hk_proc_table, &tgid);
}

static __always_inline __u64 process__cgroup_id(struct task_struct *task)
{
	return BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, id);
}

static __always_inline __u32 process__pid_ns(struct task_struct *task)
{
	struct pid *pid = BPF_CORE_READ(task, thread_pid);
	unsigned int level = BPF_CORE_READ(pid, level);

	return BPF_CORE_READ(pid, numbers[level].ns, ns.inum);
}

/* Credentials, namespaces and cgroup: everything that a fork copies and a setuid changes. */
static __always_inline void process__fill_identity(struct hk_proc *proc, struct task_struct *task)
{
	const struct cred *cred = BPF_CORE_READ(task, cred);
	struct nsproxy *nsproxy = BPF_CORE_READ(task, nsproxy);

	proc->tgid = BPF_CORE_READ(task, tgid);
	proc->ppid = BPF_CORE_READ(task, real_parent, tgid);
	proc->start_ns = BPF_CORE_READ(task, start_boottime);
	proc->uid = BPF_CORE_READ(cred, uid.val);
	proc->euid = BPF_CORE_READ(cred, euid.val);
	proc->gid = BPF_CORE_READ(cred, gid.val);
	proc->egid = BPF_CORE_READ(cred, egid.val);
	proc->auid = (__u32)-1;
	if (bpf_core_field_exists(task->loginuid))
		proc->auid = BPF_CORE_READ(task, loginuid.val);
	proc->user_ns = BPF_CORE_READ(cred, user_ns, ns.inum);
	proc->cgroup_id = process__cgroup_id(task);
	proc->pid_ns = process__pid_ns(task);

	/* A task past exit_task_namespaces() has no nsproxy. */
	if (nsproxy) {
		proc->mnt_ns = BPF_CORE_READ(nsproxy, mnt_ns, ns.inum);
		proc->net_ns = BPF_CORE_READ(nsproxy, net_ns, ns.inum);
		proc->cgroup_ns = BPF_CORE_READ(nsproxy, cgroup_ns, ns.inum);
		proc->uts_ns = BPF_CORE_READ(nsproxy, uts_ns, ns.inum);
		proc->ipc_ns = BPF_CORE_READ(nsproxy, ipc_ns, ns.inum);
	}
	BPF_CORE_READ_STR_INTO(&proc->comm, task, comm);
}

static __always_inline bool process__is_memfd(struct dentry *dentry)
{
	struct super_block *sb = BPF_CORE_READ(dentry, d_sb);
	unsigned long magic = BPF_CORE_READ(sb, s_magic);
	char prefix[6] = {};

	if (magic != TMPFS_MAGIC && magic != HUGETLBFS_MAGIC)
		return false;
	bpf_probe_read_kernel(prefix, sizeof(prefix), BPF_CORE_READ(dentry, d_name.name));
	return prefix[0] == 'm' && prefix[1] == 'e' && prefix[2] == 'm' && prefix[3] == 'f' &&
	       prefix[4] == 'd' && prefix[5] == ':';
}

static __always_inline bool process__is_deleted(struct dentry *dentry)
{
	bool unhashed = BPF_CORE_READ(dentry, d_hash.pprev) == NULL;
	bool is_root = BPF_CORE_READ(dentry, d_parent) == dentry;

	return (unhashed && !is_root) || BPF_CORE_READ(dentry, d_inode, i_nlink) == 0;
}

/* The path of file as task sees it: relative to the task's root, so a chroot or container sees its own view. */
static __always_inline struct hk_path_result process__exe_path(struct task_struct *task, struct file *file, char *out)
{
	struct fs_struct *fs = BPF_CORE_READ(task, fs);
	struct dentry *root_dentry = NULL;
	struct vfsmount *root_mnt = NULL;

	if (fs) {
		root_dentry = BPF_CORE_READ(fs, root.dentry);
		root_mnt = BPF_CORE_READ(fs, root.mnt);
	}
	return path__build(BPF_CORE_READ(file, f_path.dentry), BPF_CORE_READ(file, f_path.mnt), root_dentry, root_mnt, out);
}

/* The executable: path, identity and flags. */
static __always_inline void process__fill_exe(struct hk_proc *proc, struct task_struct *task, struct file *file)
{
	struct dentry *dentry = BPF_CORE_READ(file, f_path.dentry);
	struct inode *inode = BPF_CORE_READ(dentry, d_inode);
	struct hk_path_result built = process__exe_path(task, file, proc->path);

	proc->path_len = built.len;
	proc->flags |= built.flags;
	if (built.flags & HK_PROC_PATH_TRUNCATED)
		output__count(HK_COUNTER_PATH_TRUNCATED);

	proc->exe_ino = BPF_CORE_READ(inode, i_ino);
	proc->exe_dev = BPF_CORE_READ(inode, i_sb, s_dev);
	if (process__is_memfd(dentry))
		proc->flags |= HK_PROC_MEMFD;
	if (process__is_deleted(dentry))
		proc->flags |= HK_PROC_DELETED;
}

/* Arguments from the new image's stack: NUL-separated, as the kernel laid them out. */
static __always_inline void process__fill_args(struct hk_proc *proc, struct task_struct *task)
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
	if (len > 0 && len <= HK_ARGS_MAX && !bpf_probe_read_user(proc->args, len, (void *)start))
		proc->args_len = len;
}

#endif
