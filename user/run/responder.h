/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The responder: AF_XDP sockets on every queue of the interface, each
 * redirected request answered by the SIP engine, counters and reply-window
 * entries written straight into mmap-ed BPF maps; HEP3 copies of what is
 * answered handed to the HEP thread ([hep], run/hep_mirror.h).
 */
#ifndef SL_RESPONDER_H
#define SL_RESPONDER_H

#include <stdbool.h>
#include <stddef.h>
#include "conf/config.h"
#include "conf/image.h"

struct responder;

/* Opens maps (pinned under dir), mmaps the window and stats maps, opens
 * and binds the AF_XDP sockets.  s and img: the configuration the maps
 * hold (both banks answer with it until a reload). */
int responder_open(const char *ifname, const char *pin_dir,
		   const char *config_path, const struct sl_settings *s,
		   const struct sl_bank_image *img, bool skb_mode,
		   struct responder **out, char *err, size_t errlen);
/* Runs until *stop is set; when *reload is set, re-reads the config file
 * and applies it atomically (see responder_reload). */
int responder_run(struct responder *r, volatile int *stop,
		  volatile int *reload);
/* Prepares the new settings for the idle bank, then writes that bank's
 * maps and flips the active bank: a request is answered by the rule set
 * that matched it in XDP (its metadata names the bank).  0 or -1 with
 * the old configuration kept and err set. */
int responder_reload(struct responder *r, char *err, size_t errlen);
const char *responder_mode(struct responder *r);
unsigned int responder_queues(struct responder *r);
/* The HEP mirror's UDP socket (the sandbox lets it send on it only). */
int responder_hep_fd(struct responder *r);
void responder_close(struct responder *r);

#endif /* SL_RESPONDER_H */
