/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * HEP3 (the Homer Encapsulation Protocol, version 3) as Kamailio's
 * siptrace and heplify send it: "HEP3", the total length, then chunks of
 * vendor 0 (generic), each a 16-bit vendor, 16-bit type and 16-bit length
 * (the chunk's own six bytes included) before its value, all in network
 * byte order.  Plain C, no I/O.
 */
#ifndef SL_SIP_HEP3_H
#define SL_SIP_HEP3_H

#include <linux/types.h>
#include <stddef.h>

/* Generic chunk types (vendor 0) */
enum sl_hep3_chunk {
	HEP3_IP_FAMILY		= 0x0001,	/* u8: 2 IPv4, 10 IPv6 */
	HEP3_IP_PROTO		= 0x0002,	/* u8: 17 UDP */
	HEP3_IPV4_SRC		= 0x0003,
	HEP3_IPV4_DST		= 0x0004,
	HEP3_IPV6_SRC		= 0x0005,
	HEP3_IPV6_DST		= 0x0006,
	HEP3_SRC_PORT		= 0x0007,	/* u16 */
	HEP3_DST_PORT		= 0x0008,	/* u16 */
	HEP3_TIME_SEC		= 0x0009,	/* u32 */
	HEP3_TIME_USEC		= 0x000a,	/* u32 */
	HEP3_PROTO_TYPE		= 0x000b,	/* u8: 1 SIP */
	HEP3_CAPTURE_ID		= 0x000c,	/* u32 */
	HEP3_AUTH_KEY		= 0x000e,	/* string */
	HEP3_PAYLOAD		= 0x000f,	/* the captured SIP message */
	HEP3_CORRELATION_ID	= 0x0011,	/* string: the Call-ID */
};

#define HEP3_PROTO_SIP		1
#define HEP3_HDR_LEN		6	/* "HEP3" + total length */
#define HEP3_CHUNK_HDR_LEN	6	/* vendor, type, length */
#define HEP3_AUTH_KEY_MAX	64
#define HEP3_MAX_LEN		65535	/* the total length is 16 bits */

/* One captured datagram and who captured it.  Addresses in network
 * order (IPv4 in the first 4 bytes), ports in host order. */
struct sl_hep3_event {
	__u8 family;			/* 4 or 6 */
	__u8 src[16], dst[16];
	__u16 sport, dport;
	__u32 ts_sec, ts_usec;		/* when it was seen or sent */
	__u32 capture_id;
	const char *auth_key;		/* NULL or "": no chunk */
	const char *correlation;	/* NULL: no chunk (the Call-ID) */
	size_t correlation_len;
	const __u8 *payload;
	size_t payload_len;
};

/* The packet for ev in out: its length, or 0 if it needs more than cap
 * (or than HEP3_MAX_LEN) bytes or ev is not valid (family, auth key
 * longer than HEP3_AUTH_KEY_MAX).  out = NULL: only the length (the
 * room to reserve), nothing written. */
size_t sl_hep3_encode(const struct sl_hep3_event *ev, __u8 *out, size_t cap);

#endif /* SL_SIP_HEP3_H */
