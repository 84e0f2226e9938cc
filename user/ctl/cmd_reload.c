// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* sl-ctl reload: re-read the configuration and apply it atomically. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctl/ctl.h"
#include "dp/bank.h"
#include "run/prepare.h"
#include "run/proc.h"
#include "run/run_dir.h"

static int read_generation(const struct sl_maps *m, __u32 *gen)
{
	struct sl_active act;

	if (sl_maps_read_active(m, &act))
		return -1;
	*gen = act.generation;
	return 0;
}

/* The running responder has its sockets: the data plane must keep
 * choosing among as many (the other responder keys, cpus, spin_us, ring
 * sizes..., simply wait for the next attach). */
static int sockets_changed(const struct sl_maps *m, const struct sl_settings *s,
			   char *err, size_t errlen)
{
	struct sl_config cur;
	unsigned int now, want = s->dp.xsk_per_queue ? s->dp.xsk_per_queue : 1;

	if (sl_maps_read_config(m, &cur))
		return 0;
	now = cur.xsk_per_queue ? cur.xsk_per_queue : 1;
	if (now == want)
		return 0;
	snprintf(err, errlen,
		 "sockets_per_queue is %u in the new file and %u in the running responder: it cannot change on a reload, detach and attach instead",
		 want, now);
	return 1;
}

static int cmd_reload(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static struct sl_settings s;
	static struct sl_bank_image img;
	char path[PATH_MAX], err[1024];
	const char *cfg = NULL, *ifname;
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	struct sl_maps m;
	__u32 gen0, gen;
	pid_t pid;
	int c, ret = CTL_EXIT_ERR;

	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			cfg = optarg;
			break;
		case 'h':
			fputs(ctl_cmd_reload.usage, stdout);
			return 0;
		default:
			fputs(ctl_cmd_reload.usage, stderr);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fputs(ctl_cmd_reload.usage, stderr);
		return CTL_EXIT_USAGE;
	}
	ifname = argv[optind];
	if (!ctl_ifname_ok(ifname))
		return CTL_EXIT_USAGE;
	if (ctl_open_iface(ifname, &m))
		return CTL_EXIT_ERR;
	if (sl_run_lock(ifname, SL_LOCK_CMD, CTL_LOCK_WAIT_MS, err,
			sizeof(err)) < 0) {
		fprintf(stderr, "sl-ctl: %s\n", err);
		goto out;
	}
	if (!cfg) {
		cfg = sl_run_read_config_path(ifname, path, sizeof(path)) == 0 ?
			      path : CTL_DEFAULT_CONFIG;
	}
	/* validate first: a bad file changes nothing */
	if (sl_prepare(cfg, ifname, &s, &img, err, sizeof(err))) {
		fprintf(stderr, "sl-ctl: %s (nothing changed)\n", err);
		goto out;
	}
	if (read_generation(&m, &gen0)) {
		fprintf(stderr, "sl-ctl: cannot read %s's active bank\n", ifname);
		goto out;
	}
	pid = responder_proc_pid(ifname);
	if (pid && sockets_changed(&m, &s, err, sizeof(err))) {
		fprintf(stderr, "sl-ctl: %s (nothing changed)\n", err);
		goto out;
	}
	if (pid) {
		/* the responder prepares its side of the idle bank, then
		 * flips it: it must own the switch */
		if (sl_run_write_config_path(ifname, cfg) ||
		    kill(pid, SIGHUP)) {
			fprintf(stderr, "sl-ctl: cannot signal the responder (pid %d): %s\n",
				(int)pid, strerror(errno));
			goto out;
		}
		for (int i = 0; i < 250; i++) {
			if (!read_generation(&m, &gen) && gen != gen0)
				break;
			nanosleep(&tick, NULL);
		}
		if (read_generation(&m, &gen) || gen == gen0) {
			fprintf(stderr, "sl-ctl: the responder (pid %d) did not apply the configuration within 5 s\n",
				(int)pid);
			goto out;
		}
	} else {
		int r = sl_run_lock(ifname, SL_LOCK_BANK, CTL_LOCK_WAIT_MS, err,
				    sizeof(err));

		if (r < 0) {
			fprintf(stderr, "sl-ctl: %s\n", err);
			goto out;
		}
		r = sl_bank_write(&m, &img);
		sl_run_unlock(SL_LOCK_BANK);
		if (r) {
			fprintf(stderr, "sl-ctl: cannot write the configuration maps: %s\n",
				strerror(-r));
			goto out;
		}
	}
	printf("sl-xdp on %s reloaded from %s: %u rule(s)%s\n", ifname, cfg,
	       s.dp.n_rules, pid ? "" : " (no responder running: data plane only)");
	ret = 0;
out:
	sl_maps_close(&m);
	return ret;
}

const struct ctl_cmd ctl_cmd_reload = {
	.name = "reload",
	.run = cmd_reload,
	.usage =
	"usage: sl-ctl reload IFACE [-c FILE]\n"
	"  Re-read the configuration (the file given at attach, or FILE) and apply\n"
	"  it atomically: a request meets either the whole old or the whole new\n"
	"  rule set. A bad file changes nothing.\n",
};
