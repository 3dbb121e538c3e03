/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rules as data: each rule's mode, scope and exceptions live in maps that the daemon
 * writes from the policy files under conf/rules; a rule's condition is code in its area's program.
 *
 * Two generations of every map exist side by side. The daemon writes a new rule set
 * into the inactive generation and then switches hk_rule_generation with one update; a
 * program reads the generation once per evaluation, so it never sees half of one set and
 * half of the other. Java mirrors these structs in dev.hauberk.rules.wire.
 */
#ifndef HAUBERK_RULES_H
#define HAUBERK_RULES_H

#include "config.h"
#include "container.h"
#include "events.h"
#include "process.h"

enum hk_rule_id {
	HK_RULE_EXEC_WORLD_WRITABLE_DIR = 1,
	HK_RULE_EXEC_MEMFD = 2,
	HK_RULE_EXEC_DELETED = 3,
	HK_RULE_CONNECT_DENIED_DESTINATION = 10,
	HK_RULE_WRITE_LD_PRELOAD = 20,
	HK_RULE_ID_MAX = 256,   /* rules per generation; ids stay below it */
};

/* Zero is off, so a rule the daemon has not configured yet reports nothing. */
enum hk_mode {
	HK_MODE_OFF = 0,
	HK_MODE_MONITOR = 1,
	HK_MODE_ENFORCE = 2,
};

enum hk_action {
	HK_ACTION_REPORTED = 0,
	HK_ACTION_KILLED = 1,   /* SIGKILL sent before the task returned to user space */
	HK_ACTION_BLOCKED = 2,  /* the operation was refused (LSM or cgroup hook) */
};

enum hk_scope {
	HK_SCOPE_ANY = 0,
	HK_SCOPE_HOST = 1,
	HK_SCOPE_CONTAINER = 2,
};

/* Kinds of match set. A rule's scope sets narrow what it applies to; its exception sets carve out of that. */
enum hk_match_kind {
	HK_MATCH_EXE_PATH = 0,      /* FNV-1a of the executable's path */
	HK_MATCH_EXE_PREFIX = 1,    /* path prefix, in hk_rule_prefixes */
	HK_MATCH_PARENT_EXE = 2,    /* FNV-1a of the parent's executable path */
	HK_MATCH_UID = 3,           /* uid ranges, inline in hk_rule_config */
	HK_MATCH_CONTAINER_ID = 4,  /* FNV-1a of the container id */
	HK_MATCH_IMAGE_ID = 5,      /* FNV-1a of the image id */
	HK_MATCH_PORT = 6,          /* destination port */
	HK_MATCH_CIDR = 7,          /* destination address range, in hk_rule_cidrs */
	HK_MATCH_KINDS = 8,
};

#define HK_GENERATIONS 2
#define HK_UID_RANGES 4
#define HK_PREFIX_MAX 248

struct hk_uid_range {
	__u32 first;
	__u32 last;
};

struct hk_rule_config {
	__u8 mode;                 /* enum hk_mode */
	__u8 scope;                /* enum hk_scope */
	__u16 scope_sets;          /* bit per enum hk_match_kind: the action must match that set */
	__u16 exception_sets;      /* bit per enum hk_match_kind: matching that set exempts the action */
	__u16 pad0;
	__u32 uid_ranges;          /* used entries of uids */
	__u32 exception_uid_ranges;
	struct hk_uid_range uids[HK_UID_RANGES];
	struct hk_uid_range exception_uids[HK_UID_RANGES];
};

/* Which generation is live, and its number (counting every switch since the maps were made). */
struct hk_rule_generation {
	__u32 index;               /* 0 or 1 */
	__u32 number;
};

struct hk_match_key {
	__u8 generation;
	__u8 kind;                 /* enum hk_match_kind */
	__u8 exception;            /* 1 for an exception set */
	__u8 pad0;
	__u16 rule_id;
	__u16 pad1;
	__u64 value;               /* a hash, or a port */
};

/* LPM key: prefixlen counts bits from generation onwards. */
struct hk_prefix_key {
	__u32 prefixlen;
	__u8 generation;
	__u8 exception;
	__u16 rule_id;
	char path[HK_PREFIX_MAX];
};

struct hk_cidr_key {
	__u32 prefixlen;
	__u8 generation;
	__u8 exception;
	__u16 rule_id;
	__u8 addr[16];             /* IPv6, or IPv4 mapped as ::ffff:a.b.c.d */
};

/* Counted per rule in the kernel, so nothing is lost when the ring is full. */
struct hk_rule_stats {
	__u64 reported;            /* detections in monitor mode: each is an action enforce would have blocked */
	__u64 killed;
	__u64 blocked;
	__u64 excepted;            /* actions the rule's condition matched but an exception exempted */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, HK_GENERATIONS * HK_RULE_ID_MAX);
	__type(key, __u32);
	__type(value, struct hk_rule_config);
} hk_rule_config SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hk_rule_generation);
} hk_rule_generation SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct hk_match_key);
	__type(value, __u8);
} hk_rule_matches SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 4096);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct hk_prefix_key);
	__type(value, __u8);
} hk_rule_prefixes SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 4096);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct hk_cidr_key);
	__type(value, __u8);
} hk_rule_cidrs SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, HK_RULE_ID_MAX);
	__type(key, __u32);
	__type(value, struct hk_rule_stats);
} hk_rule_stats SEC(".maps") __weak;

/* The verdict of evaluating one rule for one action. */
struct hk_verdict {
	__u8 mode;                 /* enum hk_mode; HK_MODE_OFF when the rule does not apply */
	__u8 pad0[3];
	__u32 generation;          /* number of the generation that decided */
};

#endif
