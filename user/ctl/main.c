// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sl-ctl: the controller.  Exit codes: 0 success, 1 operational error
 * (the message on stderr says what to do), 2 usage error.
 */
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"

/* from the file VERSION: the Makefile passes -DSL_XDP_VERSION='"x.y.z"' */
#ifndef SL_XDP_VERSION
#error "SL_XDP_VERSION is not defined: build with make (it reads VERSION)"
#endif

const char ctl_version[] = SL_XDP_VERSION;

static const struct ctl_cmd *const commands[] = {
	&ctl_cmd_attach, &ctl_cmd_detach, &ctl_cmd_reload, &ctl_cmd_status,
	&ctl_cmd_stats, &ctl_cmd_serve_metrics, &ctl_cmd_block, &ctl_cmd_top,
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		fputs(commands[i]->usage, f);
	fprintf(f, "usage: sl-ctl --version\n");
	fprintf(f, "Exit status: 0 success, 1 error, 2 usage.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CTL_EXIT_USAGE;
	}
	if (ctl_is_help(argv[1]) || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("sl-ctl (sl-xdp) %s\n", SL_XDP_VERSION);
		return 0;
	}
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(argv[1], commands[i]->name))
			return commands[i]->run(argc - 1, argv + 1);
	fprintf(stderr, "sl-ctl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return CTL_EXIT_USAGE;
}
