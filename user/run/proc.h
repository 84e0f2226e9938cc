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
#include "conf/image.h"

/* Pid of the live responder of ifname, 0 if none. */
pid_t responder_proc_pid(const char *ifname);
/* Starts it on the configuration (s, img) the maps already hold; returns
 * once it answers (background) or when it stops (foreground).
 * config_path: what later reloads read, absolute.  0, or -1 with a
 * message. */
int responder_proc_start(const char *ifname, const char *pin_dir,
			 const char *config_path, const struct sl_settings *s,
			 const struct sl_bank_image *img, bool skb_mode,
			 bool foreground, char *err, size_t errlen);
/* TERM, up to 3 s, then KILL.  0 if none was running or it stopped. */
int responder_proc_stop(const char *ifname);

#endif /* SL_RUN_PROC_H */
