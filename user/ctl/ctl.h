/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * sl-ctl: one file per command (cmd_*.c) around the command table in
 * main.c.  What the commands share is here.  Exit codes: 0 success,
 * 1 operational error (the message on stderr says what to do), 2 usage.
 */
#ifndef SL_CTL_CTL_H
#define SL_CTL_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "conf/config.h"
#include "dp/maps.h"

#define CTL_DEFAULT_CONFIG	"/etc/sl-xdp/sl-xdp.conf"
#define CTL_EXIT_ERR		1
#define CTL_EXIT_USAGE		2
/* how long a command waits for another one on the same interface: longer
 * than the slowest (a reload waits up to 5 s for the responder) */
#define CTL_LOCK_WAIT_MS	15000

struct ctl_cmd {
	const char *name;
	int (*run)(int argc, char **argv);	/* argv[0] is the command */
	const char *usage;			/* "usage: ..." and what it does */
};

extern const struct ctl_cmd ctl_cmd_attach, ctl_cmd_detach, ctl_cmd_reload,
	ctl_cmd_status, ctl_cmd_stats, ctl_cmd_serve_metrics, ctl_cmd_block,
	ctl_cmd_top;

/* sl-xdp's version (the file VERSION) */
extern const char ctl_version[];

bool ctl_is_help(const char *arg);
/* IFACE as the kernel names devices; else says why and returns false
 * (the caller exits with CTL_EXIT_USAGE).  An IFACE is never a path. */
bool ctl_ifname_ok(const char *ifname);
/* The pinned maps of an attached interface; prints why not and returns
 * -1 if it is not attached. */
int ctl_open_iface(const char *ifname, struct sl_maps *m);
/* Stops the responder, detaches the program, removes the pins. */
int ctl_detach(const char *ifname, char *err, size_t errlen);
enum ctl_stats_format { CTL_FMT_TEXT, CTL_FMT_JSON, CTL_FMT_PROM };
/* Every counter of an interface in fmt, as `sl-ctl stats` prints them
 * (serve-metrics serves CTL_FMT_PROM); 0, or -1 if the maps cannot be
 * read. */
int ctl_stats_render(FILE *out, enum ctl_stats_format fmt, const char *ifname,
		     const struct sl_maps *m);

/* s inside a JSON string (json) or a Prometheus label value: quotes and
 * backslashes escaped, and newlines (JSON: every control character). */
void ctl_print_escaped(FILE *out, const char *s, bool json);
/* CLOCK_MONOTONIC ns (the data plane's clock) as UTC "YYYY-MM-DDTHH:MM:SSZ". */
void ctl_mono_to_utc(__u64 mono_ns, char *out, size_t len);

#endif /* SL_CTL_CTL_H */
