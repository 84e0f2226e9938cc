/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Kamailio-compatible stateless to-tag (spec 1.4):
 *
 *   <32 hex MD5 signature> '.' <nib4(CRC-A)> <nib4(CRC-B)>
 *
 * Plain C, no I/O.  None of the outputs is NUL-terminated: they are
 * fixed-size fields that are copied into replies and compared with
 * memcmp().
 */
#ifndef SL_TOTAG_H
#define SL_TOTAG_H

#include <linux/types.h>
#include <stddef.h>

#include "sl_xdp_shared.h"

/* A piece of raw header text; s == NULL means absent (not the same as
 * an empty string, see sl_totag_suffix()). */
struct sl_str {
	const char *s;
	size_t len;
};

/*
 * Lower-case hex MD5 of seed + ip + port, each trimmed of leading SP/HT
 * and trailing SP/HT/CR/LF/NUL, as Kamailio's init_tags().  A NULL
 * piece is hashed as an empty string.  Writes exactly SL_SIG_LEN chars.
 */
void sl_totag_signature(const char *seed, const char *ip, const char *port,
			char out[SL_SIG_LEN]);

/* 1 when no byte of sig ends a token value (SP and below, ';', ',',
 * '"'): the XDP program may then take a To-tag that starts with it
 * without the To parser (struct sl_config sig_token).  True of every
 * signature sl_totag_signature() writes (lower-case hex). */
int sl_totag_sig_is_token(const char sig[SL_SIG_LEN]);

/*
 * CRC-A << 16 | CRC-B (final CRC-16/X-25 values), where
 *   CRC-A is over [host, port, branch] and
 *   CRC-B is over [port, host, callid],
 * the pieces fed back-to-back, untrimmed.  Each list stops at its first
 * absent piece: no port gives CRC-A over the host only and CRC-B = 0.
 */
__u32 sl_totag_suffix(struct sl_str host, struct sl_str port,
		      struct sl_str branch, struct sl_str callid);

/* nib4(CRC-A) nib4(CRC-B): SL_SUFFIX_LEN chars. */
void sl_totag_suffix_hex(__u32 suffix, char out[SL_SUFFIX_LEN]);

/* sig '.' suffix: SL_TOTAG_LEN chars. */
void sl_totag_build(const char sig[SL_SIG_LEN], __u32 suffix,
		    char out[SL_TOTAG_LEN]);

/* Final CRC-16/X-25 of a whole buffer (window key of a foreign tag). */
__u16 sl_crc16_x25(const void *buf, size_t len);

#endif /* SL_TOTAG_H */
