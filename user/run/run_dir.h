/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The run directory, /run/sl-xdp: per interface, IFACE.pid (the
 * responder's pid, queue count and AF_XDP mode) and IFACE.conf (the
 * absolute path of the file it reloads from).  A leaf: files only.
 */
#ifndef SL_RUN_RUN_DIR_H
#define SL_RUN_RUN_DIR_H

#include <stddef.h>
#include <sys/types.h>

#define SL_RUN_DIR "/run/sl-xdp"

/* The pid written in IFACE.pid, 0 if none (whether it lives is not
 * checked here). */
pid_t sl_run_read_pid(const char *ifname);
/* pid, then the queue count and AF_XDP mode for `sl-ctl status`. */
int sl_run_write_pid(const char *ifname, pid_t pid, unsigned int queues,
		     const char *mode);
/* Queues and AF_XDP mode from IFACE.pid. */
int sl_run_read_info(const char *ifname, unsigned int *queues, char *mode,
		     size_t mode_len);
/* The config path in IFACE.conf; -1 and "" if none. */
int sl_run_read_config_path(const char *ifname, char *out, size_t len);
/* Records config_path made absolute (reloads read it after a chdir). */
int sl_run_write_config_path(const char *ifname, const char *config_path);
/* Removes both files. */
void sl_run_remove(const char *ifname);

#endif /* SL_RUN_RUN_DIR_H */
