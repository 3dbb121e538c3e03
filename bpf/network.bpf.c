// SPDX-License-Identifier: GPL-2.0
/*
 * Networking: connect() to a destination the policy denies. With BPF-LSM the connect is
 * refused in socket_connect; without it, cgroup connect4/connect6 programs attached to
 * the root cgroup v2 refuse it. Either way the caller gets EPERM and no packet leaves.
 */
#include "common.h"
#include "areas.h"
#include "detect.h"

#define AF_INET 2
#define AF_INET6 10

/* IPv4 as an IPv4-mapped IPv6 address, ::ffff:a.b.c.d, so one trie serves both families. */
static __always_inline void network__map_v4(struct hk_target *target, __u32 addr_be)
{
	__builtin_memset(target->addr, 0, 10);
	target->addr[10] = 0xff;
	target->addr[11] = 0xff;
	__builtin_memcpy(&target->addr[12], &addr_be, 4);
}

/* The verdict on the current process connecting to target; proc is its table entry. */
static __always_inline __u8 network__decide(struct hk_target *target, bool lsm)
{
	struct hk_verdict verdict = {};
	__u32 tgid = (__u32)(bpf_get_current_pid_tgid() >> 32);
	struct hk_proc *proc = process__lookup(tgid);

	/* Every process is in the table once the recovery pass ran; until then, let it be. */
	if (!proc)
		return HK_MODE_OFF;
	rules__evaluate(proc, target, HK_RULE_CONNECT_DENIED_DESTINATION, &verdict);
	if (verdict.mode == HK_MODE_OFF)
		return HK_MODE_OFF;
	detect__report(HK_RULE_CONNECT_DENIED_DESTINATION, &verdict,
		       verdict.mode == HK_MODE_ENFORCE ? HK_ACTION_BLOCKED : HK_ACTION_REPORTED, proc, target, lsm);
	return verdict.mode;
}

SEC("lsm/socket_connect")
int BPF_PROG(network_connect_lsm, struct socket *sock, struct sockaddr *address, int addrlen, int ret)
{
	struct hk_target *target;
	__u16 family;

	if (ret)
		return ret;
	family = BPF_CORE_READ(address, sa_family);
	if (family != AF_INET && family != AF_INET6)
		return 0;
	target = detect__target();
	if (!target)
		return 0;
	target->kind = HK_TARGET_NETWORK;
	target->family = family;
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)address;

		target->port = bpf_ntohs(BPF_CORE_READ(in, sin_port));
		network__map_v4(target, BPF_CORE_READ(in, sin_addr.s_addr));
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)address;

		target->port = bpf_ntohs(BPF_CORE_READ(in6, sin6_port));
		BPF_CORE_READ_INTO(&target->addr, in6, sin6_addr.in6_u.u6_addr8);
	}
	return network__decide(target, true) == HK_MODE_ENFORCE ? -EPERM : 0;
}

/* cgroup sock_addr programs return 1 to let the connect go on and 0 to refuse it with EPERM. */
SEC("cgroup/connect4")
int network_connect4(struct bpf_sock_addr *ctx)
{
	struct hk_target *target = detect__target();

	if (!target)
		return 1;
	target->kind = HK_TARGET_NETWORK;
	target->family = AF_INET;
	target->port = bpf_ntohs((__u16)ctx->user_port);
	network__map_v4(target, ctx->user_ip4);
	return network__decide(target, false) == HK_MODE_ENFORCE ? 0 : 1;
}

SEC("cgroup/connect6")
int network_connect6(struct bpf_sock_addr *ctx)
{
	struct hk_target *target = detect__target();
	__u32 word;

	if (!target)
		return 1;
	target->kind = HK_TARGET_NETWORK;
	target->family = AF_INET6;
	target->port = bpf_ntohs((__u16)ctx->user_port);
	/* The context's fields must be read one 4-byte word at a time. */
	word = ctx->user_ip6[0];
	__builtin_memcpy(&target->addr[0], &word, 4);
	word = ctx->user_ip6[1];
	__builtin_memcpy(&target->addr[4], &word, 4);
	word = ctx->user_ip6[2];
	__builtin_memcpy(&target->addr[8], &word, 4);
	word = ctx->user_ip6[3];
	__builtin_memcpy(&target->addr[12], &word, 4);
	return network__decide(target, false) == HK_MODE_ENFORCE ? 0 : 1;
}
