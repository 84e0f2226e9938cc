/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Frames as the responder sees them: parse a redirected request
 * (Ethernet, up to two VLAN tags, IPv4/IPv6, UDP) and write the headers
 * of its reply in front of a payload that is already in place.
 *
 * Plain C, no I/O.  Every byte read is bounds-checked against the frame
 * length; nothing is written past out_cap.
 */
#ifndef SL_FRAME_IO_H
#define SL_FRAME_IO_H

#include <linux/types.h>
#include <stddef.h>

struct frame_info {
	__u16 l2_len;		/* Ethernet + 0..2 VLAN tags */
	__u16 l3_off, l4_off, payload_off;
	__u8 family;		/* 4 or 6 */
	__u8 src[16], dst[16];	/* v4 in the first 4 bytes, rest zero */
	__u16 sport, dport;	/* host order */
	__u32 payload_len;	/* by the UDP length */
};

/*
 * 0 if frame[0..len) is an IPv4 or IPv6 UDP datagram that is not a
 * fragment, with fi filled in; -1 otherwise (fi then undefined).
 * Accepts what bpf/net/packet.h accepts: 802.1Q/802.1ad tags (up to two),
 * IPv4 with options, IPv6 with up to 4 hop-by-hop/routing/destination
 * options extension headers.  In addition, as the kernel stack would,
 * it requires the IP version field to match, the IP length to cover the
 * UDP datagram and to fit in the frame (Ethernet padding after it is
 * fine), and no IPv6 jumbogram.  Checksums are not verified.
 */
int frame_parse(const __u8 *frame, size_t len, struct frame_info *fi);

/* Bytes in front of the reply payload: l2_len + 20 (IPv4, no options)
 * or 40 (IPv6, no extension headers) + 8. */
size_t frame_reply_hdr_len(const struct frame_info *fi);

/*
 * The reply payload (payload_len bytes) is already at
 * out + frame_reply_hdr_len(fi); this writes the headers in front of it:
 *   Ethernet: source and destination of the request swapped, the same
 *     VLAN tags (TPID and TCI as received);
 *   IPv4: no options, TOS 0, DF set, id 0 (an atomic datagram, RFC 6864),
 *     TTL 64, header checksum; IPv6: traffic class and flow label 0, hop
 *     limit 64, no extension headers;
 *   source address = the request's destination, destination = its source;
 *   UDP from the request's destination port to dst_port (host order),
 *     checksum always computed (0 is sent as 0xffff).
 * req is the request frame fi was parsed from (only its first l2_len
 * bytes are read); out may be req itself.  Returns the frame length, or
 * 0 if it does not fit in out_cap or in the IP/UDP length fields.
 */
size_t frame_build_reply(const __u8 *req, const struct frame_info *fi,
			 __u16 dst_port, size_t payload_len, __u8 *out,
			 size_t out_cap);

#endif /* SL_FRAME_IO_H */
