/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Detection ids, rule modes and the per-rule configuration map.
 *
 * Every detection has a stable numeric id; ids are never reused. Java mirrors this
 * enum in dev.hauberk.rules.RuleId.
 */
#ifndef HAUBERK_RULES_H
#define HAUBERK_RULES_H

enum hk_rule_id {
	HK_RULE_EXEC_WORLD_WRITABLE_DIR = 1,
	HK_RULE_EXEC_MEMFD = 2,
	HK_RULE_EXEC_DELETED = 3,
	HK_RULE_ID_MAX = 256,   /* size of rule_config; ids stay below it */
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

struct hk_rule_config {
	__u8 mode;              /* enum hk_mode */
	__u8 pad0[7];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, HK_RULE_ID_MAX);
	__type(key, __u32);
	__type(value, struct hk_rule_config);
} hk_rule_config SEC(".maps") __weak;

static __always_inline __u8 rules__mode(__u32 rule_id)
{
	struct hk_rule_config *cfg = bpf_map_lookup_elem(&hk_rule_config, &rule_id);

	return cfg ? cfg->mode : HK_MODE_OFF;
}

#endif
