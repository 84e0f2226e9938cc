/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The reason phrases RFC 3261 section 21 gives each status code: what a
 * reply without a configured reason says.  Plain C, no I/O. */
#ifndef SL_SIP_REASONS_H
#define SL_SIP_REASONS_H

/* RFC 3261 section 21 reason phrase of a status code, NULL if none. */
const char *sl_std_reason(unsigned code);

#endif /* SL_SIP_REASONS_H */
