/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The request source as a reply's received param writes it.  Plain C. */
#ifndef SL_SIP_IP_TEXT_H
#define SL_SIP_IP_TEXT_H

#include <stddef.h>

#define SL_IP_TEXT_MAX	46	/* INET6_ADDRSTRLEN */

struct sl_peer;		/* sl_engine.h */

/*
 * The source address as the received param shows it: dotted quad, or
 * exactly what inet_ntop(AF_INET6) writes (compressed, lower case, no
 * brackets).  Not NUL-terminated; returns the length.
 */
size_t sl_ip_text(const struct sl_peer *src, char out[SL_IP_TEXT_MAX]);

#endif /* SL_SIP_IP_TEXT_H */
