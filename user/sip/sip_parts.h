/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The parts of the SIP parser that sip_msg.c calls, one file each: the
 * start line (start_line.c), the top Via (via.c), To / From
 * (name_addr.c).  Private to user/sip.
 */
#ifndef SL_SIP_PARTS_H
#define SL_SIP_PARTS_H

#include <stddef.h>

#include "sip/sip_msg.h"

/* [s, e): the start line without its line end. */
void sip_parse_start_line(struct sip_msg *m, __u32 s, __u32 e);

/* The first value of the top Via h into m->via. */
void sip_parse_via(struct sip_msg *m, const struct sip_hdr *h);

/* A From header h into na. */
void sip_parse_nameaddr(struct sip_msg *m, const struct sip_hdr *h,
			struct sip_nameaddr *na);

/* The To header h into na, as Kamailio's parse_to() reads it. */
void sip_parse_to(struct sip_msg *m, const struct sip_hdr *h,
		  struct sip_nameaddr *na);

#endif /* SL_SIP_PARTS_H */
