// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <string.h>

#include "sip/hep3.h"

struct hep3_out {
	__u8 *p;
	size_t len, cap;
	int full;
};

static void put_chunk(struct hep3_out *o, __u16 type, const void *val,
		      size_t len)
{
	size_t n = HEP3_CHUNK_HDR_LEN + len;

	if (o->full || n > o->cap - o->len || o->len + n > HEP3_MAX_LEN) {
		o->full = 1;
		return;
	}
	if (o->p) {
		__u8 *c = o->p + o->len;

		c[0] = 0;		/* vendor 0: generic */
		c[1] = 0;
		c[2] = type >> 8;
		c[3] = type & 0xff;
		c[4] = n >> 8;
		c[5] = n & 0xff;
		memcpy(c + HEP3_CHUNK_HDR_LEN, val, len);
	}
	o->len += n;
}

static void put_u8(struct hep3_out *o, __u16 type, __u8 v)
{
	put_chunk(o, type, &v, 1);
}

static void put_u16(struct hep3_out *o, __u16 type, __u16 v)
{
	__u8 b[2] = { v >> 8, v & 0xff };

	put_chunk(o, type, b, 2);
}

static void put_u32(struct hep3_out *o, __u16 type, __u32 v)
{
	__u8 b[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };

	put_chunk(o, type, b, 4);
}

size_t sl_hep3_encode(const struct sl_hep3_event *ev, __u8 *out, size_t cap)
{
	struct hep3_out o = { .p = out, .len = HEP3_HDR_LEN, .cap = cap };
	size_t key_len = ev->auth_key ? strlen(ev->auth_key) : 0;
	int v6 = ev->family == 6;

	if ((ev->family != 4 && !v6) || key_len > HEP3_AUTH_KEY_MAX ||
	    cap < HEP3_HDR_LEN)
		return 0;
	/* the order Kamailio's siptrace writes them in */
	put_u8(&o, HEP3_IP_FAMILY, v6 ? 10 : 2);
	put_u8(&o, HEP3_IP_PROTO, 17);
	put_chunk(&o, v6 ? HEP3_IPV6_SRC : HEP3_IPV4_SRC, ev->src, v6 ? 16 : 4);
	put_chunk(&o, v6 ? HEP3_IPV6_DST : HEP3_IPV4_DST, ev->dst, v6 ? 16 : 4);
	put_u16(&o, HEP3_SRC_PORT, ev->sport);
	put_u16(&o, HEP3_DST_PORT, ev->dport);
	put_u32(&o, HEP3_TIME_SEC, ev->ts_sec);
	put_u32(&o, HEP3_TIME_USEC, ev->ts_usec);
	put_u8(&o, HEP3_PROTO_TYPE, HEP3_PROTO_SIP);
	put_u32(&o, HEP3_CAPTURE_ID, ev->capture_id);
	if (ev->correlation && ev->correlation_len)
		put_chunk(&o, HEP3_CORRELATION_ID, ev->correlation,
			  ev->correlation_len);
	if (key_len)
		put_chunk(&o, HEP3_AUTH_KEY, ev->auth_key, key_len);
	put_chunk(&o, HEP3_PAYLOAD, ev->payload, ev->payload_len);
	if (o.full)
		return 0;
	if (out) {
		memcpy(out, "HEP3", 4);
		out[4] = o.len >> 8;
		out[5] = o.len & 0xff;
	}
	return o.len;
}
