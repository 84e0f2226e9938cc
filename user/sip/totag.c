// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Kamailio-compatible stateless to-tag.  The CRC table and nibble order
 * come from include/sl_crc16.h so that the XDP program, which checks
 * ACK tags, and the responder, which writes them, cannot disagree.
 */
#include <endian.h>
#include <md5.h>
#include <string.h>

#include "sip/totag.h"
#include "sl_crc16.h"

/* Kamailio's trim_len(): trailing first, then leading. */
static void sig_update(MD5_CTX *ctx, const char *piece)
{
	const char *b = piece ? piece : "";
	size_t len = strlen(b);
	char c;

	while (len) {
		c = b[len - 1];
		if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\0')
			break;
		len--;
	}
	while (len && (*b == ' ' || *b == '\t')) {
		b++;
		len--;
	}
	MD5Update(ctx, (const __u8 *)b, len);
}

void sl_totag_signature(const char *seed, const char *ip, const char *port,
			char out[SL_SIG_LEN])
{
	static const char hex[] = "0123456789abcdef";
	__u8 digest[MD5_DIGEST_LENGTH];
	MD5_CTX ctx;
	int i;

	MD5Init(&ctx);
	sig_update(&ctx, seed);
	sig_update(&ctx, ip);
	sig_update(&ctx, port);
	MD5Final(digest, &ctx);

	for (i = 0; i < MD5_DIGEST_LENGTH; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
}

int sl_totag_sig_is_token(const char sig[SL_SIG_LEN])
{
	int i;

	for (i = 0; i < SL_SIG_LEN; i++) {
		__u8 c = (__u8)sig[i];

		if (c <= ' ' || c == ';' || c == ',' || c == '"')
			return 0;
	}
	return 1;
}

/* Eight bytes per step (include/sl_crc16.h's slices, the XDP program's
 * too, so the two cannot disagree): the byte-wise table CRC is one long
 * dependency chain (a table load per byte) and was a fifth of a reply's
 * time.  The first 1..8 bytes in one step too, as the XDP program takes
 * them (sl_crc16_head()). */
static __u16 crc_update(__u16 state, const void *buf, size_t len)
{
	const __u8 *p = buf;
	unsigned int z = (unsigned int)(0 - len) & 7;
	__u64 w = 0;
	size_t j;

	if (!len)
		return state;
	for (j = 0; j < 8 - z; j++)
		w |= (__u64)p[j] << (8 * j);
	state = sl_crc16_head(state, w, z);
	for (p += 8 - z, len -= 8 - z; len; len -= 8, p += 8) {
		memcpy(&w, p, 8);
		state = sl_crc16_step8(state, le64toh(w));
	}
	return state;
}

/* Kamailio's crcitt_string_array(): the first absent piece ends the
 * list, even if later pieces are present. */
static __u16 crc_pieces(const struct sl_str *pieces, int n)
{
	__u16 state = SL_CRC16_INIT;
	int i;

	for (i = 0; i < n && pieces[i].s; i++)
		state = crc_update(state, pieces[i].s, pieces[i].len);
	return sl_crc16_final(state);
}

__u32 sl_totag_suffix(struct sl_str host, struct sl_str port,
		      struct sl_str branch, struct sl_str callid)
{
	const struct sl_str a[3] = { host, port, branch };
	const struct sl_str b[3] = { port, host, callid };

	return (__u32)crc_pieces(a, 3) << 16 | crc_pieces(b, 3);
}

void sl_totag_suffix_hex(__u32 suffix, char out[SL_SUFFIX_LEN])
{
	sl_crc16_nib4((__u16)(suffix >> 16), out);
	sl_crc16_nib4((__u16)(suffix & 0xffff), out + 4);
}

void sl_totag_build(const char sig[SL_SIG_LEN], __u32 suffix,
		    char out[SL_TOTAG_LEN])
{
	memcpy(out, sig, SL_SIG_LEN);
	out[SL_SIG_LEN] = '.';
	sl_totag_suffix_hex(suffix, out + SL_SIG_LEN + 1);
}

__u16 sl_crc16_x25(const void *buf, size_t len)
{
	return sl_crc16_final(crc_update(SL_CRC16_INIT, buf, len));
}
