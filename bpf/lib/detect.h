/* SPDX-License-Identifier: GPL-2.0 */
/* Emitting a detection and acting on it: the one place every area reports through. */
#ifndef HAUBERK_DETECT_H
#define HAUBERK_DETECT_H

#include "ancestry.h"
#include "events.h"
#include "output.h"
#include "process.h"
#include "rules.h"

#define SIGKILL 9

/*
 * Reports rule_id for the current task described by proc, and in enforce mode kills it.
 * SIGKILL from a tracepoint is delivered before the task returns to user space; it is
 * the fallback where no LSM or cgroup hook can refuse the operation itself.
 */
static __always_inline void detect__report_and_kill(__u32 rule_id, __u8 mode, const struct hk_proc *proc)
{
	__u8 action = HK_ACTION_REPORTED;
	struct hk_detection *event = ancestry__scratch();
	__u32 count;
	__u64 size;

	if (mode == HK_MODE_ENFORCE && bpf_send_signal(SIGKILL) == 0)
		action = HK_ACTION_KILLED;
	if (!event)
		return;

	event->header.kind = HK_EVENT_DETECTION;
	event->header.rule_id = rule_id;
	event->header.action = action;
	event->header.mode = mode;
	event->header.pad0 = 0;
	event->header.pid = (__u32)bpf_get_current_pid_tgid();
	event->header.cpu = bpf_get_smp_processor_id();
	event->header.time_ns = bpf_ktime_get_boot_ns();
	bpf_probe_read_kernel(&event->proc, sizeof(event->proc), proc);
	count = ancestry__collect(event, proc);
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

#endif
