/* SPDX-License-Identifier: GPL-2.0 */
/* Evaluating a rule, emitting a detection and acting on it: the one place every area reports through. */
#ifndef HAUBERK_DETECT_H
#define HAUBERK_DETECT_H

#include "ancestry.h"
#include "areas.h"
#include "events.h"
#include "output.h"
#include "process.h"
#include "rules.h"

#define SIGKILL 9
#define EPERM 1

/* A target per CPU: too large for the stack next to what the hooks keep there. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hk_target);
} hk_target_scratch SEC(".maps") __weak;

/* A zeroed target, for an exec or for a hook to fill in. */
static __always_inline struct hk_target *detect__target(void)
{
	__u32 zero = 0;
	struct hk_target *target = bpf_map_lookup_elem(&hk_target_scratch, &zero);

	if (target)
		__builtin_memset(target, 0, sizeof(*target));
	return target;
}

static __always_inline void detect__count(__u32 rule_id, __u8 action, __u8 mode)
{
	struct hk_rule_stats *stats = bpf_map_lookup_elem(&hk_rule_stats, &rule_id);

	if (!stats)
		return;
	if (action == HK_ACTION_KILLED)
		stats->killed += 1;
	else if (action == HK_ACTION_BLOCKED)
		stats->blocked += 1;
	else if (mode == HK_MODE_MONITOR)
		stats->reported += 1;
}

/*
 * Sends a detection of rule_id for the current task described by proc. task_readable says
 * whether the hook may read the current task (tracing and LSM programs may, cgroup
 * programs may not), for a parent that predates the process table.
 */
static __always_inline void detect__report(__u32 rule_id, const struct hk_verdict *verdict, __u8 action,
					   const struct hk_proc *proc, const struct hk_target *target, bool task_readable)
{
	struct hk_detection *event = ancestry__scratch();
	__u32 count;
	__u64 size;

	detect__count(rule_id, action, verdict->mode);
	if (!event)
		return;

	event->header.kind = HK_EVENT_DETECTION;
	event->header.rule_id = rule_id;
	event->header.action = action;
	event->header.mode = verdict->mode;
	event->header.pad0 = 0;
	event->header.pid = (__u32)bpf_get_current_pid_tgid();
	event->header.cpu = bpf_get_smp_processor_id();
	event->header.time_ns = bpf_ktime_get_boot_ns();
	event->header.generation = verdict->generation;
	event->header.pad1 = 0;
	bpf_probe_read_kernel(&event->proc, sizeof(event->proc), proc);
	bpf_probe_read_kernel(&event->target, sizeof(event->target), target);
	count = ancestry__collect(event, proc, task_readable);
	event->ancestor_count = count;
	event->pad0 = 0;

	/* The record ends after the last ancestor recorded. */
	if (count > HK_ANCESTRY_MAX)
		count = HK_ANCESTRY_MAX;
	size = __builtin_offsetof(struct hk_detection, ancestors) + (__u64)count * sizeof(struct hk_ancestor);
	if (size > sizeof(*event))
		size = sizeof(*event);
	if (bpf_ringbuf_output(&hk_events, event, size, 0))
		output__count(HK_COUNTER_RINGBUF_FULL);
}

/*
 * The fallback where no hook can refuse the action: report, and in enforce mode kill
 * the task. SIGKILL from a tracepoint is delivered before the task returns to user
 * space; the action itself has already happened.
 */
static __always_inline void detect__report_or_kill(__u32 rule_id, const struct hk_verdict *verdict,
						   const struct hk_proc *proc, const struct hk_target *target)
{
	__u8 action = HK_ACTION_REPORTED;

	if (verdict->mode == HK_MODE_ENFORCE && bpf_send_signal(SIGKILL) == 0)
		action = HK_ACTION_KILLED;
	detect__report(rule_id, verdict, action, proc, target, true);
}

#endif
