// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * To-tag unit tests.  Every expected value is a Kamailio 5.6.3 capture
 * from the spec (sections 1.4 and 7), not something computed by this
 * code.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "sip/totag.h"
#include "sl_crc16.h"	/* after totag.h: needs __u16 */
#include "sl_xdp_shared.h"

#define SIG_5070	"df673b98c9e0bd9172cfc0d849035098"
#define SIG_5071	"7d69ce80ff1a41f18f7daaf2375681a9"
#define SEED		"KAMAILIO-stateless"

#define S(lit)		((struct sl_str){ .s = (lit), .len = sizeof(lit) - 1 })
#define ABSENT		((struct sl_str){ .s = NULL, .len = 0 })

/* Suffix as 8 hex chars, checking that nothing past them is written. */
static void assert_suffix_hex(__u32 suffix, const char *want)
{
	char buf[SL_SUFFIX_LEN + 1];

	memset(buf, '#', sizeof(buf));
	sl_totag_suffix_hex(suffix, buf);
	assert_memory_equal(buf, want, SL_SUFFIX_LEN);
	assert_int_equal(buf[SL_SUFFIX_LEN], '#');
}

static void assert_sig(const char *seed, const char *ip, const char *port,
		       const char *want)
{
	char buf[SL_SIG_LEN + 1];

	memset(buf, '#', sizeof(buf));
	sl_totag_signature(seed, ip, port, buf);
	assert_memory_equal(buf, want, SL_SIG_LEN);
	assert_int_equal(buf[SL_SIG_LEN], '#');
}

static void sig_differs(const char *seed, const char *ip, const char *port,
			const char *other)
{
	char buf[SL_SIG_LEN];

	sl_totag_signature(seed, ip, port, buf);
	assert_memory_not_equal(buf, other, SL_SIG_LEN);
}

static void test_crc_check_value(void **state)
{
	(void)state;
	assert_int_equal(sl_crc16_x25("123456789", 9), 0x906e);
	/* init 0xffff, xorout 0xffff: nothing hashes to 0 */
	assert_int_equal(sl_crc16_x25("", 0), 0x0000);
	assert_int_not_equal(sl_crc16_x25("123456788", 9), 0x906e);
}

static void test_crc_matches_suffix_halves(void **state)
{
	const char a[] = "127.0.0.140000z9hG4bK-t2-1";
	const char b[] = "40000127.0.0.1cid-t2-1@test";

	(void)state;
	/* spec 1.4: 0xDD38 -> "83dd", 0x3EA7 -> "7ae3" */
	assert_int_equal(sl_crc16_x25(a, sizeof(a) - 1), 0xdd38);
	assert_int_equal(sl_crc16_x25(b, sizeof(b) - 1), 0x3ea7);
}

/* The sliced CRC (8 bytes per step, then byte-wise) against a bit-wise
 * CRC-16/X-25 at every length 0..80 and every misalignment. */
static void test_crc_sliced_vs_bitwise(void **state)
{
	char buf[96];
	size_t off, len, i;

	(void)state;
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 37 + 11);
	for (off = 0; off < 8; off++)
		for (len = 0; len <= 80; len++) {
			__u16 c = 0xffff;

			for (i = 0; i < len; i++) {
				c ^= (__u8)buf[off + i];
				for (int b = 0; b < 8; b++)
					c = c & 1 ? (c >> 1) ^ 0x8408 : c >> 1;
			}
			assert_int_equal(sl_crc16_x25(buf + off, len), (__u16)~c);
		}
}

/* Byte-at-a-time CRC-16/X-25 state update, bit by bit: no table. */
static __u16 crc_bitwise(__u16 c, const __u8 *p, size_t len)
{
	size_t i;
	int b;

	for (i = 0; i < len; i++) {
		c ^= p[i];
		for (b = 0; b < 8; b++)
			c = c & 1 ? (c >> 1) ^ 0x8408 : c >> 1;
	}
	return c;
}

static __u64 xorshift64(__u64 *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* A little-endian word of the scratch buffer at a masked index, as the
 * XDP program's sw() reads it (bpf/net/payload.h). */
static __u64 scratch_word(const __u8 *buf, __u32 off)
{
	const __u8 *p = buf + (off & (SL_SCRATCH_LEN - 1));
	__u64 w = 0;
	int j;

	for (j = 0; j < 8; j++)
		w |= (__u64)p[j] << (8 * j);
	return w;
}

/* [s, e) of the scratch buffer as bpf/sip/totag.h crc_update() and
 * sl_crc16_span() take it: the first 1..8 bytes from the word at s
 * (sl_crc16_head(); the bytes after them in the word are not the
 * piece's, and may be past the payload), then whole words. */
static __u16 crc_like_xdp(const __u8 *buf, __u16 state, __u32 s, __u32 e)
{
	__u32 z, i;

	if (e <= s)
		return state;
	z = (0 - (e - s)) & 7;
	state = sl_crc16_head(state, scratch_word(buf, s), z);
	for (i = s + 8 - z; i < e; i += 8)
		state = sl_crc16_step8(state, scratch_word(buf, i));
	return state;
}

/* The same for two states at once as crc_update2() takes them: each
 * word's bytes apart (sl_crc16_word()), each state's part added
 * (sl_crc16_carry()). */
static void crc2_like_xdp(const __u8 *buf, __u16 *a, __u16 *b, __u32 s,
			  __u32 e)
{
	__u32 z, i;
	__u16 d;

	if (e <= s)
		return;
	z = (0 - (e - s)) & 7;
	d = sl_crc16_word(scratch_word(buf, s) << (8 * z));
	*a = d ^ sl_crc16_carry(*a, z);
	*b = d ^ sl_crc16_carry(*b, z);
	for (i = s + 8 - z; i < e; i += 8) {
		d = sl_crc16_word(scratch_word(buf, i));
		*a = d ^ sl_crc16_carry(*a, 0);
		*b = d ^ sl_crc16_carry(*b, 0);
	}
}

/* The XDP program's step functions (include/sl_crc16.h), one state and
 * two, against a bit-wise and a byte-wise table CRC: random bytes, random lengths
 * 0..1500 anywhere in the scratch buffer (its first and last bytes
 * too), from random states. */
static void test_crc_xdp_steps_vs_bytewise(void **state)
{
	static __u8 buf[SL_SCRATCH_LEN + SL_SCRATCH_PAD];
	__u64 rnd = 0x9e3779b97f4a7c15ULL;
	__u32 s, len, i;
	__u16 st, st2, want, want2, bytewise, a, b;
	int n;

	(void)state;
	for (n = 0; n < 20000; n++) {
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = (__u8)xorshift64(&rnd);
		len = (__u32)(xorshift64(&rnd) % 1501);
		s = (__u32)(xorshift64(&rnd) % (SL_SCRATCH_LEN - len + 1));
		if (n % 4 == 0)
			s = n % 8 ? s % 9 : SL_SCRATCH_LEN - len - s % 9;
		st = n % 3 ? (__u16)xorshift64(&rnd) : SL_CRC16_INIT;
		want = crc_bitwise(st, buf + s, len);
		bytewise = st;
		for (i = 0; i < len; i++)
			bytewise = sl_crc16_step(bytewise, buf[s + i]);
		assert_int_equal(bytewise, want);
		if (crc_like_xdp(buf, st, s, s + len) != want)
			fail_msg("start %u, length %u, state 0x%04x: 0x%04x, not 0x%04x",
				 s, len, st, crc_like_xdp(buf, st, s, s + len),
				 want);
		st2 = (__u16)xorshift64(&rnd);
		want2 = crc_bitwise(st2, buf + s, len);
		a = st;
		b = st2;
		crc2_like_xdp(buf, &a, &b, s, s + len);
		if (a != want || b != want2)
			fail_msg("two states, start %u, length %u: 0x%04x 0x%04x, not 0x%04x 0x%04x",
				 s, len, a, b, want, want2);
	}
}

static void test_nib4(void **state)
{
	char buf[4];

	(void)state;
	sl_crc16_nib4(0xdd38, buf);
	assert_memory_equal(buf, "83dd", 4);
	sl_crc16_nib4(0x3ea7, buf);
	assert_memory_equal(buf, "7ae3", 4);
	/* Kamailio pads the high nibbles with '0' */
	sl_crc16_nib4(0x0010, buf);
	assert_memory_equal(buf, "0100", 4);

	assert_suffix_hex(0xdd383ea7, "83dd7ae3");
	assert_suffix_hex(0x00000000, "00000000");
	assert_suffix_hex(0x0001f000, "1000000f");
}

static void test_signature_vectors(void **state)
{
	(void)state;
	assert_sig(SEED, "127.0.0.1", "5070", SIG_5070);
	assert_sig(SEED, "127.0.0.1", "5071", SIG_5071);
}

/* The configuration's sig_token: a byte that ends a token value (SP
 * and below, ';', ',', '"') anywhere in the signature clears it. */
static void test_sig_is_token(void **state)
{
	static const char ends[] = { ' ', '\t', '\0', '\r', '\n', ';', ',', '"' };
	static const char fine[] = { '.', '=', '<', '>', 'A', '!', 0x7f,
				     (char)0x80, (char)0xff };
	static const int at[] = { 0, 17, SL_SIG_LEN - 1 };
	char sig[SL_SIG_LEN];
	size_t i, j;

	(void)state;
	sl_totag_signature(SEED, "127.0.0.1", "5070", sig);
	assert_int_equal(sl_totag_sig_is_token(sig), 1);
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		for (j = 0; j < sizeof(ends); j++) {
			memcpy(sig, SIG_5070, SL_SIG_LEN);
			sig[at[i]] = ends[j];
			assert_int_equal(sl_totag_sig_is_token(sig), 0);
		}
		for (j = 0; j < sizeof(fine); j++) {
			memcpy(sig, SIG_5070, SL_SIG_LEN);
			sig[at[i]] = fine[j];
			assert_int_equal(sl_totag_sig_is_token(sig), 1);
		}
	}
}

static void test_signature_trimming(void **state)
{
	(void)state;
	/* leading SP/HT, trailing SP/HT/CR/LF are not hashed */
	assert_sig(" \t" SEED " \t\r\n", "\t 127.0.0.1\r\n", " 5070 \n", SIG_5070);
	assert_sig(SEED, "127.0.0.1", "\t\t5071\r", SIG_5071);
	/* a NUL ends the C string: the trailing-NUL rule comes for free */
	assert_sig(SEED "\0junk", "127.0.0.1", "5070", SIG_5070);
	/* an empty piece hashes like the pieces joined without it */
	assert_sig(SEED "127.0.0.1", "", "5070", SIG_5070);
	assert_sig(SEED "127.0.0.1", NULL, "5070", SIG_5070);

	/* inner blanks are kept; CR/LF are trimmed only at the end */
	sig_differs("KAMAILIO- stateless", "127.0.0.1", "5070", SIG_5070);
	sig_differs(SEED, "\r127.0.0.1", "5070", SIG_5070);
	sig_differs(SEED, "127.0.0.1", "5070.", SIG_5070);
}

struct tag_vector {
	const char *what;
	struct sl_str host, port, branch, callid;
	const char *suffix;
};

static const struct tag_vector vectors[] = {
	{ "7(a) OPTIONS",
	  S("127.0.0.1"), S("40000"), S("z9hG4bK-t2-1"), S("cid-t2-1@test"),
	  "83dd7ae3" },
	{ "7(b) INVITE, rport",
	  S("10.0.0.5"), S("5062"), S("z9hG4bK-inv-0001"),
	  S("inv-callid-0001@10.0.0.5"), "ef6c50a2" },
	{ "7(b) ACK with a new branch: CRC-A changes, CRC-B does not",
	  S("10.0.0.5"), S("5062"), S("z9hG4bK-ack-2xx-9"),
	  S("inv-callid-0001@10.0.0.5"), "ef5050a2" },
	{ "7 compact 180",
	  S("127.0.0.1"), S("40000"), S("z9hG4bK-compact-1"),
	  S("compact-cid@test"), "98721ebf" },
	{ "1.4 no port, any branch",
	  S("127.0.0.1"), ABSENT, S("z9hG4bK-t2-1"), S("cid-t2-1@test"),
	  "78550000" },
	{ "1.4 no port, other branch and Call-ID",
	  S("127.0.0.1"), ABSENT, S("z9hG4bK-something-else"), S("x@y"),
	  "78550000" },
	{ "1.4 no port, no branch",
	  S("127.0.0.1"), ABSENT, ABSENT, S("cid-t2-1@test"), "78550000" },
};

static void test_tag_vectors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct tag_vector *v = &vectors[i];
		__u32 suffix;

		print_message("  %s\n", v->what);
		suffix = sl_totag_suffix(v->host, v->port, v->branch, v->callid);
		assert_suffix_hex(suffix, v->suffix);
	}
}

static void test_build(void **state)
{
	static const char want_a[] = SIG_5070 ".83dd7ae3";
	static const char want_b[] = SIG_5070 ".ef6c50a2";
	char sig[SL_SIG_LEN];
	char tag[SL_TOTAG_LEN + 1];
	__u32 suffix;

	(void)state;
	assert_int_equal(sizeof(want_a) - 1, SL_TOTAG_LEN);
	sl_totag_signature(SEED, "127.0.0.1", "5070", sig);

	memset(tag, '#', sizeof(tag));
	suffix = sl_totag_suffix(S("127.0.0.1"), S("40000"), S("z9hG4bK-t2-1"),
				 S("cid-t2-1@test"));
	assert_int_equal(suffix, 0xdd383ea7);
	sl_totag_build(sig, suffix, tag);
	assert_memory_equal(tag, want_a, SL_TOTAG_LEN);
	assert_int_equal(tag[SL_TOTAG_LEN], '#');

	suffix = sl_totag_suffix(S("10.0.0.5"), S("5062"), S("z9hG4bK-inv-0001"),
				 S("inv-callid-0001@10.0.0.5"));
	sl_totag_build(sig, suffix, tag);
	assert_memory_equal(tag, want_b, SL_TOTAG_LEN);
}

/* The parser hands out pointers into the datagram: lengths, not NULs,
 * delimit the pieces. */
static void test_pieces_in_place(void **state)
{
	static const char via[] = "SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK-t2-1\r\n"
				  "Call-ID: cid-t2-1@test\r\n";
	const char *host = strstr(via, "127.");
	const char *port = strstr(via, "40000");
	const char *branch = strstr(via, "z9hG4bK");
	const char *cid = strstr(via, "cid-");
	__u32 suffix;

	(void)state;
	suffix = sl_totag_suffix((struct sl_str){ host, 9 },
				 (struct sl_str){ port, 5 },
				 (struct sl_str){ branch, 12 },
				 (struct sl_str){ cid, 13 });
	assert_suffix_hex(suffix, "83dd7ae3");
}

static void test_absent_rules(void **state)
{
	static const char hp[] = "10.0.0.55062";
	static const char ph[] = "506210.0.0.5";
	__u32 suffix, full;

	(void)state;
	full = sl_totag_suffix(S("10.0.0.5"), S("5062"), S("z9hG4bK-inv-0001"),
			       S("inv-callid-0001@10.0.0.5"));

	/* no branch: CRC-A over host+port, CRC-B untouched */
	suffix = sl_totag_suffix(S("10.0.0.5"), S("5062"), ABSENT,
				 S("inv-callid-0001@10.0.0.5"));
	assert_int_equal(suffix >> 16, sl_crc16_x25(hp, sizeof(hp) - 1));
	assert_int_equal(suffix & 0xffff, full & 0xffff);
	assert_int_not_equal(suffix >> 16, full >> 16);

	/* no Call-ID: CRC-B over port+host */
	suffix = sl_totag_suffix(S("10.0.0.5"), S("5062"), S("z9hG4bK-inv-0001"),
				 ABSENT);
	assert_int_equal(suffix >> 16, full >> 16);
	assert_int_equal(suffix & 0xffff, sl_crc16_x25(ph, sizeof(ph) - 1));

	/* no port: CRC-A over the host only (branch ignored), CRC-B = 0 */
	suffix = sl_totag_suffix(S("10.0.0.5"), ABSENT, S("z9hG4bK-inv-0001"),
				 S("inv-callid-0001@10.0.0.5"));
	assert_int_equal(suffix, (__u32)sl_crc16_x25("10.0.0.5", 8) << 16);

	/* an empty but present port does not cut the lists */
	suffix = sl_totag_suffix(S("10.0.0.5"), S(""), S("z9hG4bK-inv-0001"),
				 S("inv-callid-0001@10.0.0.5"));
	assert_int_equal(suffix >> 16,
			 sl_crc16_x25("10.0.0.5z9hG4bK-inv-0001", 24));
	assert_int_equal(suffix & 0xffff,
			 sl_crc16_x25("10.0.0.5inv-callid-0001@10.0.0.5", 32));

	/* no host: CRC-A = 0, CRC-B over the port only */
	suffix = sl_totag_suffix(ABSENT, S("5062"), S("z9hG4bK-inv-0001"),
				 S("inv-callid-0001@10.0.0.5"));
	assert_int_equal(suffix, sl_crc16_x25("5062", 4));
}

/* Header text is hashed raw: a trailing blank on Call-ID matters. */
static void test_no_trimming_in_suffix(void **state)
{
	__u32 a, b;

	(void)state;
	a = sl_totag_suffix(S("127.0.0.1"), S("40000"), S("z9hG4bK-t2-1"),
			    S("cid-t2-1@test"));
	b = sl_totag_suffix(S("127.0.0.1"), S("40000"), S("z9hG4bK-t2-1"),
			    S("cid-t2-1@test "));
	assert_int_equal(a >> 16, b >> 16);
	assert_int_not_equal(a & 0xffff, b & 0xffff);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc_check_value),
		cmocka_unit_test(test_crc_matches_suffix_halves),
		cmocka_unit_test(test_crc_sliced_vs_bitwise),
		cmocka_unit_test(test_crc_xdp_steps_vs_bytewise),
		cmocka_unit_test(test_nib4),
		cmocka_unit_test(test_signature_vectors),
		cmocka_unit_test(test_signature_trimming),
		cmocka_unit_test(test_sig_is_token),
		cmocka_unit_test(test_tag_vectors),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_pieces_in_place),
		cmocka_unit_test(test_absent_rules),
		cmocka_unit_test(test_no_trimming_in_suffix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
