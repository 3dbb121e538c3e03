// SPDX-License-Identifier: GPL-2.0
/*
 * Loads a BPF object, attaches each of its programs and pins each link as PIN_DIR/<program>,
 * so the programs stay attached after this process exits. Removing PIN_DIR detaches them.
 *
 * Usage: loader OBJECT PIN_DIR
 */
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	char pin_path[4096];

	if (argc != 3) {
		fprintf(stderr, "usage: %s OBJECT PIN_DIR\n", argv[0]);
		return 2;
	}

	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "loader: opening %s failed: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (bpf_object__load(obj)) {
		fprintf(stderr, "loader: loading %s failed: %s (libbpf printed the verifier log above)\n",
			argv[1], strerror(errno));
		return 1;
	}
	if (mkdir(argv[2], 0700) && errno != EEXIST) {
		fprintf(stderr, "loader: creating %s failed: %s\n", argv[2], strerror(errno));
		return 1;
	}

	bpf_object__for_each_program(prog, obj) {
		const char *name = bpf_program__name(prog);
		struct bpf_link *link = bpf_program__attach(prog);

		if (!link) {
			fprintf(stderr, "loader: attaching %s failed: %s\n", name, strerror(errno));
			return 1;
		}
		snprintf(pin_path, sizeof(pin_path), "%s/%s", argv[2], name);
		if (bpf_link__pin(link, pin_path)) {
			fprintf(stderr, "loader: pinning %s at %s failed: %s\n", name, pin_path, strerror(errno));
			return 1;
		}
		printf("loader: attached %s, link pinned at %s\n", name, pin_path);
	}
	return 0;
}
