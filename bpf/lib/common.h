/* SPDX-License-Identifier: GPL-2.0 */
/* Includes every BPF source needs, in the order they depend on each other. */
#ifndef HAUBERK_COMMON_H
#define HAUBERK_COMMON_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#ifndef container_of
#define container_of(ptr, type, member) ((type *)((void *)(ptr) - __builtin_offsetof(type, member)))
#endif

#endif
