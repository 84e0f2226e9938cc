/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The health gate's probe (include/sl_backend.h): a thread of the
 * responder sends an OPTIONS to [backend] probe every interval and
 * counts a probe answered when any SIP response to it comes back before
 * the next one is due; down_after missed in a row mark the backend down,
 * up_after answered in a row up again, in the pinned map sl_backend,
 * which rules with `when` read.  The socket and the map are opened before
 * the sandbox; the thread only polls, sends, receives and updates the map.
 * The probe's settings are those the responder started with (a reload
 * changes the rules, not the probe).
 */
#ifndef SL_RUN_BACKEND_PROBE_H
#define SL_RUN_BACKEND_PROBE_H

#include <stddef.h>
#include "conf/config.h"

struct backend_probe;

/* *out NULL when there is no probe to run; 0, or -1 with err set. */
int backend_probe_open(const struct sl_backend_settings *b,
		       const char *pin_dir, struct backend_probe **out,
		       char *err, size_t errlen);
/* The thread; 0 or -errno.  NULL is fine. */
int backend_probe_start(struct backend_probe *p);
/* Stops the thread (within 100 ms), marks sl_backend not probed, closes
 * everything; NULL is fine. */
void backend_probe_close(struct backend_probe *p);

#endif /* SL_RUN_BACKEND_PROBE_H */
