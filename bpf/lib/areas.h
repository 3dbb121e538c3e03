/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry points of the detection areas, called by process.bpf.c once the process
 * table is up to date for the event. They are global BPF functions, linked across
 * object files by bpftool gen object, so each area keeps its logic in its own file
 * and the verifier checks each one once.
 */
#ifndef HAUBERK_AREAS_H
#define HAUBERK_AREAS_H

#include "events.h"

struct hk_verdict;

/* exec.bpf.c: unknown-executable rules, evaluated for the image just exec'd. */
int exec__on_exec(struct hk_proc *proc);

/* rules.bpf.c: the mode rule_id applies in to this action, from the live rule set. */
int rules__evaluate(struct hk_proc *proc, struct hk_target *target, __u32 rule_id, struct hk_verdict *verdict);

/* container.bpf.c: adds the process's container to the container table at its first exec. */
int container__on_exec(struct hk_proc *proc, struct hk_container *candidate);

#endif
