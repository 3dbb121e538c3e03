#!/usr/bin/env bash
# Regenerates bpf/include/vmlinux.h from a kernel's BTF.
#
# The header only needs to declare the kernel types the BPF programs read; CO-RE
# relocations adjust field offsets to the running kernel at load time, so one
# header built from any recent x86_64 kernel serves every supported kernel.
#
# Usage: scripts/gen-vmlinux.sh [BTF_FILE]   (default: /sys/kernel/btf/vmlinux)
set -euo pipefail

btf=${1:-/sys/kernel/btf/vmlinux}
out=$(cd "$(dirname "$0")/.." && pwd)/bpf/include/vmlinux.h

if [[ ! -r $btf ]]; then
    echo "gen-vmlinux: cannot read BTF at $btf; pass the path of a vmlinux with BTF" >&2
    exit 1
fi
command -v bpftool >/dev/null || { echo "gen-vmlinux: bpftool not found; apt-get install bpftool" >&2; exit 1; }

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
bpftool btf dump file "$btf" format c > "$tmp"
chmod 644 "$tmp"
mv "$tmp" "$out"
trap - EXIT
echo "wrote $out from $btf ($(uname -r) when read from /sys)"
