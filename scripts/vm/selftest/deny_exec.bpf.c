// SPDX-License-Identifier: GPL-2.0
/*
 * Denies the exec of any file named hauberk-vm-selftest-deny. The lsm-vm selftest loads it
 * to prove that the guest kernel runs BPF-LSM programs and enforces their verdict.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define EPERM 1

char LICENSE[] SEC("license") = "GPL";

/* Clang 14 puts a plain static string in .rodata.str1.1, which libbpf 1.1 cannot map. */
static const char denied_name[] SEC(".rodata") = "hauberk-vm-selftest-deny";

SEC("lsm/bprm_check_security")
int BPF_PROG(deny_selftest_exec, struct linux_binprm *bprm, int ret)
{
	/* One byte more than the denied name, so a longer name reads as a longer string. */
	char name[sizeof(denied_name) + 1];
	const unsigned char *dentry_name;

	/* An earlier LSM program already denied this exec. */
	if (ret != 0)
		return ret;

	dentry_name = BPF_CORE_READ(bprm, file, f_path.dentry, d_name.name);
	if (bpf_probe_read_kernel_str(name, sizeof(name), dentry_name) != sizeof(denied_name))
		return 0;

	for (int i = 0; i < sizeof(denied_name); i++) {
		if (name[i] != denied_name[i])
			return 0;
	}
	return -EPERM;
}
