/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wire structs shared by the BPF programs and the Java daemon.
 *
 * Java mirrors each struct in dev.hauberk.event.wire; a test reads the BTF of the
 * built object and checks every size and field offset against the mirror, so a
 * change here without the matching Java change fails the build. Fixed-width types,
 * explicit padding, no pointers.
 */
#ifndef HAUBERK_EVENTS_H
#define HAUBERK_EVENTS_H

/* Bumped whenever a wire struct or a pinned map changes shape. */
#define HK_SCHEMA_VERSION 3

#define HK_COMM_LEN 16
/* Powers of two: offsets into these buffers are masked with size - 1. */
#define HK_PATH_MAX 512
#define HK_ARGS_MAX 256
#define HK_CWD_MAX 256
#define HK_SCRIPT_MAX 256
#define HK_CGROUP_PATH_MAX 256
#define HK_CGROUP_NAME_MAX 128
/* Capacity of a detection's ancestry; the loader's hk_ancestry_depth stays below it. */
#define HK_ANCESTRY_MAX 16

/* hk_proc.flags */
enum hk_proc_flag {
	HK_PROC_MEMFD = 1 << 0,                /* the executable is a memfd (fileless) */
	HK_PROC_DELETED = 1 << 1,              /* the executable was unlinked */
	HK_PROC_WORLD_WRITABLE_DIR = 1 << 2,   /* some directory above the executable (or script) is o+w */
	HK_PROC_PATH_TRUNCATED = 1 << 3,       /* path longer than HK_PATH_MAX or too deep */
	HK_PROC_ARGS_TRUNCATED = 1 << 4,       /* args longer than HK_ARGS_MAX */
	HK_PROC_PATH_UNREADABLE = 1 << 5,      /* the kernel refused to read a path component */
	HK_PROC_NO_EXEC_SEEN = 1 << 6,         /* entry made from the task (iterator or fallback), not at exec */
	HK_PROC_SCRIPT = 1 << 7,               /* a #! script or binfmt_misc program: path is the interpreter */
	HK_PROC_OVERLAY_UPPER = 1 << 8,        /* the executable is in an overlayfs upper (writable) layer */
	HK_PROC_CWD_TRUNCATED = 1 << 9,
	HK_PROC_SCRIPT_TRUNCATED = 1 << 10,
	HK_PROC_EXEC_FD = 1 << 11,             /* exec'd through a file descriptor (execveat, fexecve) */
	HK_PROC_FOREIGN_ROOT = 1 << 12,        /* root directory is not the root of a mount (chroot) */
	HK_PROC_FS_RELATIVE_PATH = 1 << 13,    /* reached through a detached mount: path within its file system */
};

/* One process (thread group), keyed by tgid in the process table. */
struct hk_proc {
	__u64 exec_id;        /* boot-time ns of the exec or fork that created this entry */
	__u64 parent_exec_id; /* exec_id of the parent's entry when this process was forked */
	__u64 start_ns;       /* boot-time ns at which the task started */
	__u64 cgroup_id;      /* id of the process's cgroup in the tracked hierarchy */
	__u64 exe_ino;
	__u64 exe_hash;       /* FNV-1a of path, which rules match executable paths against */
	__u32 exe_dev;        /* st_dev of the executable, kernel encoding (major << 20 | minor) */
	__u32 tgid;
	__u32 ppid;           /* tgid of the real parent at fork */
	__u32 uid;
	__u32 euid;
	__u32 gid;
	__u32 egid;
	__u32 auid;           /* login uid, 4294967295 when unset */
	__u32 mnt_ns;
	__u32 pid_ns;
	__u32 net_ns;
	__u32 user_ns;
	__u32 cgroup_ns;
	__u32 uts_ns;
	__u32 ipc_ns;
	__u32 flags;          /* enum hk_proc_flag */
	__u16 path_len;       /* bytes of path, without NUL */
	__u16 args_len;       /* bytes of args, NUL-separated arguments */
	__u16 cwd_len;
	__u16 script_len;
	char comm[HK_COMM_LEN];
	char path[HK_PATH_MAX];     /* the executable as the process sees it; the interpreter for a script */
	char args[HK_ARGS_MAX];
	char cwd[HK_CWD_MAX];       /* working directory at exec */
	char script[HK_SCRIPT_MAX]; /* with HK_PROC_SCRIPT: the script as named to execve, made absolute */
};

/*
 * An ancestor of a detected process: what the process table or its history held.
 * Also the value of hk_proc_history, which keeps entries of exited or re-exec'd
 * processes so that the ancestry of a live process survives its ancestors.
 */
struct hk_ancestor {
	__u64 exec_id;
	__u64 parent_exec_id;
	__u64 start_ns;
	__u32 tgid;
	__u32 ppid;
	__u32 flags;          /* enum hk_proc_flag */
	__u32 mnt_ns;
	__u16 path_len;
	__u16 args_len;
	__u16 source;         /* enum hk_ancestor_source */
	__u16 pad0;
	char path[HK_PATH_MAX];
	char args[HK_ARGS_MAX];
};

enum hk_ancestor_source {
	HK_ANCESTOR_TABLE = 1,    /* the live process table */
	HK_ANCESTOR_HISTORY = 2,  /* an exited or re-exec'd process, from hk_proc_history */
	HK_ANCESTOR_TASK = 3,     /* read from the parent task: it predates the table */
};

enum hk_event_kind {
	HK_EVENT_DETECTION = 1,
	HK_EVENT_CGROUP = 2,
	HK_EVENT_CONTAINER_EXEC = 3,
};

/* Common prefix of every ring buffer record. */
struct hk_event_header {
	__u16 kind;         /* enum hk_event_kind */
	__u16 rule_id;      /* enum hk_rule_id, for a detection */
	__u8 action;        /* enum hk_action, for a detection */
	__u8 mode;          /* enum hk_mode the rule was in, for a detection */
	__u16 pad0;
	__u32 pid;          /* thread id of the acting task */
	__u32 cpu;
	__u64 time_ns;      /* boot-time ns */
	__u32 generation;   /* number of the rule set generation that decided, for a detection */
	__u32 pad1;
};

#define HK_TARGET_PATH_MAX 256

enum hk_target_kind {
	HK_TARGET_NONE = 0,     /* the executable is the target (exec rules) */
	HK_TARGET_NETWORK = 1,  /* a destination address and port */
	HK_TARGET_FILE = 2,     /* a file opened */
};

/* What a detection's action was aimed at, beyond the process itself. */
struct hk_target {
	__u16 kind;         /* enum hk_target_kind */
	__u16 family;       /* AF_INET or AF_INET6, for a network target */
	__u16 port;         /* destination port, host byte order */
	__u16 path_len;
	__u8 addr[16];      /* IPv6, or IPv4 mapped as ::ffff:a.b.c.d */
	__u64 file_ino;
	__u32 file_dev;
	__u32 file_flags;   /* open flags, for a file target */
	char path[HK_TARGET_PATH_MAX];
};

/*
 * A detection. Only the first ancestor_count entries of ancestors are sent: the ring
 * record ends there, so its size varies.
 */
struct hk_detection {
	struct hk_event_header header;
	struct hk_proc proc;
	struct hk_target target;
	__u32 ancestor_count;
	__u32 pad0;
	struct hk_ancestor ancestors[HK_ANCESTRY_MAX];
};

enum hk_cgroup_op {
	HK_CGROUP_MKDIR = 1,
	HK_CGROUP_RMDIR = 2,
};

/* A cgroup created or removed in the tracked hierarchy: where containers start and stop. */
struct hk_cgroup_event {
	struct hk_event_header header;
	__u64 cgroup_id;
	__u32 op;           /* enum hk_cgroup_op */
	__u32 level;        /* depth below the hierarchy's root */
	__u16 path_len;
	__u16 pad0;
	__u32 pad1;
	char path[HK_CGROUP_PATH_MAX]; /* relative to the hierarchy's root, as in /proc/PID/cgroup */
};

/* hk_container.flags */
enum hk_container_flag {
	HK_CONTAINER_SEEN_AT_EXEC = 1 << 0,  /* first seen at an exec in namespaces other than the host's */
	HK_CONTAINER_RESOLVED = 1 << 1,      /* userspace filled in the runtime's id and image */
	HK_CONTAINER_NOT_A_CONTAINER = 1 << 2, /* userspace found no container runtime behind the cgroup */
};

/*
 * The container table, keyed by cgroup id: filled in the kernel at the first exec in
 * a new mount namespace inside a non-root cgroup, completed by userspace from the
 * container runtime.
 */
struct hk_container {
	__u64 cgroup_id;
	__u64 first_exec_ns;
	__u64 image_id_hash;   /* FNV-1a of the image id string, set by userspace; 0 until resolved */
	__u64 container_id_hash; /* FNV-1a of the runtime's container id, set by userspace; 0 until resolved */
	__u32 mnt_ns;
	__u32 pid_ns;
	__u32 net_ns;
	__u32 flags;           /* enum hk_container_flag */
	__u32 first_tgid;
	__u16 name_len;
	__u16 pad0;
	char name[HK_CGROUP_NAME_MAX]; /* the cgroup directory's name, where the runtime's id usually is */
};

/* A container's first exec, sent so userspace can resolve it before its first detection. */
struct hk_container_event {
	struct hk_event_header header;
	struct hk_container container;
};

#endif
