/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The absolute, lexically normalized name of a #! script: the name passed to execve,
 * joined to the working directory when relative, with ".", ".." and repeated slashes
 * resolved as the kernel's path walk would resolve them without symlinks. The script's
 * file is already released at sched_process_exec, so its name is all there is.
 */
#ifndef HAUBERK_SCRIPT_H
#define HAUBERK_SCRIPT_H

#include "events.h"

#define HK_SCRIPT_DEPTH_MAX 64
#define HK_SCRIPT_MASK (HK_PATH_MAX - 1)
#define HK_SCRIPT_NAME_MAX 255

/* Buffers twice HK_PATH_MAX, so that a masked offset plus a masked length stays inside. */
struct hk_script_scratch {
	char joined[HK_PATH_MAX * 2];
	char normal[HK_PATH_MAX * 2];
	__u16 starts[HK_SCRIPT_DEPTH_MAX];  /* where each component of normal begins */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hk_script_scratch);
} hk_script_scratch SEC(".maps") __weak;

struct hk_normalize {
	__u32 joined_len;
	__u32 start;        /* first byte of the component being read */
	__u32 out_len;
	__u32 depth;
	bool overflow;
};

static __always_inline struct hk_script_scratch *script__scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&hk_script_scratch, &zero);
}

/* One byte of the joined name; at each slash (and at the end) one component is applied. */
static long script__normalize_step(__u32 index, struct hk_normalize *n)
{
	struct hk_script_scratch *s = script__scratch();
	__u32 start = n->start;
	__u32 len;

	if (!s || index > n->joined_len)
		return 1;
	if (index < n->joined_len && s->joined[index & HK_SCRIPT_MASK] != '/')
		return 0;

	len = index - start;
	n->start = index + 1;
	if (len == 0 || (len == 1 && s->joined[start & HK_SCRIPT_MASK] == '.'))
		return 0;
	if (len == 2 && s->joined[start & HK_SCRIPT_MASK] == '.' && s->joined[(start + 1) & HK_SCRIPT_MASK] == '.') {
		/* ".." above the root stays at the root, as in the kernel. */
		if (n->depth > 0) {
			n->depth -= 1;
			n->out_len = s->starts[n->depth & (HK_SCRIPT_DEPTH_MAX - 1)];
		}
		return 0;
	}
	if (len > HK_SCRIPT_NAME_MAX || n->depth >= HK_SCRIPT_DEPTH_MAX || n->out_len + 1 + len >= HK_PATH_MAX) {
		n->overflow = true;
		return 1;
	}
	s->starts[n->depth & (HK_SCRIPT_DEPTH_MAX - 1)] = n->out_len;
	n->depth += 1;
	s->normal[n->out_len & HK_SCRIPT_MASK] = '/';
	bpf_probe_read_kernel(&s->normal[(n->out_len + 1) & HK_SCRIPT_MASK], len & HK_SCRIPT_NAME_MAX,
			      &s->joined[start & HK_SCRIPT_MASK]);
	n->out_len += 1 + len;
	return 0;
}

/*
 * Normalizes name (name_len bytes, relative to cwd unless it starts with '/') into out
 * (HK_SCRIPT_MAX bytes). Returns false when the result does not fit.
 */
static __always_inline bool script__normalize(const char *name, __u32 name_len, const char *cwd, __u32 cwd_len,
					      char *out, __u16 *out_len)
{
	struct hk_script_scratch *s = script__scratch();
	struct hk_normalize n = {};
	char first = 0;

	if (!s || name_len == 0)
		return false;
	bpf_probe_read_kernel(&first, 1, name);
	if (first == '/') {
		bpf_probe_read_kernel(s->joined, name_len & HK_SCRIPT_NAME_MAX, name);
		n.joined_len = name_len & HK_SCRIPT_NAME_MAX;
	} else {
		bpf_probe_read_kernel(s->joined, cwd_len & HK_SCRIPT_NAME_MAX, cwd);
		s->joined[cwd_len & HK_SCRIPT_NAME_MAX] = '/';
		bpf_probe_read_kernel(&s->joined[(cwd_len + 1) & HK_SCRIPT_MASK], name_len & HK_SCRIPT_NAME_MAX, name);
		n.joined_len = (cwd_len & HK_SCRIPT_NAME_MAX) + 1 + (name_len & HK_SCRIPT_NAME_MAX);
	}

	bpf_loop(HK_PATH_MAX + 1, script__normalize_step, &n, 0);
	if (n.overflow || n.out_len >= HK_SCRIPT_MAX)
		return false;
	if (n.out_len == 0) {
		s->normal[0] = '/';
		n.out_len = 1;
	}
	bpf_probe_read_kernel(out, n.out_len & (HK_SCRIPT_MAX - 1), s->normal);
	out[n.out_len & (HK_SCRIPT_MAX - 1)] = '\0';
	*out_len = n.out_len;
	return true;
}

#endif
