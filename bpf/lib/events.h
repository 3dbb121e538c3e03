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
#define HK_SCHEMA_VERSION 1

#define HK_COMM_LEN 16
/* Power of two: offsets into path buffers are masked with HK_PATH_MAX - 1. */
#define HK_PATH_MAX 512
#define HK_ARGS_MAX 256

/* hk_proc.flags */
enum hk_proc_flag {
	HK_PROC_MEMFD = 1 << 0,                /* the executable is a memfd (fileless) */
	HK_PROC_DELETED = 1 << 1,              /* the executable was unlinked */
	HK_PROC_WORLD_WRITABLE_DIR = 1 << 2,   /* some directory above the executable is o+w */
	HK_PROC_PATH_TRUNCATED = 1 << 3,       /* path longer than HK_PATH_MAX or too deep */
	HK_PROC_ARGS_TRUNCATED = 1 << 4,       /* args longer than HK_ARGS_MAX */
	HK_PROC_PATH_UNREADABLE = 1 << 5,      /* the kernel refused to read a path component */
	HK_PROC_NO_EXEC_SEEN = 1 << 6,         /* entry made at fork or by the iterator, not at exec */
};

/* One process (thread group), keyed by tgid in the process table. */
struct hk_proc {
	__u64 exec_id;      /* boot-time ns of the exec or fork that created this entry */
	__u64 start_ns;     /* boot-time ns at which the task started */
	__u64 cgroup_id;    /* cgroup v2 id of the process's cgroup */
	__u64 exe_ino;
	__u32 exe_dev;      /* st_dev of the executable, kernel encoding (major << 20 | minor) */
	__u32 tgid;
	__u32 ppid;         /* tgid of the real parent */
	__u32 uid;
	__u32 euid;
	__u32 gid;
	__u32 egid;
	__u32 auid;         /* login uid, 4294967295 when unset */
	__u32 mnt_ns;
	__u32 pid_ns;
	__u32 net_ns;
	__u32 user_ns;
	__u32 cgroup_ns;
	__u32 uts_ns;
	__u32 ipc_ns;
	__u32 flags;        /* enum hk_proc_flag */
	__u16 path_len;     /* bytes of path, without NUL */
	__u16 args_len;     /* bytes of args, NUL-separated arguments */
	__u32 pad0;
	char comm[HK_COMM_LEN];
	char path[HK_PATH_MAX];
	char args[HK_ARGS_MAX];
};

enum hk_parent_source {
	HK_PARENT_NOT_FOUND = 0,   /* no table entry and the task could not be read */
	HK_PARENT_FROM_TABLE = 1,  /* the process table entry */
	HK_PARENT_FROM_TASK = 2,   /* read from the parent task: it predates the table */
};

/* The parent of the acting process when the event was made. */
struct hk_parent {
	__u64 exec_id;
	__u32 tgid;
	__u32 flags;        /* enum hk_proc_flag */
	__u16 path_len;
	__u16 source;       /* enum hk_parent_source */
	__u32 pad0;
	char path[HK_PATH_MAX];
};

enum hk_event_kind {
	HK_EVENT_DETECTION = 1,
};

/* Common prefix of every ring buffer record. */
struct hk_event_header {
	__u16 kind;         /* enum hk_event_kind */
	__u16 rule_id;      /* enum hk_rule_id */
	__u8 action;        /* enum hk_action */
	__u8 mode;          /* enum hk_mode the rule was in */
	__u16 pad0;
	__u32 pid;          /* thread id of the acting task */
	__u32 cpu;
	__u64 time_ns;      /* boot-time ns */
};

struct hk_detection {
	struct hk_event_header header;
	struct hk_proc proc;
	struct hk_parent parent;
};

#endif
