// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl/ctl.h"
#include "dp/iface.h"
#include "dp/pins.h"
#include "dp/prog.h"
#include "run/proc.h"
#include "run/run_dir.h"

bool ctl_is_help(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

bool ctl_ifname_ok(const char *ifname)
{
	if (sl_iface_name_valid(ifname))
		return true;
	fprintf(stderr,
		"sl-ctl: '%s' is not an interface name (1 to 15 characters, not '.' or '..', no '/', ':' or blanks; 'ip link' lists them)\n",
		ifname);
	return false;
}

int ctl_open_iface(const char *ifname, struct sl_maps *m)
{
	char dir[PATH_MAX], err[1024];
	int ret;

	if (sl_check_env(err, sizeof(err))) {
		fprintf(stderr, "sl-ctl: %s\n", err);
		return -1;
	}
	sl_pin_dir(ifname, dir, sizeof(dir));
	ret = sl_maps_open_pinned(m, dir, err, sizeof(err));
	if (ret == -ENOENT && access(dir, F_OK))
		fprintf(stderr, "sl-ctl: sl-xdp is not attached on %s (no %s)\n",
			ifname, dir);
	else if (ret)
		fprintf(stderr, "sl-ctl: %s\n", err);
	return ret ? -1 : 0;
	return 0;
}

int ctl_detach(const char *ifname, char *err, size_t errlen)
{
	char dir[PATH_MAX];

	if (sl_check_env(err, errlen) ||
	    sl_run_lock(ifname, SL_LOCK_CMD, CTL_LOCK_WAIT_MS, err, errlen) < 0)
		return -1;
	responder_proc_stop(ifname);
	sl_pin_dir(ifname, dir, sizeof(dir));
	return sl_prog_detach(ifname, dir, err, errlen);
}

/* s as the inside of a JSON string or a Prometheus label value: both
 * escape backslash and double quote; JSON also control characters,
 * Prometheus newlines.  An interface name is no path or quote today, but
 * a name is text that reached us from outside. */
void ctl_print_escaped(FILE *out, const char *s, bool json)
{
	for (; *s; s++) {
		unsigned char ch = *s;

		if (ch == '\\' || ch == '"')
			fprintf(out, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", out);
		else if (json && ch < 0x20)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
}

void ctl_mono_to_utc(__u64 mono_ns, char *out, size_t len)
{
	struct timespec mono, real;
	__u64 now_mono;
	time_t t;
	struct tm tm;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	now_mono = (__u64)mono.tv_sec * 1000000000ULL + mono.tv_nsec;
	t = real.tv_sec - (time_t)((now_mono > mono_ns ? now_mono - mono_ns : 0) /
				   1000000000ULL);
	gmtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
