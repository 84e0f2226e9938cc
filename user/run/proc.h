/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The responder's process: started in the background (or kept in the
 * foreground for systemd), found again through a pid file, stopped by
 * detach.  If it dies, its AF_XDP sockets leave the xsks map and the XDP
 * program's redirects fall back to the stack (fail open).
 */
#ifndef SL_RUN_PROC_H
#define SL_RUN_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "conf/config.h"

#define SL_RUN_DIR "/run/sl-xdp"

/* Pid of the live responder of ifname, 0 if none. */
pid_t responder_proc_pid(const char *ifname);
/* Starts it; returns once it answers (background) or when it stops
 * (foreground).  0, or -1 with a message. */
int responder_proc_start(const char *ifname, const char *pin_dir,
			 const char *config_path, const struct sl_settings *s,
			 bool skb_mode, bool foreground, char *err,
			 size_t errlen);
/* Config path the running responder reloads from (SL_RUN_DIR/IFACE.conf
 * holds it); "" if none. */
int responder_proc_config_path(const char *ifname, char *out, size_t len);
int responder_proc_set_config_path(const char *ifname, const char *config_path);
/* Queues and AF_XDP mode the running responder reported. */
int responder_proc_info(const char *ifname, unsigned int *queues, char *mode,
			size_t mode_len);
/* TERM, up to 3 s, then KILL.  0 if none was running or it stopped. */
int responder_proc_stop(const char *ifname);

#endif /* SL_RUN_PROC_H */
