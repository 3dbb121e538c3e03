// SPDX-License-Identifier: GPL-2.0
/*
 * Loaded and attached once at start to learn whether this kernel runs BPF-LSM programs:
 * some kernels list bpf among their LSMs yet refuse the programs (lockdown, or no BPF
 * trampolines). It allows everything.
 */
#include "common.h"

char LICENSE[] SEC("license") = "GPL";

SEC("lsm/file_permission")
int BPF_PROG(hauberk_lsm_probe, struct file *file, int mask, int ret)
{
	return ret;
}
