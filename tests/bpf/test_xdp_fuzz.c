// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The XDP program under random and mutated frames (bpf_prog_test_run_opts):
 * every corpus message (RFC 4475, RFC 3261; the corpus is required and its
 * size pinned: without it test_corpus_messages fails) and a few built-in ones in
 * valid frames, mutated byte-wise, truncated at every length (payload cut
 * with consistent headers, and the frame itself cut), inside random
 * Ethernet / VLAN / IPv4 / IPv6 / UDP headers, and plain random bytes.
 *
 * Every run is checked against a model of the frame computed here, not by
 * the program (what the README and sl_xdp_shared.h promise):
 *  - the test run succeeds, the verdict is XDP_PASS or XDP_DROP (never
 *    XDP_ABORTED, XDP_TX; no AF_XDP socket is bound, so a redirect shows
 *    as XDP_PASS with redirect_fallback), and the frame comes out
 *    unchanged, behind the responder's metadata only when redirected;
 *  - the counters add up, per frame: packets = passed_not_sip + sip_udp,
 *    sip_udp = passed_not_ours + udp_len_mismatch + parse_failures +
 *    sip_responses + sip_requests, sip_requests
 *    = acks_absorbed + dropped_by_rule + rate_limited + redirected +
 *    redirect_fallback + passed_by_rule, acks_passed >= acks_bad_tag +
 *    acks_no_entry + acks_expired, ACK counters only for an ACK, XDP_DROP
 *    exactly when acks_absorbed, dropped_by_rule or rate_limited counts;
 *  - the frame model (Ethernet, two VLAN tags, IPv4 without fragments,
 *    IPv6 with up to four hop-by-hop / routing / destination headers,
 *    UDP within the frame) says "not SIP" exactly when passed_not_sip
 *    counts, a frame not for this host (destination MAC and address
 *    the fixture's) exactly when passed_not_ours counts (the random
 *    headers are for it most of the time), a UDP length other than the
 *    IP payload's exactly when udp_len_mismatch counts, a response
 *    exactly when sip_responses counts, a request
 *    only for a first line "METHOD SP ... SIP/", truncated exactly for
 *    payloads over SL_SCRATCH_LEN;
 *  - never redirected (answered) unless it is a request and not an ACK;
 *  - XDP_DROP only when (a) a drop rule matched, checked against what
 *    the rule needs (method, source, User-Agent, R-URI user), or (b) an
 *    ACK was absorbed: it must carry signature '.' suffix of a live
 *    reply-window entry, and when user/sip/sip_msg.c finds its top Via, To
 *    and Call-ID well-formed, the suffix recomputed here from them (with
 *    user/sip/totag.c) must be that entry's.  An absorbed ACK whose headers
 *    user/sip/sip_msg.c rejects, and a well-formed one the program passes,
 *    are counted and shown, not failed: Kamailio drops a message whose
 *    top Via or To does not parse, and the data plane may be more
 *    careful than needed (a tag cut by a NUL, a line without its LF).
 *
 * Phases: A  default_action reply, no rules, no window entries: nothing
 * is ever dropped, every request but an ACK is redirected.  B  default
 * pass, window entries for half of a set of generated ACKs (each in a
 * slot of its own): those are absorbed, the others count acks_no_entry,
 * and mutations only as (b) allows.  C  drop and reply rules, default
 * pass.  About 150 000 frames, two seconds.
 *
 * Seeds: the fixed part uses SL_XDP_FUZZ_SEED (default below), the last
 * test SL_XDP_FUZZ_FRESH frames (default 6000) with a fresh seed; both
 * are printed and a failure names the variable that replays it
 * (SL_XDP_FUZZ_SEED=0x... or SL_XDP_FUZZ_FRESH_SEED=0x...).  Counts:
 * SL_XDP_FUZZ_MUTATIONS, _HEADERS, _ACKS, _RULES.  Every failing frame
 * is printed in hex, its UDP payload as a C string.  SL_XDP_FUZZ_DIGEST=1
 * adds a digest of every frame and its verdict to each summary: with
 * fixed seeds, two builds of the program that decide alike print the
 * same log; SL_XDP_FUZZ_DIGEST=trace also a line per frame (which one
 * differs).
 */
#define _GNU_SOURCE	/* memmem */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <cmocka.h>

#include "corpus_files.h"
#include "fixture_env.h"
#include "frame.h"
#include "sip/rule_match.h"
#include "sip/rule_view.h"
#include "sip/sip_msg.h"
#include "sip/totag.h"

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define DEFAULT_SEED		0x5115eed0f0f0ull
#define MAX_MSGS		96
#define MAX_MSG_LEN		4096
#define MAX_FAILURES		8	/* printed per test before giving up */
#define N_ACKS			24	/* phase B; half get a window entry */

/* ------------------------------------------------------------------ */
/* random numbers: splitmix64, reproducible from the printed seed */

static __u64 rng_state;

static __u64 rnd(void)
{
	__u64 z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static __u32 rnd_below(__u32 n)
{
	return n ? (__u32)(rnd() % n) : 0;
}

static bool chance(__u32 one_in)
{
	return rnd_below(one_in) == 0;
}

static __u64 fixed_seed(void)
{
	const char *s = getenv("SL_XDP_FUZZ_SEED");

	return s && *s ? strtoull(s, NULL, 0) : DEFAULT_SEED;
}

static __u64 fresh_seed(void)
{
	const char *env = getenv("SL_XDP_FUZZ_FRESH_SEED");
	__u64 s;

	if (env && *env)
		return strtoull(env, NULL, 0);
	if (getrandom(&s, sizeof(s), 0) != sizeof(s))
		s = (__u64)time(NULL) ^ ((__u64)getpid() << 32);
	return s;
}

static unsigned long env_count(const char *name, unsigned long def)
{
	const char *s = getenv(name);

	return s && *s ? strtoul(s, NULL, 0) : def;
}

/* snprintf that may cut (names, paths): no -Wformat-truncation */
__attribute__((format(printf, 3, 4)))
static void fmt(char *buf, size_t cap, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(buf, cap, f, ap);
	va_end(ap);
}

/* ------------------------------------------------------------------ */
/* messages: the corpus, if found, and built-in ones */

struct msg {
	char name[96];
	__u8 data[MAX_MSG_LEN];
	size_t len;
};

static struct msg msgs[MAX_MSGS];
static unsigned int n_msgs;
static char corpus_dir[PATH_MAX];
static bool corpus_found;

/* The shared corpus, pinned: every file is loaded (none too long), so a
 * corpus that is missing, moved or shrunk fails test_corpus_messages
 * instead of leaving the built-in messages alone to be fuzzed. */
#define CORPUS_RFC4475_DAT	50
#define CORPUS_RFC3261_SIP	17

static const char *const builtin[] = {
	"OPTIONS sip:ping@198.18.0.1 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 198.18.0.2:5062;branch=z9hG4bK-b1;rport\r\n"
	"Max-Forwards: 70\r\n"
	"From: <sip:mon@198.18.0.2>;tag=b1\r\n"
	"To: <sip:ping@198.18.0.1>\r\n"
	"Call-ID: b1@198.18.0.2\r\n"
	"CSeq: 1 OPTIONS\r\n"
	"User-Agent: friendly-scanner\r\n"
	"Content-Length: 0\r\n\r\n",
	"REGISTER sip:198.18.0.1 SIP/2.0\n"
	"v: SIP/2.0/UDP 198.18.0.2:5062;branch=z9hG4bK-b2\n"
	"f: <sip:6666@198.18.0.1>;tag=b2\n"
	"t: <sip:6666@198.18.0.1>\n"
	"i: b2\n"
	"CSeq: 7 REGISTER\n"
	"l: 0\n\n",
	"INVITE sip:66661234@198.18.0.1 SIP/2.0\r\n"
	"Via : SIP/2.0/UDP [2001:2::2]:5062 ;branch=z9hG4bK-b3\r\n"
	"From: \"A\" <sip:a@198.18.0.2>;tag=b3\r\n"
	"To: <sip:66661234@198.18.0.1>\r\n"
	"Call-ID: b3\r\n"
	"CSeq: 1 INVITE\r\n"
	"user-agent: SIPVicious\r\n"
	"Content-Length: 0\r\n\r\n",
	"SIP/2.0 200 OK\r\n"
	"Via: SIP/2.0/UDP 198.18.0.1;branch=z9hG4bK-b4\r\n"
	"From: <sip:a@198.18.0.1>;tag=b4\r\n"
	"To: <sip:b@198.18.0.2>;tag=x\r\n"
	"Call-ID: b4\r\n"
	"CSeq: 1 OPTIONS\r\n\r\n",
	"ACK sip:bob@198.18.0.1 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 198.18.0.2:5062;branch=z9hG4bK-b5\r\n"
	"From: <sip:a@198.18.0.2>;tag=b5\r\n"
	"To: <sip:bob@198.18.0.1>;tag=" FX_SIG ".00000000\r\n"
	"Call-ID: b5\r\n"
	"CSeq: 1 ACK\r\n\r\n",
	/* CR/LF keep-alives in front: read after them */
	"\r\n\r\nREGISTER sip:198.18.0.1 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 198.18.0.2:5062;branch=z9hG4bK-b6\r\n"
	"From: <sip:6666@198.18.0.1>;tag=b6\r\n"
	"To: <sip:6666@198.18.0.1>\r\n"
	"Call-ID: b6\r\nCSeq: 1 REGISTER\r\n"
	"User-Agent: friendly-scanner\r\nContent-Length: 0\r\n\r\n",
	/* From / To shapes: quoted display name with escapes, an IPv6 host,
	 * tel: URIs, addr-spec forms, compact names, a folded value */
	"MESSAGE sip:+4930123@198.18.0.1 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP [2001:2::2]:5062;branch=z9hG4bK-b7\r\n"
	"From: \"Al\\\"ice <x> \\\\\" <sip:+4930123@[2001:2::5]:5060;user=phone>;tag=b7\r\n"
	"To: tel:+4930555;phone-context=example.com\r\n"
	"Call-ID: b7\r\nCSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n",
	"SUBSCRIBE sips:bob@Example.COM SIP/2.0\n"
	"v: SIP/2.0/UDP 198.18.0.2:5062;branch=z9hG4bK-b8\n"
	"f: sip:100@Example.COM;tag=b8\n"
	"t: Bob\n <sips:bob@Example.COM:5061>\n"
	"i: b8\nCSeq: 1 SUBSCRIBE\nEvent: presence\nl: 0\n\n",
	"INFO sip:6666@198.18.0.1 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 198.18.0.2:5062;branch=z9hG4bK-b9\r\n"
	"From   :   sipvicious <sip:6666@198.18.0.2>;tag=b9\r\n"
	"To: <tel:+49301234>\r\n"
	"User-Agent: VaxSIPUserAgent/3.1\r\n"
	"Call-ID: b9\r\nCSeq: 1 INFO\r\nContent-Length: 0\r\n\r\n",
};

/* Messages longer than the window, made at start (long_msg()): a
 * User-Agent after byte 2048, one running past it, a Request-URI
 * running past it. */
#define N_LONG_MSGS	3

static void add_msg(const char *name, const void *data, size_t len)
{
	struct msg *m;

	if (n_msgs >= MAX_MSGS || len > MAX_MSG_LEN || !len)
		return;
	m = &msgs[n_msgs++];
	fmt(m->name, sizeof(m->name), "%s", name);
	memcpy(m->data, data, len);
	m->len = len;
}

/* Long message k of N_LONG_MSGS into buf; its length. */
static size_t long_msg(unsigned int k, char *buf, size_t cap)
{
	char pad[2200];
	int n;

	memset(pad, 'p', sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	switch (k) {
	case 0:		/* the User-Agent after the window */
		n = snprintf(buf, cap,
			     "INVITE sip:bob@198.18.0.1 SIP/2.0\r\n"
			     "Via: SIP/2.0/UDP 198.18.0.2:5062;branch=z9hG4bK-l0\r\n"
			     "From: <sip:6666@198.18.0.2>;tag=l0\r\nTo: <sip:bob@198.18.0.1>\r\n"
			     "Call-ID: l0\r\nCSeq: 1 INVITE\r\nX-Pad: %s\r\n"
			     "User-Agent: friendly-scanner\r\nContent-Length: 0\r\n\r\n",
			     pad);
		break;
	case 1:		/* a User-Agent running past the window */
		n = snprintf(buf, cap,
			     "OPTIONS sip:bob@198.18.0.1 SIP/2.0\r\n"
			     "Via: SIP/2.0/UDP 198.18.0.2:5062;branch=z9hG4bK-l1\r\n"
			     "From: <sip:alice@198.18.0.2>;tag=l1\r\nTo: <sip:bob@198.18.0.1>\r\n"
			     "Call-ID: l1\r\nCSeq: 1 OPTIONS\r\n"
			     "User-Agent: %s friendly-scanner\r\nContent-Length: 0\r\n\r\n",
			     pad);
		break;
	default:	/* a Request-URI running past the window */
		n = snprintf(buf, cap,
			     "REGISTER sip:%s@198.18.0.1 SIP/2.0\r\n"
			     "Via: SIP/2.0/UDP 198.18.0.2:5062;branch=z9hG4bK-l2\r\n"
			     "From: <sip:6666@198.18.0.2>;tag=l2\r\nTo: <sip:6666@198.18.0.1>\r\n"
			     "Call-ID: l2\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n",
			     pad);
		break;
	}
	if (n <= 0 || (size_t)n >= cap)
		fail_msg("long message %u does not fit", k);
	return (size_t)n;
}

/* The corpus root, by tests/lib/corpus_files.h's search. */
static bool locate_corpus(void)
{
	if (!find_corpus())
		return false;
	fmt(corpus_dir, sizeof(corpus_dir), "%s", corpus);
	return true;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_dir(const char *sub, const char *ext)
{
	char *names[MAX_MSGS], path[PATH_MAX], name[96];
	static __u8 buf[MAX_MSG_LEN + 1];
	struct dirent *de;
	unsigned int n = 0, i;
	size_t el = strlen(ext), nl, len;
	FILE *f;
	DIR *d;

	fmt(path, sizeof(path), "%s/%s", corpus_dir, sub);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d)) && n < MAX_MSGS) {
		nl = strlen(de->d_name);
		if (nl > el && !strcmp(de->d_name + nl - el, ext))
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (i = 0; i < n; i++) {
		if (!names[i])
			continue;
		fmt(path, sizeof(path), "%s/%s/%s", corpus_dir, sub,
			 names[i]);
		f = fopen(path, "rb");
		if (f) {
			len = fread(buf, 1, sizeof(buf), f);
			fclose(f);
			if (len && len <= MAX_MSG_LEN) {
				fmt(name, sizeof(name), "%s/%.60s", sub,
					 names[i]);
				add_msg(name, buf, len);
			}
		}
		free(names[i]);
	}
}

static void load_messages(void)
{
	unsigned int i;

	n_msgs = 0;
	for (i = 0; i < ARRAY_SIZE(builtin); i++) {
		char name[32];

		fmt(name, sizeof(name), "builtin/%u", i);
		add_msg(name, builtin[i], strlen(builtin[i]));
	}
	for (i = 0; i < N_LONG_MSGS; i++) {
		static char text[MAX_MSG_LEN];
		char name[32];
		size_t n = long_msg(i, text, sizeof(text));

		fmt(name, sizeof(name), "long/%u", i);
		add_msg(name, text, n);
	}
	corpus_found = locate_corpus();
	if (corpus_found) {
		load_dir("rfc4475", ".dat");
		load_dir("rfc3261", ".sip");
		printf("corpus: %s, %u messages with the built-in ones\n",
		       corpus_dir, n_msgs);
	} else {
		printf("corpus: not found (set SL_CORPUS_DIR); %u built-in messages only\n",
		       n_msgs);
	}
}

/* ------------------------------------------------------------------ */
/* the frame model */

enum mkind { MK_OTHER, MK_MALFORMED, MK_UDP, MK_SRC_ONLY, MK_UDP_LEN };

struct model {
	enum mkind kind;
	__u8 family;
	__u8 src[16];
	__u16 dport;		/* 0 when the UDP header is cut */
	bool unanswerable;	/* 3+ VLAN tags, 5+ extension headers, a fragment */
	bool more;		/* a first fragment: the datagram goes on */
	bool local;		/* to this host's MAC and address */
	size_t payload_off;
	size_t payload_len;
};

static __u16 get16(const __u8 *p)
{
	return (__u16)(p[0] << 8 | p[1]);
}

/* The UDP header at udp of a frame of len bytes (lin of them linear),
 * behind l4_len bytes of IP payload by the IP header: a whole datagram
 * (its UDP length must be l4_len), or with more the first fragment of
 * one. */
static void model_udp(const __u8 *f, size_t len, size_t lin, size_t udp,
		      __u32 l4_len, bool more, struct model *m)
{
	size_t avail, ulen;

	m->kind = MK_MALFORMED;
	if (udp + 8 > lin)
		return;
	m->dport = get16(f + udp + 2);
	ulen = get16(f + udp + 4);
	m->payload_off = udp + 8;
	if (len < m->payload_off || ulen < 8)
		return;
	if (!more && ulen != l4_len) {
		m->kind = MK_UDP_LEN;
		return;
	}
	avail = len - m->payload_off;
	if (more) {
		if (l4_len < 8)
			return;
		if (avail > (size_t)l4_len - 8)
			avail = (size_t)l4_len - 8;
		m->payload_len = ulen - 8 < avail ? ulen - 8 : avail;
	} else {
		if (ulen - 8 > avail)
			return;
		m->payload_len = ulen - 8;
	}
	m->kind = MK_UDP;
}

static bool ext6(__u8 nh)
{
	return nh == 0 || nh == 43 || nh == 60 || nh == 44;
}

/*
 * What the README says the data plane reads: Ethernet, up to 8 VLAN
 * tags (more than 2: not answerable), IPv4 without a later fragment,
 * IPv6 with up to 8 hop-by-hop / routing / destination / fragment
 * headers (more than 4, or a fragment header: not answerable; a longer
 * chain: the source only), the first fragment of a datagram with the
 * payload it carries, UDP within the frame.  Headers must be in the
 * linear part of the frame (what bpf_prog_test_run keeps linear: the
 * program reads them directly); the payload may reach into the rest.
 */
static void model_frame(const __u8 *f, size_t len, struct model *m)
{
	size_t lin = len < FX_LINEAR_MAX ? len : FX_LINEAR_MAX;
	size_t off = 14, udp, ihl;
	__u16 proto, frag;
	__u8 nh;
	int i;

	static const __u8 mac[6] = FRAME_MAC_DST;
	bool mac_ours;

	memset(m, 0, sizeof(*m));
	m->kind = MK_OTHER;
	if (lin < 14)
		return;
	mac_ours = !memcmp(f, mac, 6);
	proto = get16(f + 12);
	for (i = 0; i < 8; i++) {
		if (proto != FRAME_TPID_8021Q && proto != FRAME_TPID_8021AD)
			break;
		if (off + 4 > lin)
			return;
		proto = get16(f + off + 2);
		off += 4;
		if (i >= 2)
			m->unanswerable = true;
	}
	if (proto == 0x0800) {
		if (off + 20 > lin)
			return;
		ihl = (size_t)(f[off] & 15) * 4;
		if (f[off] >> 4 != 4 || ihl < 20)
			return;
		frag = get16(f + off + 6);
		if (frag & FRAME_IP_OFFSET)
			return;
		if (f[off + 9] != 17 || off + ihl > lin)
			return;
		if (get16(f + off + 2) < ihl) {
			m->kind = MK_MALFORMED;
			return;
		}
		m->family = 4;
		memcpy(m->src, f + off + 12, 4);
		m->local = mac_ours && get16(f + off + 16) == FRAME_V4_DST >> 16 &&
			   get16(f + off + 18) == (FRAME_V4_DST & 0xffff);
		udp = off + ihl;
		if (frag & FRAME_IP_MF)
			m->more = m->unanswerable = true;
		model_udp(f, len, lin, udp, get16(f + off + 2) - (__u32)ihl,
			  m->more, m);
		return;
	}
	if (proto != 0x86dd)
		return;
	if (off + 40 > lin)
		return;
	m->family = 6;
	memcpy(m->src, f + off + 8, 16);
	{
		__u8 dst[16];

		inet_pton(AF_INET6, FRAME_V6_DST, dst);
		m->local = mac_ours && !memcmp(f + off + 24, dst, 16);
	}
	nh = f[off + 6];
	udp = off + 40;
	for (i = 0; i < 8; i++) {
		if (!ext6(nh))
			break;
		if (i >= 4)
			m->unanswerable = true;
		if (nh == 44) {
			if (udp + 8 > lin)
				return;
			if (get16(f + udp + 2) & 0xfff8)
				return;		/* a later fragment */
			if (get16(f + udp + 2) & 1)
				m->more = true;
			m->unanswerable = true;
			nh = f[udp];
			udp += 8;
			continue;
		}
		if (udp + 2 > lin)
			return;
		nh = f[udp];
		udp += ((size_t)f[udp + 1] + 1) * 8;
	}
	if (ext6(nh)) {
		m->kind = MK_SRC_ONLY;
		return;
	}
	if (nh != 17)
		return;
	{
		__u32 l4 = get16(f + off + 4), ext = (__u32)(udp - (off + 40));

		/* a whole datagram: wraps to a mismatch if the extension
		 * headers claim more than the payload */
		model_udp(f, len, lin, udp,
			  m->more ? (l4 > ext ? l4 - ext : 0) : l4 - ext, m->more, m);
	}
}

static bool starts_with(const __u8 *p, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	return n >= l && !memcmp(p, lit, l);
}

/* ------------------------------------------------------------------ */
/* ACK oracle: user/sip/sip_msg.c + user/sip/totag.c on the payload */

struct wentry {
	__u32 suffix;
	bool put;		/* has a window entry */
};

static struct wentry wentries[N_ACKS];
static unsigned int n_wentries;
static struct sip_msg pm;

/* The payload carries sig '.' hex(suffix) of a live window entry:
 * whatever the parsers make of it, the ACK is for a reply we sent. */
static bool carries_live_tag(const __u8 *p, size_t n)
{
	char tag[SL_TOTAG_LEN];
	unsigned int i;

	for (i = 0; i < n_wentries; i++) {
		if (!wentries[i].put)
			continue;
		sl_totag_build(FX_SIG, wentries[i].suffix, tag);
		if (memmem(p, n, tag, SL_TOTAG_LEN))
			return true;
	}
	return false;
}

/* Headers the userspace parser takes without complaint: one To with a
 * non-empty tag, one Call-ID, a usable and well-formed top Via.  On
 * these the data plane and the responder must agree exactly. */
static bool ack_wellformed(const __u8 *p, size_t n)
{
	if (sip_msg_parse(&pm, (const char *)p, n) < 0)
		return false;
	return pm.via.usable && !pm.via.malformed && pm.via.proto_kamailio &&
	       pm.to.hdr != SIP_NO_HDR && !pm.to.malformed &&
	       !pm.to.unterminated_quote && pm.to.tag.len > 0 &&
	       pm.count[SIP_HDR_TO] == 1 && pm.count[SIP_HDR_CALLID] == 1;
}

/* The To-tag is ours for this message's top Via and Call-ID, and its
 * suffix has a window entry. */
static bool ack_absorbable(const __u8 *p, size_t n, const char *why_not[1])
{
	char want[SL_SUFFIX_LEN];
	struct sl_str tag;
	__u32 suffix;
	unsigned int i;

	*why_not = NULL;
	if (!starts_with(p, n, "ACK ")) {
		*why_not = "not an ACK";
		return false;
	}
	if (sip_msg_parse(&pm, (const char *)p, n) < 0) {
		*why_not = "does not parse";
		return false;
	}
	tag = sip_str(&pm, pm.to.tag);
	if (!tag.s || tag.len != SL_TOTAG_LEN ||
	    memcmp(tag.s, FX_SIG, SL_SIG_LEN) || tag.s[SL_SIG_LEN] != '.') {
		*why_not = "no signed To-tag";
		return false;
	}
	suffix = sl_totag_suffix(sip_str(&pm, pm.via.host),
				 sip_str(&pm, pm.via.port),
				 sip_str(&pm, pm.via.branch),
				 sip_str(&pm, pm.callid));
	sl_totag_suffix_hex(suffix, want);
	if (memcmp(tag.s + SL_SIG_LEN + 1, want, SL_SUFFIX_LEN)) {
		*why_not = "tag suffix is not the one of the top Via and Call-ID";
		return false;
	}
	for (i = 0; i < n_wentries; i++)
		if (wentries[i].put && wentries[i].suffix == suffix)
			return true;
	*why_not = "no window entry for the suffix";
	return false;
}

/* ------------------------------------------------------------------ */
/* phases, their configuration, and random rule sets (phase D) */

enum phase { PH_A, PH_B, PH_C, PH_D };

#define DROP_SRC4		0xc6120063u	/* 198.18.0.99 */

static enum phase cur_phase;
/* what the maps run with, compiled from the phase's config text: the
 * reference matcher reads the same image */
static struct sl_bank_image img;

/* The phases' config text (phase D's is made by random_rules()). */
static const char *const phase_conf[] = {
	[PH_A] = FX_SL "default_action = reply\n",
	[PH_B] = FX_SL "ack_window = 60s\n",	/* the whole run */
	[PH_C] = FX_SL
		"[rule drop-register]\nmethod = REGISTER\naction = drop\n"
		"[rule drop-src]\nsrc = 198.18.0.99/32\naction = drop\n"
		"[rule drop-ua]\nuser_agent = friendly-scanner\naction = drop\n"
		"[rule drop-ruri]\nruri_user_prefix = 6666\naction = drop\n"
		"[rule drop-from]\nfrom_user = 66*\nfrom_domain = 198.18.0.1\naction = drop\n"
		"[rule not-invite]\nmethod = !INVITE, ACK, OPTIONS\nto_user = bob\naction = drop\n"
		"[rule options]\nmethod = OPTIONS\nreply = 200 OK\n",
};

static __u64 last_hits[SL_MAX_RULES];

static void apply_conf(const char *text)
{
	if (fx_compile(&img, "%s", text) || fx_write(&img))
		fail_msg("cannot apply the config:\n%s", text);
	/* a new bank starts with its hits at zero */
	memset(last_hits, 0, sizeof(last_hits));
}

static void set_phase(enum phase ph)
{
	apply_conf(phase_conf[ph]);
	cur_phase = ph;
}

/* Values the random rules draw from: the parts of the messages as the
 * reference reads them, so that rules match a good share of them. */
#define POOL_MAX	512
struct pool {
	char v[POOL_MAX][SL_MATCH_STR_MAX + 1];
	unsigned int n;
};
static struct pool p_method, p_ruri, p_ua, p_from_user, p_from_host, p_to_user;

/* Bytes a value of this key may have in a config line: never " ;" (an
 * inline comment), '#', control bytes or what the key refuses. */
static bool value_byte_ok(__u8 c, bool uri_part)
{
	if (c < 0x21 || c > 0x7e || c == ';' || c == '#' || c == '\\')
		return false;
	return !uri_part || !strchr("@<>\",*", c);
}

static void pool_add(struct pool *pl, const __u8 *p, __u32 s, __u32 e,
		     bool uri_part)
{
	char v[SL_MATCH_STR_MAX + 1];
	__u32 i, n = 0;

	if (e == SL_VIEW_NONE || e <= s || pl->n >= POOL_MAX)
		return;
	for (i = s; i < e && n < SL_MATCH_STR_MAX; i++) {
		if (!value_byte_ok(p[i], uri_part))
			break;
		v[n++] = (char)p[i];
	}
	if (!n)
		return;
	v[n] = '\0';
	for (i = 0; i < pl->n; i++)
		if (!strcmp(pl->v[i], v))
			return;
	memcpy(pl->v[pl->n++], v, n + 1);
}

static void pools_fill(void)
{
	static const __u8 src[16] = { 198, 18, 0, 2 };
	struct sl_rule_view v;
	unsigned int i;

	for (i = 0; i < n_msgs; i++) {
		if (sl_rule_view_read(&v, msgs[i].data, msgs[i].len, false, 4,
				      src, 5060))
			continue;
		pool_add(&p_method, v.w, 0, v.method_len, false);
		pool_add(&p_ruri, v.w, v.ruri_user.s, v.ruri_user.e, true);
		pool_add(&p_ua, v.w, v.ua.s, v.ua.e, false);
		pool_add(&p_from_user, v.w, v.from_user.s, v.from_user.e, true);
		pool_add(&p_from_host, v.w, v.from_host.s, v.from_host.e, true);
		pool_add(&p_to_user, v.w, v.to_user.s, v.to_user.e, true);
	}
}

/* A piece of a pool value: the start (prefix) or, for substrings, any
 * run of it; sometimes a random token instead. */
static const char *pick(const struct pool *pl, bool substring)
{
	static char out[SL_MATCH_STR_MAX + 1];
	const char *v;
	size_t len, s = 0, n;

	if (!pl->n || chance(8)) {
		n = 1 + rnd_below(6);
		for (len = 0; len < n; len++)
			out[len] = "aZ09-._x"[rnd_below(8)];
		out[n] = '\0';
		return out;
	}
	v = pl->v[rnd_below(pl->n)];
	len = strlen(v);
	if (substring && len > 1)
		s = rnd_below((__u32)len);
	n = chance(2) ? len - s : 1 + rnd_below((__u32)(len - s));
	memcpy(out, v + s, n);
	out[n] = '\0';
	return out;
}

static const char *const methods_extra[] = {
	"INVITE", "ACK", "BYE", "CANCEL", "REGISTER", "OPTIONS", "PRACK",
	"SUBSCRIBE", "NOTIFY", "UPDATE", "MESSAGE", "REFER", "PUBLISH",
	"INFO", "invite", "X-EXT",
};

/* A method list "A, B" of 1..5 distinct names; neg: "!" in front. */
static void method_list(char *buf, size_t cap, bool neg)
{
	const char *names[5];
	unsigned int n = 1 + rnd_below(5), k = 0, i, j;
	size_t o = (size_t)snprintf(buf, cap, "%s", neg ? "!" : "");

	for (i = 0; i < n; i++) {
		const char *m = chance(2) && p_method.n ?
			p_method.v[rnd_below(p_method.n)] :
			methods_extra[rnd_below(ARRAY_SIZE(methods_extra))];

		for (j = 0; j < k; j++)
			if (!strcmp(names[j], m))
				break;
		if (j < k || m[0] == '!' || !strcmp(m, "*"))
			continue;
		names[k++] = m;
		o += (size_t)snprintf(buf + o, cap - o, "%s%s", k > 1 ? ", " : "", m);
	}
	if (!k)
		snprintf(buf, cap, "%sINVITE", neg ? "!" : "");
}

/* A random rule set as config text: 1..64 rules of random keys and
 * actions, values drawn from the messages.  The method names stay far
 * below the per-file limit (the pools are small). */
static const char *random_rules(void)
{
	static const char *const actions[] = { "drop", "pass", "reply" };
	static const char *const prefixes[] = {
		"198.18.0.2/32", "198.18.0.0/24", "198.18.0.99/32", "198.18.0.0/15",
		"2001:2::/32", "2001:2::2/128", "0.0.0.0/0", "::/0", "203.0.113.0/24",
	};
	static char conf[32768];
	unsigned int n = chance(4) ? 1 + rnd_below(SL_MAX_RULES) : 1 + rnd_below(8);
	unsigned int i;
	size_t o;
	char list[256];

#define ADD(...) (o += (size_t)snprintf(conf + o, sizeof(conf) - o, __VA_ARGS__))
	o = 0;
	ADD("%sdefault_action = %s\n", FX_SL, actions[rnd_below(3)]);
	for (i = 0; i < n; i++) {
		const char *v;

		ADD("[rule r%u]\naction = %s\n", i, actions[rnd_below(3)]);
		if (chance(2)) {
			if (chance(10)) {
				ADD("method = *\n");
			} else {
				method_list(list, sizeof(list), chance(4));
				ADD("method = %s\n", list);
				if (chance(6))	/* the key repeats */
					ADD("method = X-LINE-%u\n", i);
			}
		}
		if (chance(6))
			ADD("src = %s\n", prefixes[rnd_below(ARRAY_SIZE(prefixes))]);
		if (chance(12))
			ADD("port = 5060\n");
		if (chance(4) && *(v = pick(&p_ruri, false)))
			ADD("ruri_user_prefix = %s\n", v);
		if (chance(3) && *(v = pick(&p_ua, true)))
			ADD("user_agent = %s\n", v);
		if (chance(5) && *(v = pick(&p_from_user, false)))
			ADD("from_user = %s%s\n", v, chance(2) ? "*" : "");
		if (chance(5) && *(v = pick(&p_from_host, false)))
			ADD("from_domain = %s%s\n", v, chance(2) ? "*" : "");
		if (chance(5) && *(v = pick(&p_to_user, false)))
			ADD("to_user = %s%s\n", v, chance(2) ? "*" : "");
	}
#undef ADD
	return conf;
}

/* ------------------------------------------------------------------ */
/* one run and its checks */

struct stats {
	unsigned long runs, pass, drop, redirect, requests, not_sip, absorbed;
	unsigned long hits;	/* requests a rule took */
	unsigned long unseen, unanswerable, crlf;
	unsigned long lenient;	/* absorbed, headers rejected by sip_msg.c */
	unsigned long missed;	/* well-formed, absorbable here, passed */
	__u64 digest;		/* of every frame and what became of it */
};

static struct stats st;
static unsigned int n_failed;
static struct sl_dp_counters before;
static struct fx_result res;
static __u8 frame[FRAME_MAX];
static char ctx_name[160];

/* FNV-1a over n bytes into h */
static __u64 fnv(__u64 h, const void *p, size_t n)
{
	const __u8 *b = p;

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ull;
	return h;
}

/* The frame, its verdict and the ACK counters into st.digest: with
 * SL_XDP_FUZZ_DIGEST set, summary() prints it, so that two builds of
 * the program can be compared frame by frame, not by totals alone. */
static void escaped(const __u8 *p, size_t n);

static void digest_frame(const __u8 *f, size_t len,
			 const struct sl_dp_counters *d)
{
	const char *env = getenv("SL_XDP_FUZZ_DIGEST");
	bool trace = env && !strcmp(env, "trace");
	__u64 v[] = { res.verdict, d->acks_absorbed, d->acks_passed,
		      d->acks_bad_tag, d->acks_no_entry, d->acks_expired,
		      d->dropped_by_rule, d->redirect_fallback };

	st.digest = fnv(st.digest, f, len);
	st.digest = fnv(st.digest, v, sizeof(v));
	if (trace) {	/* SL_XDP_FUZZ_DIGEST=trace: a line per frame */
		printf("frame %lu: verdict %llu, ACK absorbed %llu passed %llu "
		       "bad_tag %llu no_entry %llu expired %llu\n", st.runs,
		       (unsigned long long)v[0], (unsigned long long)v[1],
		       (unsigned long long)v[2], (unsigned long long)v[3],
		       (unsigned long long)v[4], (unsigned long long)v[5]);
		if (v[3] || v[1])
			escaped(f, len);
	}
}

static void hexdump(const __u8 *p, size_t n)
{
	size_t i, show = n > 512 ? 512 : n;

	for (i = 0; i < show; i++)
		printf("%02x%s", p[i], (i % 32 == 31 || i + 1 == show) ? "\n" : "");
	if (show < n)
		printf("... (%zu bytes)\n", n);
}

/* C string escapes, at most 1024 bytes */
static void escaped(const __u8 *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < 1024; i++) {
		if (p[i] == '\r')
			printf("\\r");
		else if (p[i] == '\n')
			printf("\\n");
		else if (p[i] == '\t')
			printf("\\t");
		else if (p[i] == '"' || p[i] == '\\')
			printf("\\%c", p[i]);
		else if (p[i] < 0x20 || p[i] >= 0x7f)
			printf("\\x%02x\"\"", p[i]);
		else
			putchar(p[i]);
	}
	if (i < n)
		printf("...");
}

__attribute__((format(printf, 3, 4)))
static void problem(const __u8 *f, size_t len, const char *fmt, ...)
{
	struct model m;
	va_list ap;

	n_failed++;
	if (n_failed > MAX_FAILURES)
		return;
	printf("FAIL %s (%zu bytes, verdict %s): ", ctx_name, len,
	       fx_verdict_name(res.verdict));
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	hexdump(f, len);
	model_frame(f, len, &m);
	if (m.kind == MK_UDP && m.payload_len) {
		printf("payload: \"");
		escaped(f + m.payload_off, m.payload_len);
		printf("\"\n");
	}
	fflush(stdout);
}

#define EXPECT(cond, ...) do {						\
	if (!(cond)) {							\
		problem(f, len, __VA_ARGS__);				\
		return;							\
	}								\
} while (0)

/* The rule with a hit since the last call (one at most), -1 if none;
 * -2 when the hits do not add up. */
static int hit_rule(void)
{
	__u64 *last = last_hits;
	__u64 hits[SL_MAX_RULES];
	int i, hit = -1;

	if (!img.cfg.n_rules)
		return -1;
	if (fx_rule_hits(hits))
		return -2;
	for (i = 0; i < SL_MAX_RULES; i++) {
		if (hits[i] == last[i])
			continue;
		if (hit != -1 || hits[i] != last[i] + 1)
			hit = -2;
		else
			hit = i;
		last[i] = hits[i];
	}
	return hit;
}

/* The unseen bits of the parts the rules of img use. */
static __u8 unseen_used(const struct sl_rule_view *v)
{
	__u8 used = 0, need = img.cfg.rules_need;

	if (!img.cfg.n_rules)
		return 0;
	if (need & SL_NEED_RURI_USER)
		used |= SL_UNSEEN_RURI;
	if (need & SL_NEED_USER_AGENT)
		used |= SL_UNSEEN_UA;
	if (need & SL_NEED_FROM)
		used |= SL_UNSEEN_FROM;
	if (need & SL_NEED_TO)
		used |= SL_UNSEEN_TO;
	if (need & SL_NEED_METHOD)
		used |= SL_UNSEEN_METHOD;
	return v->unseen & used;
}

static void check_frame(const __u8 *f, size_t len)
{
	static struct sl_rule_view v;
	struct sl_dp_counters after, d;
	struct model m;
	const __u8 *pl = NULL;
	size_t n = 0, skip = 0;
	bool served, dropped, redirected, response = false, is_ack = false;
	bool request = false;
	__u32 want_rule = SL_RULE_NONE;
	__u8 want_action = 0;
	__u64 req_out, not_ours_src_only;
	const char *why;
	int hit;

	st.runs++;
	if (fx_run(f, len, &res)) {
		problem(f, len, "test run failed: %s", strerror(-res.err));
		return;
	}
	if (fx_counters(&after)) {
		problem(f, len, "cannot read the counters");
		return;
	}
	fx_counters_sub(&after, &before, &d);
	before = after;
	hit = hit_rule();
	digest_frame(f, len, &d);

	/* verdict and frame */
	EXPECT(res.verdict == XDP_PASS || res.verdict == XDP_DROP,
	       "verdict must be XDP_PASS or XDP_DROP");
	EXPECT(res.out_len == res.meta_len + len &&
	       !memcmp(res.out + res.meta_len, f, len),
	       "the frame changed (out %u bytes, meta %u)", res.out_len,
	       res.meta_len);
	EXPECT(hit != -2, "rule hits do not add up to one rule");

	/* counters add up */
	EXPECT(d.packets == 1, "packets +%llu", (unsigned long long)d.packets);
	/* a frame read up to its source only and not for this host counts
	 * in passed_not_ours alone, any other in sip_udp too */
	not_ours_src_only = d.sip_udp ? 0 : d.passed_not_ours;
	EXPECT(d.passed_not_sip + d.sip_udp + d.dropped_unreadable +
	       not_ours_src_only == 1,
	       "passed_not_sip +%llu, sip_udp +%llu, dropped_unreadable +%llu, passed_not_ours +%llu",
	       (unsigned long long)d.passed_not_sip,
	       (unsigned long long)d.sip_udp,
	       (unsigned long long)d.dropped_unreadable,
	       (unsigned long long)d.passed_not_ours);
	EXPECT(d.sip_udp == d.passed_not_ours - not_ours_src_only +
			    d.udp_len_mismatch + d.parse_failures +
			    d.sip_responses + d.sip_requests,
	       "sip_udp != passed_not_ours + udp_len_mismatch + parse_failures + sip_responses + sip_requests");
	req_out = d.acks_absorbed + d.dropped_by_rule + d.rate_limited +
		  d.redirected + d.redirect_fallback + d.passed_by_rule +
		  d.redirect_too_big;
	EXPECT(d.sip_requests == req_out,
	       "sip_requests +%llu, outcomes +%llu",
	       (unsigned long long)d.sip_requests,
	       (unsigned long long)req_out);
	EXPECT(d.acks_passed >= d.acks_bad_tag + d.acks_no_entry + d.acks_expired,
	       "acks_passed < acks_bad_tag + acks_no_entry + acks_expired");
	EXPECT(d.acks_absorbed + d.acks_passed <= d.sip_requests,
	       "ACK counted without a request");
	EXPECT(d.truncated <= d.sip_udp, "truncated without sip_udp");
	EXPECT(d.unanswerable <= d.sip_requests && d.unseen <= d.sip_requests,
	       "unanswerable or unseen without a request");
	dropped = d.acks_absorbed + d.dropped_by_rule + d.rate_limited +
		  d.dropped_unreadable;
	EXPECT((res.verdict == XDP_DROP) == dropped,
	       "XDP_DROP does not match the drop counters");
	EXPECT(d.redirected == 0, "redirected without a socket");
	EXPECT(d.rate_limited == 0, "rate limited with rate_limit off");
	redirected = d.redirect_fallback;
	EXPECT(redirected == res.has_meta &&
	       (redirected || res.meta_len == 0),
	       "metadata (%u bytes) without a redirect or the reverse",
	       res.meta_len);
	if (redirected)
		EXPECT(res.meta.magic == SL_META_MAGIC && res.meta.flags == 0,
		       "bad metadata magic %#x", res.meta.magic);

	/* the model */
	model_frame(f, len, &m);
	if (m.kind == MK_SRC_ONLY && !m.local) {
		EXPECT(d.passed_not_ours == 1 && d.dropped_unreadable == 0 &&
		       hit == -1, "source only, not for this host: passed_not_ours +%llu, dropped_unreadable +%llu, rule %d hit",
		       (unsigned long long)d.passed_not_ours,
		       (unsigned long long)d.dropped_unreadable, hit);
		goto count;
	}
	if (m.kind == MK_SRC_ONLY) {
		/* the source only: the rules with no key but src */
		want_rule = sl_rule_match_source(&img.cfg, img.rules, m.family,
						 m.src, &want_action);
		EXPECT(d.dropped_unreadable ==
		       (want_rule != SL_RULE_NONE && want_action == SL_ACTION_DROP),
		       "source only: reference rule %d (%s), dropped_unreadable +%llu",
		       (int)want_rule, sl_action_name(want_action),
		       (unsigned long long)d.dropped_unreadable);
		EXPECT(hit == (int)want_rule,
		       "source only: rule %d hit, the reference says %d", hit,
		       (int)want_rule);
		goto count;
	}
	EXPECT(d.dropped_unreadable == 0, "dropped_unreadable for a readable frame");
	served = m.kind != MK_OTHER && m.dport == SL_DEFAULT_PORT;
	EXPECT(d.passed_not_sip == !served, "model: %s, passed_not_sip +%llu",
	       served ? "UDP to 5060" : "not SIP",
	       (unsigned long long)d.passed_not_sip);
	EXPECT(d.passed_not_ours == (served && !m.local),
	       "model: %s, passed_not_ours +%llu",
	       m.local ? "for this host" : "not for this host",
	       (unsigned long long)d.passed_not_ours);
	if (served && !m.local)
		served = false;	/* nothing more is looked at */
	EXPECT(d.udp_len_mismatch == (served && m.kind == MK_UDP_LEN),
	       "model: UDP length %s the IP payload's, udp_len_mismatch +%llu",
	       m.kind == MK_UDP_LEN ? "is not" : "is",
	       (unsigned long long)d.udp_len_mismatch);
	if (served && (m.kind == MK_MALFORMED ||
		       (m.kind == MK_UDP && m.payload_len == 0)))
		EXPECT(d.parse_failures == 1,
		       "model: malformed UDP or empty payload, parse_failures +%llu",
		       (unsigned long long)d.parse_failures);
	if (served && m.kind == MK_UDP && m.payload_len) {
		pl = f + m.payload_off;
		n = m.payload_len;
		while (skip < n && (pl[skip] == '\r' || pl[skip] == '\n'))
			skip++;
		if (skip == n && !m.more) {
			EXPECT(d.parse_failures == 1 && d.truncated == 0,
			       "model: nothing but CR/LF, parse_failures +%llu",
			       (unsigned long long)d.parse_failures);
			goto count;
		}
		response = starts_with(pl + skip, n - skip, "SIP/");
		EXPECT(d.truncated == (n - skip > SL_SCRATCH_LEN),
		       "model: payload %zu bytes after %zu CR/LF, truncated +%llu",
		       n, skip, (unsigned long long)d.truncated);
		EXPECT(d.sip_responses == response,
		       "model: response %d, sip_responses +%llu", response,
		       (unsigned long long)d.sip_responses);
		/* the reference reads it as the rules see it */
		request = !sl_rule_view_read(&v, pl, n, m.more, m.family,
					     m.src, m.dport);
		is_ack = request && v.is_ack;
		EXPECT(response || request == (d.sip_requests == 1),
		       "the reference %s a request, the data plane %s",
		       request ? "reads" : "does not read",
		       d.sip_requests ? "does" : "does not");
	} else {
		EXPECT(d.truncated == 0 && d.sip_responses == 0 &&
		       d.sip_requests == 0, "model: no payload, yet counted");
	}
	if (request) {
		st.requests++;
		EXPECT((d.acks_absorbed + d.acks_passed == 1) == is_ack,
		       "ACK counters for a non-ACK or none for an ACK");
		EXPECT(d.unanswerable == m.unanswerable,
		       "model: unanswerable %d, counted %llu", m.unanswerable,
		       (unsigned long long)d.unanswerable);
	}
	EXPECT(!redirected || (request && !is_ack && !m.unanswerable),
	       "redirected (answered) but not an answerable request, or an ACK");

	/* the rules: the data plane's decision is the reference's */
	if (request && !d.acks_absorbed) {
		want_rule = sl_rule_match(&img.cfg, img.rules, &v, &want_action);
		EXPECT(d.unseen == (unseen_used(&v) ? 1u : 0u),
		       "unseen +%llu, the reference's unseen parts %#x",
		       (unsigned long long)d.unseen, unseen_used(&v));
		EXPECT(hit == (want_rule == SL_RULE_NONE ? -1 : (int)want_rule),
		       "rule %d hit, the reference says %d (method number %u, unseen %#x)",
		       hit, want_rule == SL_RULE_NONE ? -1 : (int)want_rule,
		       sl_rule_method_number(&img.cfg, &v), v.unseen);
		if (want_action == SL_ACTION_DROP) {
			EXPECT(d.dropped_by_rule == 1,
			       "the reference drops (rule %d)", (int)want_rule);
		} else if (want_action == SL_ACTION_REPLY && !is_ack &&
			   !m.unanswerable && len > SL_XSK_RX_MAX) {
			/* one an AF_XDP frame cannot hold goes to the stack */
			EXPECT(d.redirect_too_big == 1 && !redirected,
			       "a request of %zu bytes redirected (AF_XDP frames hold %u)",
			       len, SL_XSK_RX_MAX);
		} else if (want_action == SL_ACTION_REPLY && !is_ack &&
			   !m.unanswerable) {
			EXPECT(redirected, "the reference answers (rule %d)",
			       (int)want_rule);
			EXPECT(res.meta.rule == (want_rule == SL_RULE_NONE ?
						 SL_META_DEFAULT_RULE : want_rule),
			       "metadata rule %u, the reference says %d",
			       res.meta.rule, (int)want_rule);
		} else {
			EXPECT(d.passed_by_rule == 1,
			       "the reference passes (rule %d, action %s)",
			       (int)want_rule, sl_action_name(want_action));
		}
	} else {
		EXPECT(hit == -1, "rule %d hit without a request meeting the rules",
		       hit);
	}

	/* the phase: ACKs (read after their leading CR/LF, as the data
	 * plane and user/sip/sip_msg.c read them) */
	if (pl) {
		pl += skip;
		n -= skip;
	}
	if (cur_phase == PH_B) {
		if (d.acks_absorbed) {
			EXPECT(carries_live_tag(pl, n),
			       "absorbed an ACK without the tag of a live window entry");
			if (ack_wellformed(pl, n)) {
				EXPECT(ack_absorbable(pl, n, &why),
				       "ACK absorbed, but here: %s", why);
			} else {
				/* Kamailio drops a message whose top Via or
				 * To does not parse: dropping is consistent,
				 * only the counting differs */
				st.lenient++;
				if (st.lenient <= 3) {
					printf("note: %s: absorbed an ACK whose headers user/sip/sip_msg.c rejects: \"",
					       ctx_name);
					escaped(pl, n);
					printf("\"\n");
				}
			}
		} else if (is_ack && ack_wellformed(pl, n) &&
			   ack_absorbable(pl, n, &why)) {
			st.missed++;
			if (st.missed <= 3) {
				printf("note: %s: not absorbed, but here absorbable: \"",
				       ctx_name);
				escaped(pl, n);
				printf("\"\n");
			}
		}
	} else {
		EXPECT(!d.acks_absorbed, "ACK absorbed without window entries");
	}
count:
	if (res.verdict == XDP_DROP)
		st.drop++;
	else
		st.pass++;
	st.redirect += redirected;
	st.absorbed += d.acks_absorbed;
	st.not_sip += d.passed_not_sip;
	st.hits += hit >= 0;
	st.unseen += d.unseen;
	st.unanswerable += d.unanswerable;
	st.crlf += request && v.skipped;
}

#undef EXPECT

/* ------------------------------------------------------------------ */
/* frames */

static size_t build(const struct frame_spec *fs, const void *p, size_t n)
{
	return frame_build(frame, sizeof(frame), fs, p, n);
}

/* A valid-looking frame around the payload, varied L2/L3: sometimes in
 * a shape the responder cannot answer (3..9 VLAN tags, up to 10 IPv6
 * extension headers) and, if partial, the first fragment of a longer
 * datagram. */
static size_t build_random_shape(const void *p, size_t n, bool partial)
{
	static const __u32 src4s[] = {
		FRAME_V4_SRC, DROP_SRC4, 0xc6120105u, 0xcb007105u,
	};
	static const char *const src6s[] = {
		FRAME_V6_SRC, "2001:2::99", "2001:2:0:1::5",
	};
	struct frame_spec fs;
	size_t carried = n;

	memset(&fs, 0, sizeof(fs));
	fs.family = chance(3) ? 6 : 4;
	fs.n_vlans = (__u8)(chance(4) ? rnd_below(3) : 0);
	/* !partial: every shape is read whole (up to 8 tags, 8 headers) */
	if (chance(40))
		fs.n_vlans = (__u8)(3 + rnd_below(FRAME_VLANS_MAX - (partial ? 2 : 3)));
	if (fs.family == 4 && chance(5))
		fs.ip_opt_len = (__u8)(4 * rnd_below(11));
	if (fs.family == 6 && chance(5))
		fs.hbh = true;
	if (fs.family == 6 && chance(12))
		fs.n_dest6 = (__u8)rnd_below(partial ? 10 : 8);
	if (chance(8))
		fs.udp_csum = true;
	if (chance(10))
		fs.trailer = rnd_below(64);
	if (cur_phase >= PH_C) {
		fs.src4 = src4s[rnd_below(ARRAY_SIZE(src4s))];
		fs.src6 = src6s[rnd_below(ARRAY_SIZE(src6s))];
	}
	if (partial && chance(20)) {
		/* the first fragment: part of the datagram, its UDP length
		 * the whole one's */
		if (fs.family == 4) {
			fs.ip_frag = FRAME_IP_MF;
		} else {
			fs.frag6 = true;
			fs.frag6_mf = !chance(4);	/* else atomic */
		}
		if (n && (fs.family == 4 || fs.frag6_mf)) {
			carried = 1 + rnd_below((__u32)n);
			fs.udp_len = (__u16)(8 + n);
		}
	}
	return build(&fs, p, carried);
}

static size_t build_random_valid(const void *p, size_t n)
{
	return build_random_shape(p, n, true);
}

static const __u8 interesting[] = {
	' ', '\t', '\r', '\n', ':', ';', '=', ',', '"', '<', '>', '\\', '.',
	'/', '@', '[', ']', '0', '9', 'a', 'Z', '-', 0, 0x7f, 0x80, 0xff,
};

/* 1..4 byte-wise mutations in place; returns the new length. */
static size_t mutate(__u8 *p, size_t n, size_t cap)
{
	unsigned int k, nm = 1 + rnd_below(4);
	size_t pos, l;

	for (k = 0; k < nm; k++) {
		pos = n ? rnd_below((__u32)n) : 0;
		switch (rnd_below(7)) {
		case 0:		/* flip a bit */
			if (n)
				p[pos] ^= (__u8)(1u << rnd_below(8));
			break;
		case 1:		/* a random byte */
			if (n)
				p[pos] = (__u8)rnd();
			break;
		case 2:		/* an interesting byte */
		case 3:
			if (n)
				p[pos] = interesting[rnd_below(sizeof(interesting))];
			break;
		case 4:		/* delete a few bytes */
			l = 1 + rnd_below(4);
			if (pos + l > n)
				l = n - pos;
			memmove(p + pos, p + pos + l, n - pos - l);
			n -= l;
			break;
		case 5:		/* insert an interesting byte */
			if (n < cap) {
				memmove(p + pos + 1, p + pos, n - pos);
				p[pos] = interesting[rnd_below(sizeof(interesting))];
				n++;
			}
			break;
		case 6:		/* duplicate a chunk */
			l = 1 + rnd_below(16);
			if (pos + l <= n && n + l <= cap) {
				memmove(p + pos + l, p + pos, n - pos);
				n += l;
			}
			break;
		}
	}
	return n;
}

static void summary(const char *what, __u64 seed)
{
	printf("%s: seed 0x%llx, %lu frames: %lu passed, %lu dropped (%lu ACKs absorbed), "
	       "%lu redirected, %lu requests (%lu taken by a rule), %lu not SIP\n",
	       what, (unsigned long long)seed, st.runs, st.pass, st.drop,
	       st.absorbed, st.redirect, st.requests, st.hits, st.not_sip);
	printf("%s: %lu with an unseen part the rules use, %lu not answerable, "
	       "%lu after leading CR/LF\n", what, st.unseen, st.unanswerable,
	       st.crlf);
	if (st.lenient || st.missed)
		printf("%s: %lu absorbed ACKs with headers user/sip/sip_msg.c rejects, "
		       "%lu well-formed absorbable ACKs passed\n", what,
		       st.lenient, st.missed);
	if (getenv("SL_XDP_FUZZ_DIGEST"))
		printf("%s: digest 0x%016llx\n", what,
		       (unsigned long long)st.digest);
	fflush(stdout);
}

static void begin(enum phase ph, __u64 seed)
{
	memset(&st, 0, sizeof(st));
	st.digest = 0xcbf29ce484222325ull;
	n_failed = 0;
	rng_state = seed;
	if (fx_reset())
		fail_msg("fx_reset");
	set_phase(ph);
	if (fx_counters(&before))
		fail_msg("cannot read the counters");
}

/* replay: the variable that brings this test's seed back */
static void end(const char *what, __u64 seed, const char *replay, __u64 value)
{
	summary(what, seed);
	if (n_failed)
		fail_msg("%s: %u failing frame(s); replay: %s=0x%llx", what,
			 n_failed, replay, (unsigned long long)value);
}

#define END_FIXED(what, delta) \
	end(what, fixed_seed() + (delta), "SL_XDP_FUZZ_SEED", fixed_seed())

/* ------------------------------------------------------------------ */
/* 1. every payload length, consistent headers (phase A) */

static void test_truncated_payloads(void **state)
{
	struct frame_spec fs;
	unsigned int i;
	size_t l, n;

	(void)state;
	begin(PH_A, fixed_seed());
	for (i = 0; i < n_msgs; i++) {
		for (l = 0; l <= msgs[i].len; l++) {
			memset(&fs, 0, sizeof(fs));
			fs.family = (l & 1) ? 6 : 4;
			n = build(&fs, msgs[i].data, l);
			fmt(ctx_name, sizeof(ctx_name), "%s cut to %zu, IPv%u",
				 msgs[i].name, l, fs.family);
			if (n)
				check_frame(frame, n);
		}
	}
	END_FIXED("truncated payloads", 0);
}

/* 2. every frame length: headers cut, UDP length kept (phase A) */

static void test_truncated_frames(void **state)
{
	struct frame_spec fs;
	unsigned int i, v;
	size_t l, n, upto;

	(void)state;
	begin(PH_A, fixed_seed());
	for (i = 0; i < n_msgs; i++) {
		for (v = 0; v < 4; v++) {
			memset(&fs, 0, sizeof(fs));
			fs.family = v & 1 ? 6 : 4;
			fs.n_vlans = (__u8)(v >> 1);
			fs.hbh = fs.family == 6 && v == 3;
			fs.ip_opt_len = fs.family == 4 && v == 2 ? 8 : 0;
			n = build(&fs, msgs[i].data, msgs[i].len);
			if (!n)
				continue;
			/* every length through the headers and the first
			 * bytes of payload; beyond that a sample */
			upto = n < 160 ? n : 160;
			for (l = 14; l < n; l += l < upto ? 1 : 1 + rnd_below(97)) {
				fmt(ctx_name, sizeof(ctx_name),
					 "%s frame variant %u cut to %zu of %zu",
					 msgs[i].name, v, l, n);
				check_frame(frame, l);
			}
		}
	}
	END_FIXED("truncated frames", 0);
}

/* 3. mutated payloads in valid frames (phase A) */

/* CR/LF in front of the message, up to max bytes of them. */
static size_t crlf_prefix(__u8 *buf, size_t n, size_t cap, size_t max)
{
	size_t k = 1 + rnd_below((__u32)max), i;

	if (n + k > cap)
		k = cap - n;
	memmove(buf + k, buf, n);
	for (i = 0; i < k; i++)
		buf[i] = chance(3) ? '\n' : '\r';
	return n + k;
}

static void run_mutations(unsigned long count)
{
	static __u8 buf[MAX_MSG_LEN + 4096];
	const struct msg *src;
	unsigned long k;
	size_t n, fl;

	for (k = 0; k < count; k++) {
		src = &msgs[rnd_below(n_msgs)];
		memcpy(buf, src->data, src->len);
		n = chance(8) ? src->len : mutate(buf, src->len, sizeof(buf));
		if (chance(6))
			n = rnd_below((__u32)n + 1);	/* and cut */
		if (chance(10))
			n = crlf_prefix(buf, n, sizeof(buf), chance(20) ? 3000 : 8);
		fl = build_random_valid(buf, n);
		fmt(ctx_name, sizeof(ctx_name), "mutation %lu of %s",
			 k, src->name);
		if (fl)
			check_frame(frame, fl);
	}
}

static void test_mutated_payloads(void **state)
{
	(void)state;
	begin(PH_A, fixed_seed() + 1);
	run_mutations(env_count("SL_XDP_FUZZ_MUTATIONS", 20000));
	END_FIXED("mutated payloads", 1);
}

/* 4. random L2/L3/L4 headers and random bytes (phase A) */

static size_t random_headers(const struct msg *src)
{
	static const __u16 ethertypes[] = {
		0x0800, 0x86dd, 0x8100, 0x88a8, 0x0806, 0x9100, 0x0000,
	};
	static const __u8 nexthdrs[] = { 17, 0, 43, 60, 44, 6, 58, 59 };
	__u8 *f = frame;
	size_t off = 12, l3, l4, pl, len, i;
	unsigned int nv, k, ver;
	bool v4;
	__u16 et;
	__u32 ip_len;

	pl = chance(4) ? rnd_below(200) : src->len;
	for (i = 0; i < 12; i++)
		f[i] = (__u8)rnd();
	if (!chance(8)) {	/* for this host, most of the time */
		static const __u8 mac[6] = FRAME_MAC_DST;

		memcpy(f, mac, 6);
	}
	nv = chance(3) ? rnd_below(4) : 0;
	for (k = 0; k < nv; k++) {
		et = chance(2) ? FRAME_TPID_8021Q : FRAME_TPID_8021AD;
		f[off] = et >> 8;
		f[off + 1] = et & 0xff;
		f[off + 2] = (__u8)rnd();
		f[off + 3] = (__u8)rnd();
		off += 4;
	}
	v4 = chance(2);
	et = v4 ? 0x0800 : 0x86dd;
	if (chance(8))
		et = chance(2) ? (__u16)rnd() :
		     ethertypes[rnd_below(ARRAY_SIZE(ethertypes))];
	f[off] = et >> 8;
	f[off + 1] = et & 0xff;
	l3 = off + 2;
	if (v4) {			/* IPv4 */
		size_t ihl = chance(3) ? 5 + rnd_below(11) : 5;

		for (i = 0; i < 20 + 40; i++)
			f[l3 + i] = (__u8)rnd();
		/* one draw per statement: the order of evaluation inside
		 * an expression differs between compilers, the seed must
		 * not */
		ver = chance(8) ? rnd_below(16) : 4;
		if (chance(8))
			ihl = rnd_below(16);
		f[l3] = (__u8)(ver << 4 | ihl);
		if (!chance(4)) {	/* no fragment, most of the time */
			f[l3 + 6] &= 0x40;
			f[l3 + 7] = 0;
		}
		if (!chance(8))
			f[l3 + 9] = 17;
		if (!chance(8)) {
			__u32 dst = htonl(FRAME_V4_DST);

			memcpy(f + l3 + 16, &dst, 4);
		}
		l4 = l3 + (size_t)(f[l3] & 15) * 4;
		if ((f[l3] & 15) < 5)
			l4 = l3 + 20;
	} else {			/* IPv6, extension headers */
		unsigned int ne = rnd_below(6);

		for (i = 0; i < 40; i++)
			f[l3 + i] = (__u8)rnd();
		f[l3] = chance(8) ? (__u8)rnd() : 0x60;
		if (!chance(8))
			inet_pton(AF_INET6, FRAME_V6_DST, f + l3 + 24);
		l4 = l3 + 40;
		f[l3 + 6] = ne ? nexthdrs[1 + rnd_below(3)] : 17;
		for (k = 0; k < ne; k++) {
			size_t el = chance(8) ? rnd_below(256) : rnd_below(3);

			f[l4] = k + 1 < ne ? nexthdrs[1 + rnd_below(3)] :
			       (chance(6) ? nexthdrs[rnd_below(ARRAY_SIZE(nexthdrs))] : 17);
			f[l4 + 1] = (__u8)el;
			if (l4 + (el + 1) * 8 + 8 + pl > FRAME_MAX - 64)
				break;
			for (i = 2; i < (el + 1) * 8; i++)
				f[l4 + i] = (__u8)rnd();
			l4 += (el + 1) * 8;
		}
		if (chance(8))
			f[l3 + 6] = (__u8)rnd();
	}
	if (l4 + 8 + pl > FRAME_MAX - 64)
		pl = 0;
	/* UDP */
	f[l4] = (__u8)rnd();
	f[l4 + 1] = (__u8)rnd();
	f[l4 + 2] = 5060 >> 8;
	f[l4 + 3] = 5060 & 0xff;
	if (chance(8)) {
		f[l4 + 2] = (__u8)rnd();
		f[l4 + 3] = (__u8)rnd();
	}
	{
		__u32 ulen = (__u32)(8 + pl);

		if (chance(5))
			ulen += rnd_below(17) - 8;
		if (chance(16))
			ulen = (__u32)rnd();
		f[l4 + 4] = (__u8)(ulen >> 8);
		f[l4 + 5] = (__u8)ulen;
		/* the IP length says the same, most of the time (an
		 * ethertype drawn at random writes it somewhere harmless) */
		ip_len = (__u32)(l4 - l3 - (v4 ? 0 : 40)) + ulen;
		if (chance(16))
			ip_len = (__u32)rnd();
		f[l3 + (v4 ? 2 : 4)] = (__u8)(ip_len >> 8);
		f[l3 + (v4 ? 3 : 5)] = (__u8)ip_len;
	}
	f[l4 + 6] = 0;
	f[l4 + 7] = 0;
	if (pl > src->len) {
		for (i = 0; i < pl; i++)
			f[l4 + 8 + i] = (__u8)rnd();
	} else {
		memcpy(f + l4 + 8, src->data, pl);
	}
	len = l4 + 8 + pl;
	if (chance(8))
		len += rnd_below(32);		/* trailer */
	if (chance(6))
		len = 14 + rnd_below((__u32)(len - 13));	/* cut */
	return len;
}

static void run_random_headers(unsigned long count)
{
	unsigned long k;
	size_t len, i;

	for (k = 0; k < count; k++) {
		const struct msg *src = &msgs[rnd_below(n_msgs)];

		if (chance(10)) {		/* plain random bytes */
			len = 14 + rnd_below(300);
			for (i = 0; i < len; i++)
				frame[i] = (__u8)rnd();
			fmt(ctx_name, sizeof(ctx_name), "random bytes %lu", k);
		} else {
			len = random_headers(src);
			fmt(ctx_name, sizeof(ctx_name),
				 "random headers %lu around %s", k, src->name);
		}
		check_frame(frame, len);
	}
}

static void test_random_headers(void **state)
{
	(void)state;
	begin(PH_A, fixed_seed() + 2);
	run_random_headers(env_count("SL_XDP_FUZZ_HEADERS", 20000));
	END_FIXED("random headers", 2);
}

/* ------------------------------------------------------------------ */
/* 5. ACK absorption (phase B) */

struct ack {
	char text[1024];
	size_t len;
};

static struct ack acks[N_ACKS];

/* An ACK with our tag for its own top Via and Call-ID, in varied forms. */
static void make_ack(struct ack *a)
{
	static const char *const hosts[] = {
		"198.18.0.2", "pc33.example.com", "[2001:2::2]", "h",
	};
	char placeholder[SL_TOTAG_LEN + 1], tag[SL_TOTAG_LEN], port[16];
	const char *nl, *host;
	unsigned int branch, ftag, cid1, cid2, cseq;
	bool compact, rport, quoted;
	char *t;
	__u32 suffix;
	int n;

	nl = chance(4) ? "\n" : "\r\n";
	compact = chance(3);
	memset(placeholder, 'X', SL_TOTAG_LEN);
	placeholder[SL_TOTAG_LEN] = '\0';
	/* every draw in a statement of its own (see random_headers()) */
	if (chance(5))
		port[0] = '\0';
	else
		snprintf(port, sizeof(port), ":%u", 1024 + rnd_below(60000));
	host = hosts[rnd_below(4)];
	branch = (unsigned int)rnd();
	rport = chance(2);
	ftag = (unsigned int)rnd();
	quoted = chance(3);
	cid1 = (unsigned int)rnd();
	cid2 = rnd_below(65536);
	cseq = 1 + rnd_below(1000);
	n = snprintf(a->text, sizeof(a->text),
		     "ACK sip:bob@198.18.0.1 SIP/2.0%s"
		     "%s: SIP/2.0/UDP %s%s;branch=z9hG4bK%08x%s%s"
		     "Max-Forwards: 70%s"
		     "%s: <sip:alice@example.com>;tag=%x%s"
		     "%s: %s<sip:bob@example.com>;tag=%s%s"
		     "%s: %08x-%04x@198.18.0.2%s"
		     "CSeq: %u ACK%s"
		     "Content-Length: 0%s%s",
		     nl, compact ? "v" : "Via", host, port, branch,
		     rport ? ";rport" : "", nl, nl,
		     compact ? "f" : "From", ftag, nl,
		     compact ? "t" : "To", quoted ? "\"Bob\" " : "",
		     placeholder, nl, compact ? "i" : "Call-ID",
		     cid1, cid2, nl, cseq, nl, nl, nl);
	if (n <= 0 || (size_t)n >= sizeof(a->text))
		fail_msg("ACK template does not fit");
	a->len = (size_t)n;
	if (sip_msg_parse(&pm, a->text, a->len) < 0)
		fail_msg("generated ACK does not parse");
	suffix = sl_totag_suffix(sip_str(&pm, pm.via.host),
				 sip_str(&pm, pm.via.port),
				 sip_str(&pm, pm.via.branch),
				 sip_str(&pm, pm.callid));
	sl_totag_build(FX_SIG, suffix, tag);
	t = strstr(a->text, placeholder);
	if (!t)
		fail_msg("no tag placeholder");
	memcpy(t, tag, SL_TOTAG_LEN);
	wentries[n_wentries].suffix = suffix;
	wentries[n_wentries].put = false;
	n_wentries++;
}

static void setup_acks(void)
{
	unsigned int i, j, tries;
	int err;

	n_wentries = 0;
	for (i = 0; i < N_ACKS; i++) {
		/* a Via without a port makes the suffix the host's alone
		 * (Kamailio's CRC lists stop at the first absent piece):
		 * ACKs must not share a suffix nor a window slot, or who
		 * has an entry blurs */
		for (tries = 0; tries < 100; tries++) {
			make_ack(&acks[i]);
			/* distinct buckets too: the bucket's ways are few,
			 * keep each ACK's entry alone in its own */
			for (j = 0; j < i; j++)
				if (wentries[i].suffix == wentries[j].suffix ||
				    sl_window_slot(wentries[i].suffix, 0, FX_WINDOW_MASK) ==
				    sl_window_slot(wentries[j].suffix, 0, FX_WINDOW_MASK))
					break;
			if (j == i)
				break;
			n_wentries--;
		}
		if (tries == 100)
			fail_msg("cannot generate ACKs with distinct suffixes");
	}
	for (i = 0; i < N_ACKS; i += 2) {
		err = fx_window_put(FX_WINDOW_MASK, wentries[i].suffix, 0,
				    fx_now_ns());
		if (err)
			fail_msg("fx_window_put: %s", strerror(-err));
		wentries[i].put = true;
	}
}

static void run_acks(unsigned long count)
{
	static __u8 buf[2048];
	struct sl_dp_counters want_before;
	unsigned long k;
	unsigned int i;
	size_t n, fl;

	/* unmutated (and whole): absorbed exactly when there is an entry */
	for (i = 0; i < N_ACKS; i++) {
		fl = build_random_shape(acks[i].text, acks[i].len, false);
		fmt(ctx_name, sizeof(ctx_name), "ACK %u (%s entry)", i,
			 wentries[i].put ? "with" : "without");
		want_before = before;
		check_frame(frame, fl);
		if (before.acks_absorbed - want_before.acks_absorbed !=
		    (wentries[i].put ? 1u : 0u))
			problem(frame, fl, "absorbed %llu, want %u",
				(unsigned long long)(before.acks_absorbed -
						     want_before.acks_absorbed),
				wentries[i].put);
		if (!wentries[i].put &&
		    before.acks_no_entry - want_before.acks_no_entry != 1)
			problem(frame, fl, "ACK without an entry not counted in acks_no_entry");
	}
	/* mutated and cut */
	for (k = 0; k < count; k++) {
		i = rnd_below(N_ACKS);
		memcpy(buf, acks[i].text, acks[i].len);
		n = chance(5) ? rnd_below((__u32)acks[i].len + 1) :
				mutate(buf, acks[i].len, sizeof(buf));
		fl = build_random_valid(buf, n);
		fmt(ctx_name, sizeof(ctx_name), "mutated ACK %u, case %lu",
			 i, k);
		if (fl)
			check_frame(frame, fl);
	}
}

static void test_ack_absorption(void **state)
{
	(void)state;
	begin(PH_B, fixed_seed() + 3);
	setup_acks();
	run_acks(env_count("SL_XDP_FUZZ_ACKS", 20000));
	END_FIXED("ACK absorption", 3);
}

/* ------------------------------------------------------------------ */
/* 6. drop and reply rules (phase C) */

static void test_rules(void **state)
{
	unsigned long count = env_count("SL_XDP_FUZZ_RULES", 10000);
	unsigned int i;
	size_t fl;

	(void)state;
	begin(PH_C, fixed_seed() + 4);
	for (i = 0; i < n_msgs; i++) {
		fl = build_random_valid(msgs[i].data, msgs[i].len);
		fmt(ctx_name, sizeof(ctx_name), "%s under rules", msgs[i].name);
		if (fl)
			check_frame(frame, fl);
	}
	run_mutations(count);
	END_FIXED("rules", 4);
}

/* ------------------------------------------------------------------ */
/* 7. random rule sets from config text (phase D) */

static void run_rule_sets(unsigned long sets, unsigned long per_set)
{
	unsigned long k;

	cur_phase = PH_D;
	for (k = 0; k < sets; k++) {
		apply_conf(random_rules());
		run_mutations(per_set);
	}
}

static void test_random_rule_sets(void **state)
{
	(void)state;
	begin(PH_A, fixed_seed() + 5);
	run_rule_sets(env_count("SL_XDP_FUZZ_RULE_SETS", 40),
		      env_count("SL_XDP_FUZZ_PER_SET", 400));
	END_FIXED("random rule sets", 5);
}

/* ------------------------------------------------------------------ */
/* 8. a fresh seed every run */

static void test_fresh_seed(void **state)
{
	unsigned long count = env_count("SL_XDP_FUZZ_FRESH", 6000);
	__u64 seed = fresh_seed();

	(void)state;
	printf("fresh seed 0x%llx (replay: SL_XDP_FUZZ_FRESH_SEED=0x%llx)\n",
	       (unsigned long long)seed, (unsigned long long)seed);
	begin(PH_A, seed);
	run_mutations(count / 3);
	run_random_headers(count / 3);
	set_phase(PH_B);
	setup_acks();
	run_acks(count / 6);
	if (fx_window_clear())
		fail_msg("fx_window_clear");
	n_wentries = 0;
	set_phase(PH_C);
	run_mutations(count / 6);
	run_rule_sets(count / 600 + 1, 400);
	end("fresh seed", seed, "SL_XDP_FUZZ_FRESH_SEED", seed);
}

/* The corpus was found and every message of it loaded. */
static void test_corpus_messages(void **state)
{
	unsigned int want = ARRAY_SIZE(builtin) + N_LONG_MSGS +
			    CORPUS_RFC4475_DAT + CORPUS_RFC3261_SIP;

	(void)state;
	if (!corpus_found)
		fail_msg("corpus not found (set SL_CORPUS_DIR): the built-in messages alone are not this test");
	if (n_msgs != want)
		fail_msg("%u messages loaded, want %u (%zu built-in, %d long, %d RFC 4475, %d RFC 3261)",
			 n_msgs, want, ARRAY_SIZE(builtin), N_LONG_MSGS,
			 CORPUS_RFC4475_DAT, CORPUS_RFC3261_SIP);
}

/* ------------------------------------------------------------------ */

static int group_setup(void **state)
{
	(void)state;
	load_messages();
	pools_fill();
	printf("fixed seed 0x%llx\n", (unsigned long long)fixed_seed());
	return fx_load() ? -1 : 0;
}

static int group_teardown(void **state)
{
	(void)state;
	fx_unload();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_messages),
		cmocka_unit_test(test_truncated_payloads),
		cmocka_unit_test(test_truncated_frames),
		cmocka_unit_test(test_mutated_payloads),
		cmocka_unit_test(test_random_headers),
		cmocka_unit_test(test_ack_absorption),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_random_rule_sets),
		cmocka_unit_test(test_fresh_seed),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("xdp_fuzz", tests, group_setup,
					   group_teardown);
}
