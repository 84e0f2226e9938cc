/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The reason phrases of replies: RFC 3261 section 21's phrase of each
 * status code (what a reply without a configured reason says), and the
 * texts of the 400/505 error replies to broken requests.  Plain C, no I/O. */
#ifndef SL_SIP_REASONS_H
#define SL_SIP_REASONS_H

#include <linux/types.h>
#include <stddef.h>

/* RFC 3261 section 21 reason phrase of a status code, NULL if none. */
const char *sl_std_reason(unsigned code);

/*
 * The error reply for a set of enum sip_error bits (sip_msg.h): returns
 * the reason phrase (NULL if none of the bits asks for an error reply),
 * sets *code to 400 or 505 and *len to the phrase's length (either
 * pointer may be NULL).
 */
const char *sl_error_reason(__u32 errors, __u16 *code, size_t *len);

#endif /* SL_SIP_REASONS_H */
