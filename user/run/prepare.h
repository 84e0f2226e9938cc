/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* A configuration file made ready for one interface: what attach, reload
 * and the responder's own reload apply. */
#ifndef SL_RUN_PREPARE_H
#define SL_RUN_PREPARE_H

#include <stddef.h>

#include "conf/config.h"
#include "conf/image.h"

/* Loads path into s and compiles img for ifname (its first IPv4 address
 * signs the to-tags when the file has no tag_addr).  0, or -1 with
 * "FILE:LINE: what" or what to do in err; s and img are then unusable. */
int sl_prepare(const char *path, const char *ifname, struct sl_settings *s,
	       struct sl_bank_image *img, char *err, size_t errlen);

#endif /* SL_RUN_PREPARE_H */
