// SPDX-License-Identifier: GPL-2.0
/*
 * Rule evaluation: whether a rule applies to an action, and in which mode, from the
 * live generation of the rule maps. Every area calls rules__evaluate once its own
 * condition holds; the scope and exceptions are data, written by the daemon.
 */
#include "common.h"
#include "areas.h"
#include "container.h"
#include "rules.h"

struct hk_evaluation {
	struct hk_rule_config *config;
	struct hk_proc *proc;
	struct hk_target *target;
	struct hk_container *container;
	__u32 generation;
	__u32 rule_id;
	bool exception;
	bool matched;
};

static __always_inline bool rules__hash_member(__u32 generation, __u32 kind, bool exception, __u32 rule_id, __u64 value)
{
	struct hk_match_key key = {
		.generation = generation,
		.kind = kind,
		.exception = exception,
		.rule_id = rule_id,
		.value = value,
	};

	return bpf_map_lookup_elem(&hk_rule_matches, &key) != NULL;
}

static __always_inline bool rules__uid_in(const struct hk_uid_range *ranges, __u32 count, __u32 uid)
{
	for (int i = 0; i < HK_UID_RANGES; i++) {
		if (i >= count)
			break;
		if (uid >= ranges[i].first && uid <= ranges[i].last)
			return true;
	}
	return false;
}

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hk_prefix_key);
} hk_prefix_scratch SEC(".maps") __weak;

static __always_inline bool rules__prefix_member(__u32 generation, bool exception, __u32 rule_id, const struct hk_proc *proc)
{
	__u32 zero = 0;
	struct hk_prefix_key *key = bpf_map_lookup_elem(&hk_prefix_scratch, &zero);
	__u32 len = proc->path_len;

	if (!key)
		return false;
	if (len > HK_PREFIX_MAX)
		len = HK_PREFIX_MAX;
	key->generation = generation;
	key->exception = exception;
	key->rule_id = rule_id;
	bpf_probe_read_kernel(key->path, sizeof(key->path), proc->path);
	/* Bits of generation, exception and rule_id, then of the path. */
	key->prefixlen = 32 + 8 * len;
	return bpf_map_lookup_elem(&hk_rule_prefixes, key) != NULL;
}

static __always_inline bool rules__cidr_member(__u32 generation, bool exception, __u32 rule_id, const struct hk_target *target)
{
	struct hk_cidr_key key = {
		.prefixlen = 32 + 128,
		.generation = generation,
		.exception = exception,
		.rule_id = rule_id,
	};

	if (target->kind != HK_TARGET_NETWORK)
		return false;
	__builtin_memcpy(key.addr, target->addr, sizeof(key.addr));
	return bpf_map_lookup_elem(&hk_rule_cidrs, &key) != NULL;
}

/* Whether the action matches the rule's set of one kind, its scope set or its exception set. */
static __always_inline bool rules__matches(struct hk_evaluation *e, __u32 kind)
{
	struct hk_rule_config *config = e->config;
	struct hk_proc *proc = e->proc;
	struct hk_proc *parent;

	switch (kind) {
	case HK_MATCH_EXE_PATH:
		return rules__hash_member(e->generation, kind, e->exception, e->rule_id, proc->exe_hash);
	case HK_MATCH_EXE_PREFIX:
		return rules__prefix_member(e->generation, e->exception, e->rule_id, proc);
	case HK_MATCH_PARENT_EXE:
		parent = process__lookup(proc->ppid);
		return parent && rules__hash_member(e->generation, kind, e->exception, e->rule_id, parent->exe_hash);
	case HK_MATCH_UID:
		return e->exception ? rules__uid_in(config->exception_uids, config->exception_uid_ranges, proc->uid)
				    : rules__uid_in(config->uids, config->uid_ranges, proc->uid);
	case HK_MATCH_CONTAINER_ID:
		return e->container &&
		       rules__hash_member(e->generation, kind, e->exception, e->rule_id, e->container->container_id_hash);
	case HK_MATCH_IMAGE_ID:
		return e->container &&
		       rules__hash_member(e->generation, kind, e->exception, e->rule_id, e->container->image_id_hash);
	case HK_MATCH_PORT:
		return e->target->kind == HK_TARGET_NETWORK &&
		       rules__hash_member(e->generation, kind, e->exception, e->rule_id, e->target->port);
	case HK_MATCH_CIDR:
		return rules__cidr_member(e->generation, e->exception, e->rule_id, e->target);
	}
	return false;
}

/* Every scope set the rule has must match, and no exception set may. */
static __always_inline bool rules__applies(struct hk_evaluation *e)
{
	__u16 scope = e->config->scope_sets;
	__u16 exceptions = e->config->exception_sets;

	e->exception = false;
	for (__u32 kind = 0; kind < HK_MATCH_KINDS; kind++) {
		if ((scope & (1 << kind)) && !rules__matches(e, kind))
			return false;
	}
	e->exception = true;
	for (__u32 kind = 0; kind < HK_MATCH_KINDS; kind++) {
		if ((exceptions & (1 << kind)) && rules__matches(e, kind)) {
			e->matched = true;
			return false;
		}
	}
	return true;
}

/*
 * Decides rule_id for the action of proc on target (zeroed for an exec) and writes the
 * mode it applies in, or HK_MODE_OFF, into verdict, with the generation that decided.
 */
__noinline int rules__evaluate(struct hk_proc *proc, struct hk_target *target, __u32 rule_id, struct hk_verdict *verdict)
{
	struct hk_evaluation e = {};
	struct hk_rule_generation *live;
	struct hk_container *container;
	__u32 zero = 0;
	__u32 index;
	bool in_container;

	if (!verdict)
		return 0;
	verdict->mode = HK_MODE_OFF;
	verdict->generation = 0;
	if (!proc || !target || rule_id >= HK_RULE_ID_MAX)
		return 0;

	/* Read once: everything below uses this generation, even if the daemon switches meanwhile. */
	live = bpf_map_lookup_elem(&hk_rule_generation, &zero);
	if (!live)
		return 0;
	e.generation = live->index & 1;
	verdict->generation = live->number;
	index = e.generation * HK_RULE_ID_MAX + rule_id;
	e.config = bpf_map_lookup_elem(&hk_rule_config, &index);
	if (!e.config || e.config->mode == HK_MODE_OFF)
		return 0;

	container = container__lookup(proc->cgroup_id);
	in_container = container && !(container->flags & HK_CONTAINER_NOT_A_CONTAINER);
	if ((e.config->scope == HK_SCOPE_HOST && in_container) || (e.config->scope == HK_SCOPE_CONTAINER && !in_container))
		return 0;

	e.proc = proc;
	e.target = target;
	e.container = in_container ? container : NULL;
	e.rule_id = rule_id;
	if (!rules__applies(&e)) {
		if (e.matched) {
			struct hk_rule_stats *stats = bpf_map_lookup_elem(&hk_rule_stats, &rule_id);

			if (stats)
				stats->excepted += 1;
		}
		return 0;
	}
	verdict->mode = e.config->mode;
	return 0;
}
