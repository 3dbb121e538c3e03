/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Absolute paths built from a struct path, the way d_path() does it.
 *
 * bpf_d_path() is only callable from LSM and a few fentry hooks, so the tracepoint
 * programs walk the dentry chain themselves: component by component towards the
 * root, crossing mount points through struct mount, writing the name backwards
 * into a per-CPU scratch buffer. The walk stops at the given root (the process's
 * fs->root, so a chrooted or containerised process gets the path it sees) or at
 * the top of the mount namespace.
 */
#ifndef HAUBERK_PATH_H
#define HAUBERK_PATH_H

#include "events.h"

/*
 * Steps of a walk: enough for any path that fits in HK_PATH_MAX, and beyond it, so that
 * the world-writable check still reaches /tmp above a path too long to report whole.
 */
#define HK_PATH_DEPTH_MAX 256
#define HK_PATH_MASK (HK_PATH_MAX - 1)
#define HK_NAME_MAX 255

#define S_IWOTH 00002
#define S_IFMT 00170000
#define S_IFDIR 0040000

/* Twice HK_PATH_MAX, so that a masked offset plus a masked length stays inside. */
struct hk_path_scratch {
	char buf[HK_PATH_MAX * 2];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hk_path_scratch);
} hk_path_scratch SEC(".maps") __weak;

struct hk_path_result {
	__u16 len;
	__u32 flags;        /* HK_PROC_PATH_TRUNCATED, HK_PROC_WORLD_WRITABLE_DIR, ... */
};

static __always_inline bool path__is_world_writable_dir(struct dentry *dentry)
{
	umode_t mode = BPF_CORE_READ(dentry, d_inode, i_mode);

	return (mode & S_IFMT) == S_IFDIR && (mode & S_IWOTH);
}

struct hk_path_walk {
	struct dentry *dentry;
	struct vfsmount *vfsmnt;
	struct dentry *root_dentry;
	struct vfsmount *root_mnt;
	__u32 pos;          /* start of the path built so far in the scratch buffer */
	__u32 flags;
	bool writing;       /* still below the root and the buffer not full: names are recorded */
	bool fs_relative;   /* the mount was detached: names come from the file system's own tree */
	bool complete;      /* the path reached the root before the buffer or the steps ran out */
};

/*
 * One step of the walk: prepend one component, or cross one mount. Run through
 * bpf_loop() so that the verifier checks the body once instead of once per depth.
 *
 * The walk goes on past the process's root (a chroot) and past a full buffer, up to the
 * top of the mount namespace, recording nothing more but still checking each directory
 * for o+w: a long path or a jail must not hide that the file sits under /tmp.
 */
static long path__step(__u32 index, struct hk_path_walk *walk)
{
	__u32 zero = 0;
	struct hk_path_scratch *scratch = bpf_map_lookup_elem(&hk_path_scratch, &zero);
	struct dentry *dentry = walk->dentry;
	struct vfsmount *vfsmnt = walk->vfsmnt;
	struct mount *mnt = container_of(vfsmnt, struct mount, mnt);
	struct dentry *mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
	struct dentry *parent = BPF_CORE_READ(dentry, d_parent);

	if (!scratch)
		return 1;
	if (dentry == walk->root_dentry && vfsmnt == walk->root_mnt && walk->writing) {
		walk->complete = true;
		walk->writing = false;
	}

	/* At the root of a mount: continue from the mount point in the parent mount. */
	if (dentry == mnt_root && !walk->fs_relative) {
		struct mount *mnt_parent = BPF_CORE_READ(mnt, mnt_parent);

		/*
		 * A mount of the file itself that is attached nowhere, as a runtime makes to exec
		 * a private copy of its own binary: the path through the mount is just "/". Name
		 * the file by its place in its own file system instead, and say so.
		 */
		if (mnt_parent == mnt && walk->pos == HK_PATH_MAX && dentry != parent) {
			walk->fs_relative = true;
			walk->flags |= HK_PROC_FS_RELATIVE_PATH;
		} else if (mnt_parent == mnt) {
			walk->complete |= walk->writing;
			return 1;
		} else {
			walk->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
			walk->vfsmnt = &mnt_parent->mnt;
			return 0;
		}
	}
	if (walk->fs_relative && dentry == parent) {
		walk->complete |= walk->writing;
		return 1;
	}

	/*
	 * Its own parent but not a mount root: a pseudo file such as a memfd, which has no
	 * directory, or a disconnected dentry. Its name is the whole path, as d_path shows it.
	 */
	bool last = dentry == parent;

	if (!last && path__is_world_writable_dir(parent))
		walk->flags |= HK_PROC_WORLD_WRITABLE_DIR;

	if (walk->writing) {
		struct qstr name = BPF_CORE_READ(dentry, d_name);
		__u32 len = name.len;
		__u32 pos = walk->pos;

		/* The name and its leading slash must fit while keeping a byte for the NUL. */
		if (len == 0 || len > HK_NAME_MAX || len + 1 >= pos || pos > HK_PATH_MAX) {
			walk->flags |= HK_PROC_PATH_TRUNCATED;
			walk->writing = false;
		} else {
			pos -= len;
			if (bpf_probe_read_kernel(&scratch->buf[pos & HK_PATH_MASK], len & HK_NAME_MAX, name.name)) {
				walk->flags |= HK_PROC_PATH_UNREADABLE;
				walk->writing = false;
			} else {
				pos -= 1;
				scratch->buf[pos & HK_PATH_MASK] = '/';
				walk->pos = pos;
				walk->complete |= last;
			}
		}
	}
	walk->dentry = parent;
	return last;
}

/* Checks every directory above dentry within its own file system, for o+w. */
static long path__fs_step(__u32 index, struct hk_path_walk *walk)
{
	struct dentry *dentry = walk->dentry;
	struct dentry *parent = BPF_CORE_READ(dentry, d_parent);

	if (parent == dentry)
		return 1;
	if (path__is_world_writable_dir(parent)) {
		walk->flags |= HK_PROC_WORLD_WRITABLE_DIR;
		return 1;
	}
	walk->dentry = parent;
	return 0;
}

/*
 * Whether a directory above dentry in its own file system is writable by others. The
 * mount walk sees only the directories of the path it was reached by; a file bind-mounted
 * from /dev/shm onto /usr/bin is reached through /usr/bin, but lives under /dev/shm.
 */
static __always_inline bool path__fs_ancestor_world_writable(struct dentry *dentry)
{
	struct hk_path_walk walk = { .dentry = dentry };

	bpf_loop(HK_PATH_DEPTH_MAX, path__fs_step, &walk, 0);
	return walk.flags & HK_PROC_WORLD_WRITABLE_DIR;
}

/*
 * Writes the absolute path of (dentry, vfsmnt) into out, NUL-terminated. capacity is
 * out's size, a power of two of at most HK_PATH_MAX. A path that does not fit keeps its
 * tail, the part nearest the file, and is flagged truncated. root_dentry and root_mnt
 * may be NULL to walk to the top of the mount namespace.
 */
static __always_inline struct hk_path_result path__build(struct dentry *dentry, struct vfsmount *vfsmnt,
							   struct dentry *root_dentry, struct vfsmount *root_mnt,
							   char *out, __u32 capacity)
{
	struct hk_path_walk walk = {
		.dentry = dentry,
		.vfsmnt = vfsmnt,
		.root_dentry = root_dentry,
		.root_mnt = root_mnt,
		.pos = HK_PATH_MAX,
		.writing = true,
	};
	struct hk_path_result result = {};
	__u32 zero = 0;
	struct hk_path_scratch *scratch;

	out[0] = '\0';
	bpf_loop(HK_PATH_DEPTH_MAX, path__step, &walk, 0);

	result.flags = walk.flags;
	if (!walk.complete && !(walk.flags & (HK_PROC_PATH_TRUNCATED | HK_PROC_PATH_UNREADABLE)))
		result.flags |= HK_PROC_PATH_TRUNCATED;

	scratch = bpf_map_lookup_elem(&hk_path_scratch, &zero);
	if (!scratch)
		return result;

	/* The root itself: "/". */
	__u32 pos = walk.pos;

	if (pos >= HK_PATH_MAX) {
		pos = HK_PATH_MAX - 1;
		scratch->buf[pos] = '/';
	}

	/* pos >= 1 here, so len <= HK_PATH_MAX - 1 and the NUL fits. */
	__u32 len = HK_PATH_MAX - pos;

	if (len > capacity - 1) {
		pos += len - (capacity - 1);
		len = capacity - 1;
		result.flags |= HK_PROC_PATH_TRUNCATED;
	}
	bpf_probe_read_kernel(out, len & (capacity - 1), &scratch->buf[pos & HK_PATH_MASK]);
	out[len & (capacity - 1)] = '\0';
	result.len = len;
	return result;
}

#endif
