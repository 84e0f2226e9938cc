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
 *    IP payload's exactly when udp_len_mismatch counts, a response exactly when sip_responses counts, a request
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
 * is printed in hex, its UDP payload as a C string.
 */
#define _GNU_SOURCE	/* memmem */
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
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "corpus_files.h"
#include "fixture_env.h"
#include "frame.h"
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
};

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

enum mkind { MK_OTHER, MK_MALFORMED, MK_UDP, MK_UDP_LEN };

struct model {
	enum mkind kind;
	__u8 family;
	__u8 src[16];
	bool local;		/* to this host's MAC and address */
	__u16 dport;		/* 0 when the UDP header is cut */
	size_t payload_off;
	size_t payload_len;
};

static __u16 get16(const __u8 *p)
{
	return (__u16)(p[0] << 8 | p[1]);
}

/*
 * What the README says the data plane parses.  Headers must be in the
 * linear part of the frame (what bpf_prog_test_run keeps linear: the
 * program reads them directly); the UDP length may reach into the rest.
 */
static void model_frame(const __u8 *f, size_t len, struct model *m)
{
	size_t lin = len < FX_LINEAR_MAX ? len : FX_LINEAR_MAX;
	size_t off = 14, udp, ihl, avail, ulen;
	__u32 ip_plen;		/* what the IP header says follows it */
	__u16 proto;
	__u8 nh;
	int i;

	memset(m, 0, sizeof(*m));
	m->kind = MK_OTHER;
	if (lin < 14)
		return;
	proto = get16(f + 12);
	for (i = 0; i < 2; i++) {
		if (proto != FRAME_TPID_8021Q && proto != FRAME_TPID_8021AD)
			break;
		if (off + 4 > lin)
			return;
		proto = get16(f + off + 2);
		off += 4;
	}
	if (proto == 0x0800) {
		if (off + 20 > lin)
			return;
		ihl = (size_t)(f[off] & 15) * 4;
		if (f[off] >> 4 != 4 || ihl < 20)
			return;
		if (get16(f + off + 6) & (FRAME_IP_MF | FRAME_IP_OFFSET))
			return;
		if (f[off + 9] != 17 || off + ihl > lin)
			return;
		if (get16(f + off + 2) < ihl) {
			m->kind = MK_MALFORMED;
			return;
		}
		ip_plen = get16(f + off + 2) - (__u32)ihl;
		m->family = 4;
		memcpy(m->src, f + off + 12, 4);
		m->local = get16(f + off + 16) == FRAME_V4_DST >> 16 &&
			   get16(f + off + 18) == (FRAME_V4_DST & 0xffff);
		udp = off + ihl;
	} else if (proto == 0x86dd) {
		if (off + 40 > lin)
			return;
		m->family = 6;
		memcpy(m->src, f + off + 8, 16);
		{
			__u8 dst[16];

			inet_pton(AF_INET6, FRAME_V6_DST, dst);
			m->local = !memcmp(f + off + 24, dst, 16);
		}
		nh = f[off + 6];
		udp = off + 40;
		for (i = 0; i < 4; i++) {
			if (nh != 0 && nh != 43 && nh != 60)
				break;
			if (udp + 2 > lin)
				return;
			nh = f[udp];
			udp += ((size_t)f[udp + 1] + 1) * 8;
		}
		if (nh != 17)
			return;
		ip_plen = get16(f + off + 4) - (__u32)(udp - off - 40);
	} else {
		return;
	}
	{
		static const __u8 mac[6] = FRAME_MAC_DST;

		m->local = m->local && !memcmp(f, mac, 6);
	}
	m->kind = MK_MALFORMED;
	if (udp + 8 > lin)
		return;
	m->dport = get16(f + udp + 2);
	ulen = get16(f + udp + 4);
	m->payload_off = udp + 8;
	if (len < m->payload_off)
		return;
	avail = len - m->payload_off;
	if (ulen < 8)
		return;
	if (ulen != ip_plen) {
		m->kind = MK_UDP_LEN;
		return;
	}
	if (ulen - 8 > avail)
		return;
	m->payload_len = ulen - 8;
	m->kind = MK_UDP;
}

/* A first line "METHOD SP ... SP SIP/..." is possible: LF in the copied
 * payload, a SP after a non-empty method, "sip/" after a SP. */
static bool plausible_request(const __u8 *p, size_t n)
{
	const __u8 *lf = memchr(p, '\n', n);
	size_t i, ll;

	if (!lf || n == 0 || p[0] == ' ')
		return false;
	ll = (size_t)(lf - p);
	if (!memchr(p, ' ', ll))
		return false;
	for (i = 1; i + 4 <= ll; i++)
		if (p[i - 1] == ' ' && !strncasecmp((const char *)p + i, "sip/", 4))
			return true;
	return false;
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
	return pm.via.usable && !pm.via.malformed &&
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
/* phases and the rules of phase C */

enum phase { PH_A, PH_B, PH_C };

#define RULE_DROP_REGISTER	0
#define RULE_DROP_SRC		1
#define RULE_DROP_UA		2
#define RULE_DROP_RURI		3
#define RULE_REPLY_OPTIONS	4
#define N_RULES_C		5
#define DROP_SRC4		0xc6120063u	/* 198.18.0.99 */
#define DROP_UA			"friendly-scanner"
#define DROP_RURI		"6666"

static enum phase cur_phase;

/* The phases' config text; phase C's rules in RULE_* order. */
static const char *const phase_conf[] = {
	[PH_A] = FX_SL "default_action = reply\n",
	[PH_B] = FX_SL "ack_window = 60s\n",	/* the whole run */
	[PH_C] = FX_SL
		"[rule drop-register]\nmethod = REGISTER\naction = drop\n"
		"[rule drop-src]\nsrc = 198.18.0.99/32\naction = drop\n"
		"[rule drop-ua]\nuser_agent = " DROP_UA "\naction = drop\n"
		"[rule drop-ruri]\nruri_user_prefix = " DROP_RURI "\naction = drop\n"
		"[rule options]\nmethod = OPTIONS\nreply = 200 OK\n",
};

static void set_phase(enum phase ph)
{
	if (fx_config("%s", phase_conf[ph]))
		fail_msg("cannot apply the phase %d config", (int)ph);
	cur_phase = ph;
}

/* Could a drop rule of phase C match?  Necessary conditions only. */
static bool rule_drop_possible(const struct model *m, const __u8 *p, size_t n)
{
	const __u8 *lf = memchr(p, '\n', n);
	size_t ll = lf ? (size_t)(lf - p) : n, i, k = strlen(DROP_UA);
	__u8 src4[4] = { 0xc6, 0x12, 0x00, 0x63 };

	if (starts_with(p, n, "REGISTER "))
		return true;
	if (m->family == 4 && !memcmp(m->src, src4, 4))
		return true;
	for (i = 0; i + k <= n; i++)
		if (!strncasecmp((const char *)p + i, DROP_UA, k))
			return true;
	for (i = 0; i + 4 <= ll; i++)
		if (!memcmp(p + i, DROP_RURI, 4))
			return true;
	return false;
}

/* ------------------------------------------------------------------ */
/* one run and its checks */

struct stats {
	unsigned long runs, pass, drop, redirect, requests, not_sip, absorbed;
	unsigned long lenient;	/* absorbed, headers rejected by sip_msg.c */
	unsigned long missed;	/* well-formed, absorbable here, passed */
};

static struct stats st;
static unsigned int n_failed;
static struct sl_dp_counters before;
static struct fx_result res;
static __u8 frame[FRAME_MAX];
static char ctx_name[160];

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

static void check_frame(const __u8 *f, size_t len)
{
	struct sl_dp_counters after, d;
	struct model m;
	const __u8 *pl = NULL;
	size_t copy = 0;
	bool served, dropped, redirected, response = false, is_ack = false;
	__u64 req_out;
	const char *why;

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

	/* verdict and frame */
	EXPECT(res.verdict == XDP_PASS || res.verdict == XDP_DROP,
	       "verdict must be XDP_PASS or XDP_DROP");
	EXPECT(res.out_len == res.meta_len + len &&
	       !memcmp(res.out + res.meta_len, f, len),
	       "the frame changed (out %u bytes, meta %u)", res.out_len,
	       res.meta_len);

	/* counters add up */
	EXPECT(d.packets == 1, "packets +%llu", (unsigned long long)d.packets);
	EXPECT(d.passed_not_sip + d.sip_udp == 1,
	       "passed_not_sip +%llu, sip_udp +%llu",
	       (unsigned long long)d.passed_not_sip,
	       (unsigned long long)d.sip_udp);
	EXPECT(d.sip_udp == d.passed_not_ours + d.udp_len_mismatch +
			    d.parse_failures + d.sip_responses + d.sip_requests,
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
	dropped = d.acks_absorbed + d.dropped_by_rule + d.rate_limited;
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
		copy = m.payload_len < SL_SCRATCH_LEN ? m.payload_len :
							SL_SCRATCH_LEN;
		response = starts_with(pl, copy, "SIP/");
		is_ack = starts_with(pl, copy, "ACK ");
		EXPECT(d.truncated == (m.payload_len > SL_SCRATCH_LEN),
		       "model: payload %zu bytes, truncated +%llu",
		       m.payload_len, (unsigned long long)d.truncated);
		EXPECT(d.sip_responses == response,
		       "model: response %d, sip_responses +%llu", response,
		       (unsigned long long)d.sip_responses);
	} else {
		EXPECT(d.truncated == 0 && d.sip_responses == 0 &&
		       d.sip_requests == 0, "model: no payload, yet counted");
	}
	if (d.sip_requests) {
		st.requests++;
		EXPECT(plausible_request(pl, copy),
		       "counted as a request without a request line");
		EXPECT((d.acks_absorbed + d.acks_passed == 1) == is_ack,
		       "ACK counters for a non-ACK or none for an ACK");
	}
	EXPECT(!redirected || (d.sip_requests && !is_ack),
	       "redirected (answered) but not a request, or an ACK");

	/* the phase: who may be dropped, who must be answered */
	switch (cur_phase) {
	case PH_A:
		EXPECT(!dropped, "dropped without drop rules or window entries");
		/* one an AF_XDP frame cannot hold goes to the stack */
		if (d.sip_requests && !is_ack && len > SL_XSK_RX_MAX) {
			EXPECT(d.redirect_too_big == 1 && !redirected,
			       "a request of %zu bytes redirected (AF_XDP frames hold %u)",
			       len, SL_XSK_RX_MAX);
		} else if (d.sip_requests && !is_ack) {
			EXPECT(redirected, "a request not redirected under default reply");
			EXPECT(res.meta.rule == SL_META_DEFAULT_RULE,
			       "metadata rule %u, want the default",
			       res.meta.rule);
		}
		break;
	case PH_B:
		EXPECT(!redirected, "redirected under default pass");
		EXPECT(!d.dropped_by_rule, "dropped by a rule without rules");
		if (d.acks_absorbed) {
			EXPECT(carries_live_tag(pl, copy),
			       "absorbed an ACK without the tag of a live window entry");
			if (ack_wellformed(pl, copy)) {
				EXPECT(ack_absorbable(pl, copy, &why),
				       "ACK absorbed, but here: %s", why);
			} else {
				/* Kamailio drops a message whose top Via or
				 * To does not parse: dropping is consistent,
				 * only the counting differs */
				st.lenient++;
				if (st.lenient <= 3) {
					printf("note: %s: absorbed an ACK whose headers user/sip/sip_msg.c rejects: \"",
					       ctx_name);
					escaped(pl, copy);
					printf("\"\n");
				}
			}
		} else if (is_ack && d.sip_requests && ack_wellformed(pl, copy) &&
			   ack_absorbable(pl, copy, &why)) {
			st.missed++;
			if (st.missed <= 3) {
				printf("note: %s: not absorbed, but here absorbable: \"",
				       ctx_name);
				escaped(pl, copy);
				printf("\"\n");
			}
		}
		break;
	case PH_C:
		EXPECT(!d.acks_absorbed, "ACK absorbed without window entries");
		if (d.dropped_by_rule)
			EXPECT(rule_drop_possible(&m, pl, copy),
			       "dropped, but no drop rule can match");
		if (redirected) {
			EXPECT(starts_with(pl, copy, "OPTIONS "),
			       "redirected, but only OPTIONS has a reply rule");
			EXPECT(res.meta.rule == RULE_REPLY_OPTIONS,
			       "metadata rule %u, want %u", res.meta.rule,
			       RULE_REPLY_OPTIONS);
		}
		/* no drop rule can match: OPTIONS is answered, the rest
		 * passes (default pass) */
		if (d.sip_requests && !is_ack && !rule_drop_possible(&m, pl, copy)) {
			if (starts_with(pl, copy, "OPTIONS "))
				EXPECT(redirected, "OPTIONS not answered by its rule");
			else
				EXPECT(d.passed_by_rule, "request not passed by default");
		}
		break;
	}
	if (res.verdict == XDP_DROP)
		st.drop++;
	else
		st.pass++;
	st.redirect += redirected;
	st.absorbed += d.acks_absorbed;
	st.not_sip += d.passed_not_sip;
}

#undef EXPECT

/* ------------------------------------------------------------------ */
/* frames */

static size_t build(const struct frame_spec *fs, const void *p, size_t n)
{
	return frame_build(frame, sizeof(frame), fs, p, n);
}

/* A valid-looking frame around the payload, varied L2/L3. */
static size_t build_random_valid(const void *p, size_t n)
{
	struct frame_spec fs;

	memset(&fs, 0, sizeof(fs));
	fs.family = chance(3) ? 6 : 4;
	fs.n_vlans = (__u8)(chance(4) ? rnd_below(3) : 0);
	if (fs.family == 4 && chance(5))
		fs.ip_opt_len = (__u8)(4 * rnd_below(11));
	if (fs.family == 6 && chance(5))
		fs.hbh = true;
	if (chance(8))
		fs.udp_csum = true;
	if (chance(10))
		fs.trailer = rnd_below(64);
	if (cur_phase == PH_C && fs.family == 4 && chance(4))
		fs.src4 = DROP_SRC4;
	return build(&fs, p, n);
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
	       "%lu redirected, %lu requests, %lu not SIP\n",
	       what, (unsigned long long)seed, st.runs, st.pass, st.drop,
	       st.absorbed, st.redirect, st.requests, st.not_sip);
	if (st.lenient || st.missed)
		printf("%s: %lu absorbed ACKs with headers user/sip/sip_msg.c rejects, "
		       "%lu well-formed absorbable ACKs passed\n", what,
		       st.lenient, st.missed);
	fflush(stdout);
}

static void begin(enum phase ph, __u64 seed)
{
	memset(&st, 0, sizeof(st));
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

static void run_mutations(unsigned long count)
{
	static __u8 buf[MAX_MSG_LEN + 64];
	const struct msg *src;
	unsigned long k;
	size_t n, fl;

	for (k = 0; k < count; k++) {
		src = &msgs[rnd_below(n_msgs)];
		memcpy(buf, src->data, src->len);
		n = mutate(buf, src->len, sizeof(buf));
		if (chance(6))
			n = rnd_below((__u32)n + 1);	/* and cut */
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
	__u32 ip_len;
	bool v4;
	__u16 et;

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

	/* unmutated: absorbed exactly when there is an entry */
	for (i = 0; i < N_ACKS; i++) {
		fl = build_random_valid(acks[i].text, acks[i].len);
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
/* 7. a fresh seed every run */

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
	end("fresh seed", seed, "SL_XDP_FUZZ_FRESH_SEED", seed);
}

/* The corpus was found and every message of it loaded. */
static void test_corpus_messages(void **state)
{
	unsigned int want = ARRAY_SIZE(builtin) + CORPUS_RFC4475_DAT +
			    CORPUS_RFC3261_SIP;

	(void)state;
	if (!corpus_found)
		fail_msg("corpus not found (set SL_CORPUS_DIR): the built-in messages alone are not this test");
	if (n_msgs != want)
		fail_msg("%u messages loaded, want %u (%zu built-in, %d RFC 4475, %d RFC 3261)",
			 n_msgs, want, ARRAY_SIZE(builtin), CORPUS_RFC4475_DAT,
			 CORPUS_RFC3261_SIP);
}

/* ------------------------------------------------------------------ */

static int group_setup(void **state)
{
	(void)state;
	load_messages();
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
		cmocka_unit_test(test_fresh_seed),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("xdp_fuzz", tests, group_setup,
					   group_teardown);
}
