// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* sl-ctl detach: stop the responder, detach, remove the pins. */
#include <stdio.h>

#include "ctl/ctl.h"

static int cmd_detach(int argc, char **argv)
{
	char err[1024];

	if (argc == 2 && ctl_is_help(argv[1])) {
		fputs(ctl_cmd_detach.usage, stdout);
		return 0;
	}
	if (argc != 2) {
		fputs(ctl_cmd_detach.usage, stderr);
		return CTL_EXIT_USAGE;
	}
	if (!ctl_ifname_ok(argv[1]))
		return CTL_EXIT_USAGE;
	if (ctl_detach(argv[1], err, sizeof(err))) {
		fprintf(stderr, "sl-ctl: %s\n", err);
		return CTL_EXIT_ERR;
	}
	printf("sl-xdp detached from %s\n", argv[1]);
	return 0;
}

const struct ctl_cmd ctl_cmd_detach = {
	.name = "detach",
	.run = cmd_detach,
	.usage =
	"usage: sl-ctl detach IFACE\n"
	"  Stop the responder, detach the XDP program, remove the pins.\n",
};
