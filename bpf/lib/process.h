/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The process table: one entry per thread group, filled at exec and fork, moved to
 * the history at exit and before a re-exec, so ancestries outlive their ancestors.
 */
#ifndef HAUBERK_PROCESS_H
#define HAUBERK_PROCESS_H

#include "config.h"
#include "events.h"
#include "output.h"
#include "path.h"
#include "script.h"

/* Default sizes; the loader sets them from the configuration. */
#define HK_PROC_TABLE_ENTRIES 65536
#define HK_PROC_HISTORY_ENTRIES 8192

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HK_PROC_TABLE_ENTRIES);
	/* Entries are allocated on insert, so memory follows the number of live processes. */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct hk_proc);
} hk_proc_table SEC(".maps") __weak;

struct hk_proc_key {
	__u32 tgid;
	__u32 pad0;
	__u64 exec_id;
};

/* Exited and replaced images, least recently used first out: only ancestry reads them. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, HK_PROC_HISTORY_ENTRIES);
	__type(key, struct hk_proc_key);
	__type(value, struct hk_ancestor);
} hk_proc_history SEC(".maps") __weak;

/* Scratch space for building an entry: struct hk_proc is too large for the BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hk_proc);
} hk_proc_scratch SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hk_ancestor);
} hk_ancestor_scratch SEC(".maps") __weak;

#define TMPFS_MAGIC 0x01021994
#define HUGETLBFS_MAGIC 0x958458f6
#define OVERLAYFS_SUPER_MAGIC 0x794c7630

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
	int subsys = hk_cgroup_subsys;

	if (subsys < 0)
		return BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, id);
	/* A cgroup v1 controller's hierarchy, for hosts where runtimes populate only v1. */
	return BPF_CORE_READ(task, cgroups, subsys[subsys & 15], cgroup, kn, id);
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

/*
 * Whether an overlayfs file comes from the upper (writable) layer: written or copied
 * up inside the container rather than shipped in its image.
 */
static __always_inline bool process__is_overlay_upper(struct inode *inode)
{
	struct ovl_inode *ovl;

	if (BPF_CORE_READ(inode, i_sb, s_magic) != OVERLAYFS_SUPER_MAGIC)
		return false;
	if (!bpf_core_type_exists(struct ovl_inode))
		return false;
	ovl = container_of(inode, struct ovl_inode, vfs_inode);
	return BPF_CORE_READ(ovl, __upperdentry) != NULL;
}

/* The path of file as task sees it: relative to the task's root, so a chroot or container sees its own view. */
static __always_inline struct hk_path_result process__file_path(struct task_struct *task, struct file *file, char *out,
								 __u32 capacity)
{
	struct fs_struct *fs = BPF_CORE_READ(task, fs);
	struct dentry *root_dentry = NULL;
	struct vfsmount *root_mnt = NULL;

	if (fs) {
		root_dentry = BPF_CORE_READ(fs, root.dentry);
		root_mnt = BPF_CORE_READ(fs, root.mnt);
	}
	return path__build(BPF_CORE_READ(file, f_path.dentry), BPF_CORE_READ(file, f_path.mnt), root_dentry, root_mnt,
			   out, capacity);
}

#define HK_FNV_OFFSET 0xcbf29ce484222325ULL
#define HK_FNV_PRIME 0x100000001b3ULL

struct hk_hash_walk {
	__u64 hash;
	__u32 len;
};

/* One byte of FNV-1a over the scratch entry's path; the callback looks the entry up itself. */
static long process__hash_step(__u32 index, struct hk_hash_walk *walk)
{
	struct hk_proc *proc = process__scratch();

	if (!proc || index >= walk->len)
		return 1;
	walk->hash ^= (__u8)proc->path[index & (HK_PATH_MAX - 1)];
	walk->hash *= HK_FNV_PRIME;
	return 0;
}

/*
 * FNV-1a (64-bit) of the scratch entry's path: the value rules match executable paths
 * against, computed once per exec. The daemon hashes the policy's paths the same way.
 */
static __always_inline __u64 process__path_hash(__u32 len)
{
	struct hk_hash_walk walk = { .hash = HK_FNV_OFFSET, .len = len };

	bpf_loop(HK_PATH_MAX, process__hash_step, &walk, 0);
	return walk.hash;
}

/* The executable: path, identity and flags. proc must be the scratch entry (process__scratch). */
static __always_inline void process__fill_exe(struct hk_proc *proc, struct task_struct *task, struct file *file)
{
	struct dentry *dentry = BPF_CORE_READ(file, f_path.dentry);
	struct inode *inode = BPF_CORE_READ(dentry, d_inode);
	struct hk_path_result built = process__file_path(task, file, proc->path, HK_PATH_MAX);

	proc->path_len = built.len;
	proc->flags |= built.flags;
	if (built.flags & HK_PROC_PATH_TRUNCATED)
		output__count(HK_COUNTER_PATH_TRUNCATED);
	proc->exe_hash = process__path_hash(built.len);

	proc->exe_ino = BPF_CORE_READ(inode, i_ino);
	proc->exe_dev = BPF_CORE_READ(inode, i_sb, s_dev);
	if (process__is_memfd(dentry))
		proc->flags |= HK_PROC_MEMFD;
	if (process__is_deleted(dentry))
		proc->flags |= HK_PROC_DELETED;
	if (process__is_overlay_upper(inode))
		proc->flags |= HK_PROC_OVERLAY_UPPER;
	if (!(proc->flags & HK_PROC_MEMFD) && path__fs_ancestor_world_writable(dentry))
		proc->flags |= HK_PROC_WORLD_WRITABLE_DIR;
}

/* The working directory, and whether the root directory is a chroot. */
static __always_inline void process__fill_cwd(struct hk_proc *proc, struct task_struct *task)
{
	struct fs_struct *fs = BPF_CORE_READ(task, fs);
	struct dentry *root_dentry;
	struct vfsmount *root_mnt;

	proc->cwd_len = 0;
	proc->cwd[0] = '\0';
	if (!fs)
		return;
	root_dentry = BPF_CORE_READ(fs, root.dentry);
	root_mnt = BPF_CORE_READ(fs, root.mnt);

	struct hk_path_result built = path__build(BPF_CORE_READ(fs, pwd.dentry), BPF_CORE_READ(fs, pwd.mnt),
						  root_dentry, root_mnt, proc->cwd, HK_CWD_MAX);

	proc->cwd_len = built.len;
	if (built.flags & HK_PROC_PATH_TRUNCATED)
		proc->flags |= HK_PROC_CWD_TRUNCATED;

	/*
	 * A chroot makes a directory the root; pivot_root, as container runtimes use it, makes
	 * a mount the root. A root that is not the root of its mount is therefore a chroot.
	 */
	if (root_dentry != BPF_CORE_READ(root_mnt, mnt_root))
		proc->flags |= HK_PROC_FOREIGN_ROOT;
}

/*
 * Whether path starts with the string literal prefix. The loop is unrolled and each
 * character of the literal folds to a constant, so no memcmp call is left for BPF.
 */
#define process__has_prefix(path, prefix)                                        \
	({                                                                        \
		bool __match = true;                                              \
		_Pragma("unroll") for (int __i = 0; __i < (int)sizeof(prefix) - 1; __i++) \
		{                                                                 \
			if ((path)[__i] != (prefix)[__i]) {                       \
				__match = false;                                  \
				break;                                            \
			}                                                         \
		}                                                                 \
		__match;                                                          \
	})

static __always_inline bool process__in_temp_dir(const char *path)
{
	return process__has_prefix(path, "/tmp/") || process__has_prefix(path, "/dev/shm/") ||
	       process__has_prefix(path, "/var/tmp/");
}

/*
 * How the exec named its file. For a #! script the mapped file is the interpreter, and
 * the script's file is already released at sched_process_exec, so the script is known
 * only by the name passed to execve: made absolute with the working directory by
 * userspace, checked here against the shared temporary directories by name.
 */
static __always_inline void process__fill_invocation(struct hk_proc *proc, struct linux_binprm *bprm)
{
	const char *filename = BPF_CORE_READ(bprm, filename);
	const char *interp = BPF_CORE_READ(bprm, interp);
	char head[16] = {};
	long len;

	bpf_probe_read_kernel_str(head, sizeof(head), filename);
	if (process__has_prefix(head, "/dev/fd/") || process__has_prefix(head, "/proc/self/fd/"))
		proc->flags |= HK_PROC_EXEC_FD;

	proc->script_len = 0;
	proc->script[0] = '\0';
	if (interp == filename)
		return;

	proc->flags |= HK_PROC_SCRIPT;
	len = bpf_probe_read_kernel_str(proc->script, HK_SCRIPT_MAX, filename);
	if (len <= 0)
		return;
	proc->script_len = len - 1;
	if (len == HK_SCRIPT_MAX) {
		proc->flags |= HK_PROC_SCRIPT_TRUNCATED;
		return;
	}
	/* Checked after normalizing, so "cd /tmp && ./x" and "/usr/../tmp/x" count, and "/tmp/a/../../root/x" does not. */
	if (!script__normalize(filename, proc->script_len, proc->cwd, proc->cwd_len, proc->script, &proc->script_len)) {
		proc->flags |= HK_PROC_SCRIPT_TRUNCATED;
		return;
	}
	if (process__in_temp_dir(proc->script))
		proc->flags |= HK_PROC_WORLD_WRITABLE_DIR;
}

/* Arguments from the current task's new image: NUL-separated, as the kernel laid them out. */
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

/* Copies the fields of a table entry that an ancestry shows. */
static __always_inline void process__to_ancestor(struct hk_ancestor *ancestor, const struct hk_proc *proc, __u16 source)
{
	ancestor->exec_id = proc->exec_id;
	ancestor->parent_exec_id = proc->parent_exec_id;
	ancestor->start_ns = proc->start_ns;
	ancestor->tgid = proc->tgid;
	ancestor->ppid = proc->ppid;
	ancestor->flags = proc->flags;
	ancestor->mnt_ns = proc->mnt_ns;
	ancestor->path_len = proc->path_len;
	ancestor->args_len = proc->args_len;
	ancestor->source = source;
	ancestor->pad0 = 0;
	bpf_probe_read_kernel(ancestor->path, sizeof(ancestor->path), proc->path);
	bpf_probe_read_kernel(ancestor->args, sizeof(ancestor->args), proc->args);
}

/* Keeps an entry that is about to be replaced or removed, for the ancestries of its descendants. */
static __always_inline void process__remember(const struct hk_proc *proc)
{
	struct hk_proc_key key = { .tgid = proc->tgid, .exec_id = proc->exec_id };
	struct hk_ancestor *ancestor;
	__u32 zero = 0;

	ancestor = bpf_map_lookup_elem(&hk_ancestor_scratch, &zero);
	if (!ancestor)
		return;
	process__to_ancestor(ancestor, proc, HK_ANCESTOR_HISTORY);
	bpf_map_update_elem(&hk_proc_history, &key, ancestor, BPF_ANY);
}

#endif
