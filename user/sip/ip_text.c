// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Address text without inet_ntop(): this runs for every reply that adds
 * received, and glibc's inet_ntop(AF_INET6) spends a third of an IPv6
 * reply's time in sprintf.  The tests compare it with inet_ntop().
 */
#include "sip/ip_text.h"
#include "sip/sl_engine.h"	/* struct sl_peer */

/* One octet in decimal, no loop (this runs for every reply). */
static inline size_t octet_dec(unsigned int v, char *out)
{
	if (v >= 100) {
		out[0] = (char)('0' + v / 100);
		out[1] = (char)('0' + v / 10 % 10);
		out[2] = (char)('0' + v % 10);
		return 3;
	}
	if (v >= 10) {
		out[0] = (char)('0' + v / 10);
		out[1] = (char)('0' + v % 10);
		return 2;
	}
	out[0] = (char)('0' + v);
	return 1;
}

static size_t ip4_text(const __u8 *a, char *out)
{
	size_t n;

	n = octet_dec(a[0], out);
	out[n++] = '.';
	n += octet_dec(a[1], out + n);
	out[n++] = '.';
	n += octet_dec(a[2], out + n);
	out[n++] = '.';
	return n + octet_dec(a[3], out + n);
}

/*
 * inet_ntop(AF_INET6): the longest run (>= 2, the first of equal ones) of zero
 * words becomes "::", words in lower-case hex without leading zeros,
 * ::a.b.c.d and ::ffff:a.b.c.d with a dotted tail.
 */
static size_t ip6_text(const __u8 *a, char *out)
{
	static const char hex[] = "0123456789abcdef";
	int i, best = -1, best_len = 0, cur = -1, cur_len = 0, sh;
	__u16 w[8];
	size_t n = 0;

	for (i = 0; i < 8; i++)
		w[i] = (__u16)(a[2 * i] << 8 | a[2 * i + 1]);
	for (i = 0; i < 8; i++) {
		if (!w[i]) {
			if (cur < 0)
				cur = i, cur_len = 0;
			cur_len++;
			continue;
		}
		if (cur >= 0 && cur_len > best_len)
			best = cur, best_len = cur_len;
		cur = -1;
	}
	if (cur >= 0 && cur_len > best_len)
		best = cur, best_len = cur_len;
	if (best_len < 2)
		best = -1;
	for (i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + best_len) {
			if (i == best)
				out[n++] = ':';
			continue;
		}
		if (i)
			out[n++] = ':';
		if (i == 6 && best == 0 &&
		    (best_len == 6 || (best_len == 5 && w[5] == 0xffff)))
			return n + ip4_text(a + 12, out + n);
		for (sh = 12; sh > 0 && !(w[i] >> sh); sh -= 4)
			;
		for (; sh >= 0; sh -= 4)
			out[n++] = hex[(w[i] >> sh) & 15];
	}
	if (best >= 0 && best + best_len == 8)
		out[n++] = ':';
	return n;
}

size_t sl_ip_text(const struct sl_peer *src, char out[SL_IP_TEXT_MAX])
{
	return src->family == 4 ? ip4_text(src->addr, out) :
				  ip6_text(src->addr, out);
}
