// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* sl-ctl attach: load, attach, configure, start the responder. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ctl/ctl.h"
#include "dp/bank.h"
#include "dp/iface.h"
#include "dp/pins.h"
#include "dp/prog.h"
#include "run/prepare.h"
#include "run/proc.h"
#include "run/run_dir.h"

struct attach_opts {
	const char *ifname;
	const char *config_path;	/* absolute */
	bool skb_mode;			/* generic XDP on request */
	bool foreground;		/* keep the responder in this process */
};

__attribute__((format(printf, 3, 4)))
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* An attached data plane whose responder is gone: new config, go on. */
static int reapply(const char *ifname, const char *dir,
		   const struct sl_bank_image *img, char *err, size_t errlen)
{
	struct sl_maps m;
	int ret = sl_maps_open_pinned(&m, dir, err, errlen);

	if (ret)
		return -1;
	ret = sl_run_lock(ifname, SL_LOCK_BANK, CTL_LOCK_WAIT_MS, err, errlen);
	if (ret >= 0) {
		ret = sl_bank_write(&m, img);
		sl_run_unlock(SL_LOCK_BANK);
	} else {
		sl_maps_close(&m);
		return -1;
	}
	sl_maps_close(&m);
	if (ret)
		return fail(err, errlen, "cannot write the configuration maps: %s",
			    strerror(-ret));
	return 0;
}

/* A NIC that strips VLAN tags before XDP on an interface that carries
 * VLANs: every reply to a tagged request would leave untagged, on the
 * native VLAN.  Refused, with the fix (sl-xdp reads the tags in the
 * frame, README "VLANs"). */
static int vlan_check(const char *ifname, char *err, size_t errlen)
{
	char vlans[256];

	if (sl_iface_vlan_stripped(ifname, vlans, sizeof(vlans)) <= 0)
		return 0;
	return fail(err, errlen,
		    "%s strips 802.1Q tags before XDP sees them (rx-vlan-offload on) and carries VLANs (%s): replies to tagged requests would leave untagged. Run 'ethtool -K %s rxvlan off' and attach again",
		    ifname, vlans, ifname);
}

/*
 * Nothing is left half-made on failure.  On an interface that is
 * attached but whose responder died, the config is re-applied and the
 * responder restarted (counters kept).
 */
static int attach(const struct attach_opts *o, char *err, size_t errlen)
{
	/* large; the responder keeps using them */
	static struct sl_settings s;
	static struct sl_bank_image img;
	char dir[PATH_MAX];
	struct stat st;
	pid_t pid;
	int resume;

	if (sl_check_env(err, errlen))
		return -1;
	if (!if_nametoindex(o->ifname))
		return fail(err, errlen, "no such interface: %s ('ip link' lists them)",
			    o->ifname);
	/* held until the responder answers (or this process ends) */
	if (sl_run_lock(o->ifname, SL_LOCK_CMD, CTL_LOCK_WAIT_MS, err, errlen) < 0)
		return -1;
	sl_pin_dir(o->ifname, dir, sizeof(dir));
	resume = stat(dir, &st) == 0;
	pid = responder_proc_pid(o->ifname);
	if (resume && pid)
		return fail(err, errlen,
			    "sl-xdp is already attached on %s and answering (responder pid %d): use 'sl-ctl detach %s' first",
			    o->ifname, (int)pid, o->ifname);
	if (sl_prepare(o->config_path, o->ifname, &s, &img, err, errlen))
		return -1;
	if (vlan_check(o->ifname, err, errlen))
		return -1;
	if (resume ? sl_prog_resume(o->ifname, o->skb_mode, dir, err, errlen) ||
		     reapply(o->ifname, dir, &img, err, errlen) :
		     sl_prog_attach(o->ifname, o->skb_mode, s.window_slots, dir,
				    &img, err, errlen))
		return -1;
	if (responder_proc_start(o->ifname, dir, o->config_path, &s, &img,
				 o->skb_mode, o->foreground, err, errlen)) {
		char derr[256];

		/* a fresh attach is undone; a resumed one stays (fail open) */
		if (!resume)
			ctl_detach(o->ifname, derr, sizeof(derr));
		return -1;
	}
	return 0;
}

static int cmd_attach(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "skb-mode", no_argument, NULL, 's' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *config = CTL_DEFAULT_CONFIG;
	struct attach_opts o = { 0 };
	char err[1024], abs[PATH_MAX];
	int c;

	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 's':
			o.skb_mode = true;
			break;
		case 'f':
			o.foreground = true;
			break;
		case 'h':
			fputs(ctl_cmd_attach.usage, stdout);
			return 0;
		default:
			fputs(ctl_cmd_attach.usage, stderr);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fputs(ctl_cmd_attach.usage, stderr);
		return CTL_EXIT_USAGE;
	}
	o.ifname = argv[optind];
	if (!ctl_ifname_ok(o.ifname))
		return CTL_EXIT_USAGE;
	/* the responder runs in / and reloads by this path: resolve it
	 * here, relative to where the command was given (a missing file
	 * is reported by attach(), in its turn) */
	o.config_path = realpath(config, abs) ? abs : config;
	if (attach(&o, err, sizeof(err))) {
		fprintf(stderr, "sl-ctl: %s\n", err);
		return CTL_EXIT_ERR;
	}
	if (!o.foreground)
		printf("sl-xdp attached on %s (%s XDP) and answering, config %s\n",
		       o.ifname, o.skb_mode ? "generic" : "native", config);
	return 0;
}

const struct ctl_cmd ctl_cmd_attach = {
	.name = "attach",
	.run = cmd_attach,
	.usage =
	"usage: sl-ctl attach IFACE [-c FILE] [--skb-mode] [--foreground]\n"
	"  Load the XDP program on IFACE (native XDP; --skb-mode: generic), write\n"
	"  the configuration (default " CTL_DEFAULT_CONFIG "), pin the maps under\n"
	"  " SL_PIN_BASE "/IFACE/ and start the responder. Returns once it answers;\n"
	"  --foreground keeps the responder in this process (systemd). On an\n"
	"  interface whose responder died it resumes; a program loaded by\n"
	"  'ip link set dev IFACE xdp obj sl_xdp.bpf.o sec xdp' is taken over.\n",
};
