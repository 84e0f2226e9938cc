// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The shipped example configurations (examples/<name>.conf) load, and say what
 * their comments say: every file the glob finds is parsed with
 * sl_settings_load_file() and checked (rules well formed, addresses only
 * from the test and documentation ranges), and each known example has its
 * rules, codes, reasons and headers asserted one by one.  A broken or
 * drifting example fails here, not on a user's machine.
 *
 * examples/ is found from $SL_ROOT, the current directory (make test runs
 * from the repository root) or by walking up from this binary.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "conf/config.h"

static char examples_dir[PATH_MAX + 16];

/* ---- finding examples/ ---- */

static int is_examples_dir(const char *dir)
{
	char path[PATH_MAX + 32];
	struct stat st;

	if (snprintf(path, sizeof(path), "%s/sl-xdp.conf", dir) >= (int)sizeof(path))
		return 0;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int locate_examples(void)
{
	char dir[PATH_MAX], cand[PATH_MAX + 16], *slash;
	const char *root = getenv("SL_ROOT");
	ssize_t n;
	int up;

	if (root && *root) {
		snprintf(cand, sizeof(cand), "%s/examples", root);
		if (is_examples_dir(cand))
			goto found;
	}
	snprintf(cand, sizeof(cand), "examples");
	if (is_examples_dir(cand))
		goto found;
	/* build/tests/test_examples -> build/tests -> build -> repo */
	n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	if (n <= 0)
		return -1;
	dir[n] = '\0';
	for (up = 0; up < 6; up++) {
		slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			return -1;
		*slash = '\0';
		snprintf(cand, sizeof(cand), "%s/examples", dir);
		if (is_examples_dir(cand))
			goto found;
	}
	return -1;
found:
	snprintf(examples_dir, sizeof(examples_dir), "%s", cand);
	return 0;
}

/* ---- helpers ---- */

static struct sl_settings *load_example(const char *file)
{
	struct sl_settings *s = calloc(1, sizeof(*s));
	char path[PATH_MAX + 64], err[512];

	assert_non_null(s);
	snprintf(path, sizeof(path), "%s/%s", examples_dir, file);
	if (sl_settings_load_file(path, s, err, sizeof(err)))
		fail_msg("%s does not load: %s", path, err);
	return s;
}

static int rule_index(const struct sl_settings *s, const char *name)
{
	for (unsigned i = 0; i < s->dp.n_rules; i++)
		if (!strcmp(s->replies[i].name, name))
			return (int)i;
	return -1;
}

/* Index of rule name; fails the test when there is none. */
static unsigned need_rule(const struct sl_settings *s, const char *name)
{
	int i = rule_index(s, name);

	if (i < 0)
		fail_msg("no [rule %s]", name);
	return (unsigned)i;
}

/* The rule's only method is m (of the file's method names s). */
static void assert_method_of(const struct sl_settings *s,
			     const struct sl_rule *r, const char *m)
{
	unsigned n = sl_method_number(s, m);

	assert_true(r->keys & SL_KEY_METHOD);
	if (n == SL_METHOD_OTHER || r->method_mask != 1ULL << n)
		fail_msg("method is not %s alone", m);
}
#define assert_method(r, m)	assert_method_of(s, r, m)

static int has_prefix(const struct sl_rule *r, const char *text, unsigned plen)
{
	unsigned char addr[16] = { 0 };
	int family = strchr(text, ':') ? 6 : 4;

	if (inet_pton(family == 6 ? AF_INET6 : AF_INET, text, addr) != 1)
		fail_msg("bad test address %s", text);
	for (unsigned i = 0; i < r->n_prefixes; i++)
		if (r->prefixes[i].family == family && r->prefixes[i].plen == plen &&
		    !memcmp(r->prefixes[i].addr, addr, family == 6 ? 16 : 4))
			return 1;
	return 0;
}

static void assert_prefix(const struct sl_rule *r, const char *text, unsigned plen)
{
	if (!has_prefix(r, text, plen))
		fail_msg("src has no %s/%u", text, plen);
}

static void assert_match_str(const struct sl_match_str *m, const char *want)
{
	assert_int_equal(m->len, strlen(want));
	assert_memory_equal(m->bytes, want, m->len);
}

static void assert_reply(const struct sl_settings *s, unsigned i, unsigned code,
			 const char *reason, const char *headers)
{
	assert_int_equal(s->rules[i].action, SL_ACTION_REPLY);
	assert_int_equal(s->replies[i].code, code);
	assert_int_equal(s->rules[i].reply_code, code);
	assert_string_equal(s->replies[i].reason, reason);
	assert_string_equal(s->replies[i].headers, headers);
	assert_int_equal(s->replies[i].headers_len, strlen(headers));
}

/* ---- address ranges allowed in examples ---- */

struct range {
	int family;
	const char *net;
	unsigned plen;
};

static const struct range allowed[] = {
	{ 4, "198.18.0.0", 15 },	/* RFC 2544 benchmarking (tests) */
	{ 4, "192.0.2.0", 24 },		/* RFC 5737 documentation */
	{ 4, "198.51.100.0", 24 },
	{ 4, "203.0.113.0", 24 },
	{ 6, "2001:2::", 48 },		/* RFC 5180 benchmarking (tests) */
	{ 6, "2001:db8::", 32 },	/* RFC 3849 documentation */
};

static int in_range(int family, const unsigned char *addr, unsigned plen)
{
	for (size_t k = 0; k < sizeof(allowed) / sizeof(allowed[0]); k++) {
		unsigned char net[16];
		unsigned bits = allowed[k].plen, b;

		if (allowed[k].family != family || plen < bits)
			continue;
		inet_pton(family == 6 ? AF_INET6 : AF_INET, allowed[k].net, net);
		for (b = 0; b < bits; b++) {
			unsigned char m = 0x80 >> (b % 8);

			if ((addr[b / 8] & m) != (net[b / 8] & m))
				break;
		}
		if (b == bits)
			return 1;
	}
	return 0;
}

static int is_addr_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F') || c == '.' || c == ':';
}

/*
 * Every IP address written anywhere in the file (values, headers,
 * comments): maximal runs of hex digits, '.' and ':' that inet_pton
 * accepts, an IPv4 address possibly followed by ":PORT".
 */
static void check_text_addresses(const char *file, const char *text)
{
	const char *p = text;
	unsigned line = 1;

	while (*p) {
		const char *s, *e;
		char tok[64];
		unsigned char addr[16];
		int dots = 0, colons = 0;
		size_t len;

		if (*p == '\n')
			line++;
		if (!is_addr_char(*p)) {
			p++;
			continue;
		}
		s = p;
		while (is_addr_char(*p))
			p++;
		e = p;
		while (s < e && (*s == ':' || *s == '.'))
			s++;
		while (e > s && (e[-1] == ':' || e[-1] == '.'))
			e--;
		len = e - s;
		if (!len || len >= sizeof(tok))
			continue;
		memcpy(tok, s, len);
		tok[len] = '\0';
		for (size_t i = 0; i < len; i++) {
			dots += tok[i] == '.';
			colons += tok[i] == ':';
		}
		if (dots == 3) {
			char *c = strchr(tok, ':');

			if (c && colons == 1)
				*c = '\0';	/* 198.18.0.1:5060 */
			if (inet_pton(AF_INET, tok, addr) == 1 &&
			    !in_range(4, addr, 32))
				fail_msg("%s:%u: %s is not in 198.18.0.0/15 or a documentation range",
					 file, line, tok);
		} else if (!dots && colons >= 2 &&
			   inet_pton(AF_INET6, tok, addr) == 1 &&
			   !in_range(6, addr, 128)) {
			fail_msg("%s:%u: %s is not in 2001:2::/48 or 2001:db8::/32",
				 file, line, tok);
		}
	}
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (!f)
		fail_msg("cannot open %s", path);
	buf = calloc(1, SL_CONFIG_MAX_FILE + 1);
	assert_non_null(buf);
	n = fread(buf, 1, SL_CONFIG_MAX_FILE, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* ---- every examples/<name>.conf ---- */

static const char *const known[] = {
	"sl-xdp.conf", "options-keepalive.conf", "scanner-reject.conf",
	"load-shed.conf", "redirect.conf", "reply-forward.conf",
};

static void check_generic(const char *path, const struct sl_settings *s)
{
	assert_true(s->window_slots >= SL_WINDOW_SLOTS_MIN);
	assert_true(s->dp.n_ports >= 1 && s->dp.n_ports <= SL_MAX_PORTS);
	if (s->dp.n_rules < 1)
		fail_msg("%s has no rule", path);
	if (s->tag_addr_set) {
		unsigned char addr[16];
		int v6 = strchr(s->tag_addr_ip, ':') != NULL;

		assert_int_equal(inet_pton(v6 ? AF_INET6 : AF_INET,
					   s->tag_addr_ip, addr), 1);
		if (!in_range(v6 ? 6 : 4, addr, v6 ? 128 : 32))
			fail_msg("%s: tag_addr %s is outside the example ranges",
				 path, s->tag_addr_ip);
	}
	for (unsigned i = 0; i < s->dp.n_rules; i++) {
		const struct sl_rule *r = &s->rules[i];
		const struct sl_rule_reply *rep = &s->replies[i];

		assert_true(rep->name[0] != '\0');
		assert_true(r->action <= SL_ACTION_REPLY);
		if (r->action == SL_ACTION_REPLY) {
			if (rep->code < 100 || rep->code > 699 || !rep->reason[0])
				fail_msg("%s: [rule %s] replies '%u %s'", path,
					 rep->name, rep->code, rep->reason);
		} else {
			assert_int_equal(rep->headers_len, 0);
		}
		assert_int_equal(rep->headers_len, strlen(rep->headers));
		if (rep->headers_len)
			assert_string_equal(rep->headers + rep->headers_len - 2, "\r\n");
		for (unsigned k = 0; k < r->n_prefixes; k++)
			if (!in_range(r->prefixes[k].family, r->prefixes[k].addr,
				      r->prefixes[k].plen))
				fail_msg("%s: [rule %s] src prefix %u is outside the example ranges",
					 path, rep->name, k + 1);
	}
	for (unsigned i = 0; i < s->dp.fwd.n_vias; i++)
		if (!in_range(s->dp.fwd.vias[i].family, s->dp.fwd.vias[i].addr,
			      s->dp.fwd.vias[i].family == 6 ? 128 : 32))
			fail_msg("%s: [forward] via %u is outside the example ranges",
				 path, i + 1);
	for (unsigned i = 0; i < s->dp.fwd.n_peers; i++)
		if (!in_range(s->dp.fwd.peers[i].family, s->dp.fwd.peers[i].addr,
			      s->dp.fwd.peers[i].plen))
			fail_msg("%s: [forward] peers prefix %u is outside the example ranges",
				 path, i + 1);
	for (unsigned i = 0; i < s->addresses.n; i++)
		if (!in_range(s->addresses.a[i].family, s->addresses.a[i].addr,
			      s->addresses.a[i].family == 6 ? 128 : 32))
			fail_msg("%s: addresses %u is outside the example ranges",
				 path, i + 1);
	for (unsigned i = 0; i < s->dp.fwd.n_rewrites; i++) {
		const struct sl_fwd_rewrite *w = &s->dp.fwd.rewrites[i];

		assert_true(s->dp.fwd.enabled);
		assert_true(s->rewrite_names[i].name[0] != '\0');
		assert_true(w->reason_len >= 1 && w->reason_len <= SL_FWD_REASON_MAX);
		assert_true(w->n_codes || w->class_digit);
	}
}

static void test_every_example_loads(void **state)
{
	char pattern[PATH_MAX + 64];
	unsigned seen_known = 0;
	glob_t g;

	(void)state;
	snprintf(pattern, sizeof(pattern), "%s/*.conf", examples_dir);
	assert_int_equal(glob(pattern, 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= sizeof(known) / sizeof(known[0]));
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *path = g.gl_pathv[i];
		const char *base = strrchr(path, '/') + 1;
		struct sl_settings *s = calloc(1, sizeof(*s));
		char err[512], *text;
		int is_known = 0;

		assert_non_null(s);
		if (sl_settings_load_file(path, s, err, sizeof(err)))
			fail_msg("%s does not load: %s", path, err);
		check_generic(path, s);
		text = read_text(path);
		check_text_addresses(base, text);
		/* every example shows the reflection limit, and none turns it off */
		if (!strstr(text, "\nrate_limit = ") || !s->rate_limit)
			fail_msg("%s: no rate_limit line, or rate_limit = 0", path);
		free(text);
		for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (!strcmp(base, known[k]))
				is_known = 1;
		if (is_known)
			seen_known++;
		else
			print_message("# %s: loads; no example-specific checks (add them to %s)\n",
				      base, __FILE__);
		free(s);
	}
	assert_int_equal(seen_known, sizeof(known) / sizeof(known[0]));
	globfree(&g);
}

/* ---- each example says what its comments say ---- */

static void test_sl_xdp_conf(void **state)
{
	struct sl_settings *s = load_example("sl-xdp.conf");
	unsigned i;

	(void)state;
	/* the commented reference file: every [sl] key at its default */
	assert_int_equal(s->dp.n_ports, 1);
	assert_int_equal(s->dp.ports[0], 5060);
	assert_int_equal(s->default_code, 500);
	assert_string_equal(s->default_reason, "Internal Server Error");
	assert_string_equal(s->server_header, "Server: sl-xdp");
	assert_string_equal(s->tag_seed, "KAMAILIO-stateless");
	assert_false(s->tag_addr_set);
	assert_true(s->dp.ack_window_ns == 2000000000ULL);
	assert_int_equal(s->dp.default_action, SL_ACTION_PASS);
	assert_int_equal(s->window_slots, SL_WINDOW_SLOTS_DEFAULT);
	assert_int_equal(s->rate_limit, SL_RATE_LIMIT_DEFAULT);
	assert_int_equal(s->burst, SL_BURST_DEFAULT);

	i = need_rule(s, "blocked");
	assert_int_equal(s->rules[i].action, SL_ACTION_DROP);
	assert_true(s->rules[i].keys & SL_KEY_SRC);
	i = need_rule(s, "friendly-scanner");
	assert_match_str(&s->rules[i].user_agent, "friendly-scanner");
	assert_int_equal(s->rules[i].action, SL_ACTION_DROP);	/* silently */
	i = need_rule(s, "options-ping");
	assert_method(&s->rules[i], "OPTIONS");
	assert_reply(s, i, 200, "OK", "");
	free(s);
}

static void test_options_keepalive(void **state)
{
	struct sl_settings *s = load_example("options-keepalive.conf");
	const struct sl_rule *r;
	unsigned i;

	(void)state;
	assert_int_equal(s->dp.n_ports, 2);
	assert_int_equal(s->dp.ports[0], 5060);
	assert_int_equal(s->dp.ports[1], 5080);
	assert_string_equal(s->server_header, "Server: edge-proxy");
	assert_false(s->tag_addr_set);
	/* in front of a SIP server: everything else passes */
	assert_int_equal(s->dp.default_action, SL_ACTION_PASS);
	assert_int_equal(s->dp.n_rules, 1);
	assert_int_equal(s->dp.rules_need, SL_NEED_METHOD);

	i = need_rule(s, "options-ping");
	r = &s->rules[i];
	assert_int_equal(r->keys, SL_KEY_METHOD | SL_KEY_SRC);
	assert_method(r, "OPTIONS");
	assert_int_equal(r->n_prefixes, 3);
	assert_prefix(r, "198.18.0.0", 15);
	assert_prefix(r, "192.0.2.0", 24);
	assert_prefix(r, "2001:2::", 48);
	assert_reply(s, i, 200, "OK",
		     "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, NOTIFY\r\n"
		     "Accept: application/sdp\r\n");
	free(s);
}

static void test_scanner_reject(void **state)
{
	static const struct {
		const char *rule, *ua;
	} scanners[] = {
		{ "friendly-scanner", "friendly-scanner" },
		{ "sipvicious", "sipvicious" },
		{ "sipcli", "sipcli" },
		{ "vaxsip", "vaxsipuseragent" },	/* stored lower case */
		{ "sundayddr", "sundayddr" },
		{ "pplsip", "pplsip" },
		{ "iwar", "iwar" },
		{ "sip-scan", "sip-scan" },
	};
	static const char *const served[] = {
		"INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "PRACK",
		"UPDATE", "INFO", "REFER", "NOTIFY", "SUBSCRIBE", "MESSAGE",
	};
	struct sl_settings *s = load_example("scanner-reject.conf");
	const struct sl_rule *r;
	unsigned i, bf, reg, odd;

	(void)state;
	assert_string_equal(s->server_header, "");	/* tell nothing */
	assert_int_equal(s->dp.default_action, SL_ACTION_PASS);
	assert_int_equal(s->dp.rules_need, SL_NEED_USER_AGENT | SL_NEED_METHOD);
	assert_int_equal(s->dp.n_rules, 3 + sizeof(scanners) / sizeof(scanners[0]));

	/* brute-force REGISTER from these networks: dropped, and first */
	bf = need_rule(s, "bruteforce");
	assert_int_equal(bf, 0);
	r = &s->rules[bf];
	assert_int_equal(r->keys, SL_KEY_METHOD | SL_KEY_SRC);
	assert_method(r, "REGISTER");
	assert_int_equal(r->action, SL_ACTION_DROP);
	assert_int_equal(r->n_prefixes, 3);
	assert_prefix(r, "198.51.100.0", 24);
	assert_prefix(r, "203.0.113.128", 25);
	assert_prefix(r, "2001:db8:bad::", 48);

	/* scanners: dropped without a reply, any method, by User-Agent */
	for (size_t k = 0; k < sizeof(scanners) / sizeof(scanners[0]); k++) {
		i = need_rule(s, scanners[k].rule);
		r = &s->rules[i];
		assert_int_equal(r->keys, SL_KEY_USER_AGENT);
		assert_match_str(&r->user_agent, scanners[k].ua);
		assert_int_equal(r->action, SL_ACTION_DROP);
		assert_int_equal(s->replies[i].headers_len, 0);
		assert_true(i > bf);
	}

	/* every method but those the PBX serves: dropped */
	odd = need_rule(s, "odd-methods");
	r = &s->rules[odd];
	assert_int_equal(r->keys, SL_KEY_METHOD);
	assert_int_equal(r->action, SL_ACTION_DROP);
	for (size_t k = 0; k < sizeof(served) / sizeof(served[0]); k++)
		if (sl_rule_takes_method(s, r, served[k]))
			fail_msg("odd-methods takes %s", served[k]);
	assert_true(sl_rule_takes_method(s, r, "PUBLISH"));
	assert_true(sl_rule_takes_method(s, r, "FOO"));
	assert_true(sl_rule_takes_method(s, r, "invite"));

	/* every other REGISTER passes to the PBX, explicitly and last */
	reg = need_rule(s, "register");
	assert_int_equal(reg, s->dp.n_rules - 1);
	assert_int_equal(s->rules[reg].keys, SL_KEY_METHOD);
	assert_method(&s->rules[reg], "REGISTER");
	assert_int_equal(s->rules[reg].action, SL_ACTION_PASS);
	free(s);
}

static void test_load_shed(void **state)
{
	struct sl_settings *s = load_example("load-shed.conf");
	unsigned opt, inv;

	(void)state;
	assert_int_equal(s->dp.default_action, SL_ACTION_PASS);
	assert_int_equal(s->dp.n_rules, 2);	/* shed-register is commented out */
	assert_int_equal(rule_index(s, "shed-register"), -1);

	opt = need_rule(s, "options-ping");
	inv = need_rule(s, "shed-invite");
	assert_true(opt < inv);		/* keep-alives still answered */
	assert_method(&s->rules[opt], "OPTIONS");
	assert_reply(s, opt, 200, "OK", "");
	assert_int_equal(s->rules[inv].keys, SL_KEY_METHOD);
	assert_method(&s->rules[inv], "INVITE");
	assert_reply(s, inv, 503, "Service Unavailable", "Retry-After: 30\r\n");
	free(s);
}

static void test_redirect(void **state)
{
	struct sl_settings *s = load_example("redirect.conf");
	unsigned i, last;

	(void)state;
	/* default: 404 Not Found to whatever no rule matches */
	assert_int_equal(s->default_code, 404);
	assert_string_equal(s->default_reason, "Not Found");
	assert_int_equal(s->dp.default_action, SL_ACTION_REPLY);
	assert_string_equal(s->server_header, "Server: sl-xdp redirect");
	assert_true(s->tag_addr_set);
	assert_string_equal(s->tag_addr_ip, "198.18.0.53");
	assert_string_equal(s->tag_addr_port, "5060");
	assert_int_equal(s->dp.n_rules, 6);

	i = need_rule(s, "options-ping");
	assert_method(&s->rules[i], "OPTIONS");
	assert_reply(s, i, 200, "OK", "");

	i = need_rule(s, "ack");
	assert_method(&s->rules[i], "ACK");
	assert_int_equal(s->rules[i].action, SL_ACTION_DROP);

	i = need_rule(s, "redirect-de");
	assert_int_equal(s->rules[i].keys, SL_KEY_METHOD | SL_KEY_RURI_USER);
	assert_method(&s->rules[i], "INVITE");
	assert_match_str(&s->rules[i].ruri_user_prefix, "+49");
	assert_reply(s, i, 302, "Moved Temporarily",
		     "Contact: <sip:198.51.100.49:5060;transport=udp>;q=1.0\r\n"
		     "Contact: <sip:203.0.113.49:5060;transport=udp>;q=0.5\r\n");

	i = need_rule(s, "redirect-fr");
	assert_method(&s->rules[i], "INVITE");
	assert_match_str(&s->rules[i].ruri_user_prefix, "+33");
	assert_reply(s, i, 302, "Moved Temporarily",
		     "Contact: <sip:[2001:db8:33::1]:5060;transport=udp>\r\n");

	i = need_rule(s, "redirect-us");
	assert_method(&s->rules[i], "INVITE");
	assert_match_str(&s->rules[i].ruri_user_prefix, "+1");
	assert_reply(s, i, 302, "Moved Temporarily",
		     "Contact: <sip:198.51.100.1:5060;transport=udp>\r\n"
		     "Expires: 300\r\n");

	/* an INVITE to any other number: 404, after all redirects */
	last = need_rule(s, "no-route");
	assert_int_equal(last, s->dp.n_rules - 1);
	assert_int_equal(s->rules[last].keys, SL_KEY_METHOD);
	assert_method(&s->rules[last], "INVITE");
	assert_reply(s, last, 404, "Not Found", "");
	free(s);
}

static int rewrite_index(const struct sl_settings *s, const char *name)
{
	for (unsigned i = 0; i < s->dp.fwd.n_rewrites; i++)
		if (!strcmp(s->rewrite_names[i].name, name))
			return (int)i;
	fail_msg("no [rewrite %s]", name);
	return -1;
}

static void assert_rewrite(const struct sl_fwd_rewrite *w, const char *code,
			   const char *reason)
{
	assert_memory_equal(w->new_code, code, 4);
	assert_int_equal(w->reason_len, strlen(reason));
	assert_memory_equal(w->reason, reason, w->reason_len);
}

static void test_reply_forward(void **state)
{
	struct sl_settings *s = load_example("reply-forward.conf");
	const struct sl_fwd_config *f = &s->dp.fwd;
	const struct sl_fwd_rewrite *w;
	static const __u8 via[4] = { 198, 18, 0, 1 };
	static const __u8 via6[16] = { 0x20, 0x01, 0, 0x02, [15] = 1 };
	int hide, no503, decline;

	(void)state;
	/* in front of the proxy: requests pass, keep-alives answered */
	assert_int_equal(s->dp.default_action, SL_ACTION_PASS);
	assert_int_equal(s->dp.n_rules, 1);
	assert_method(&s->rules[need_rule(s, "options-ping")], "OPTIONS");
	assert_true(s->tag_addr_set);
	assert_string_equal(s->tag_addr_ip, "198.18.0.1");

	/* our sent-by: the proxy's address and a served port */
	assert_int_equal(f->enabled, 1);
	assert_int_equal(f->n_vias, 2);
	assert_int_equal(f->vias[0].family, 4);
	assert_memory_equal(f->vias[0].addr, via, 4);
	assert_int_equal(f->vias[0].port, 5060);
	assert_int_equal(f->vias[0].port, s->dp.ports[0]);
	assert_int_equal(f->vias[1].family, 6);
	assert_memory_equal(f->vias[1].addr, via6, 16);
	assert_int_equal(f->vias[1].port, 5060);

	/* not an open relay: the upstreams, this interface, the default rate */
	assert_int_equal(f->n_peers, 2);
	assert_int_equal(f->peers[0].family, 4);
	assert_int_equal(f->peers[0].plen, 24);
	assert_int_equal(f->peers[1].family, 6);
	assert_int_equal(f->peers[1].plen, 48);
	assert_int_equal(f->allow_redirect, 0);
	assert_int_equal(s->fwd_rate_limit, SL_FWD_RATE_DEFAULT);
	assert_int_equal(s->fwd_burst, SL_FWD_BURST_DEFAULT);

	/* file order; each within its class */
	assert_int_equal(f->n_rewrites, 3);
	hide = rewrite_index(s, "hide-480");
	no503 = rewrite_index(s, "no-503");
	decline = rewrite_index(s, "decline");
	assert_true(hide < no503 && no503 < decline);

	w = &f->rewrites[hide];
	assert_int_equal(w->n_codes, 1);
	assert_int_equal(w->codes[0], 480);
	assert_rewrite(w, "404", "Not Found");

	w = &f->rewrites[no503];
	assert_int_equal(w->n_codes, 1);
	assert_int_equal(w->codes[0], 503);
	assert_rewrite(w, "500", "Server Internal Error");

	w = &f->rewrites[decline];
	assert_int_equal(w->n_codes, 0);
	assert_int_equal(w->class_digit, 6);
	assert_rewrite(w, "603", "Decline");	/* the RFC 3261 reason */
	free(s);
}

/* A damaged example is reported with its file and line: the loader
 * these tests rely on does catch breakage. */
static void test_damaged_example_is_reported(void **state)
{
	struct sl_settings *s = calloc(1, sizeof(*s));
	char path[PATH_MAX + 64], err[512], want[64], *text, *at;
	unsigned line = 1;

	(void)state;
	assert_non_null(s);
	snprintf(path, sizeof(path), "%s/load-shed.conf", examples_dir);
	text = read_text(path);
	at = strstr(text, "reply = 503 Service Unavailable");
	assert_non_null(at);
	for (const char *p = text; p < at; p++)
		line += *p == '\n';
	memcpy(at + strlen("reply = "), "5O3", 3);	/* letter O */
	assert_int_equal(sl_settings_load_string(text, "load-shed.conf", s, err,
						 sizeof(err)), -1);
	snprintf(want, sizeof(want), "load-shed.conf:%u: reply:", line);
	if (strncmp(err, want, strlen(want)))
		fail_msg("want '%s...', got '%s'", want, err);
	free(text);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_example_loads),
		cmocka_unit_test(test_sl_xdp_conf),
		cmocka_unit_test(test_options_keepalive),
		cmocka_unit_test(test_scanner_reject),
		cmocka_unit_test(test_load_shed),
		cmocka_unit_test(test_redirect),
		cmocka_unit_test(test_reply_forward),
		cmocka_unit_test(test_damaged_example_is_reported),
	};

	if (locate_examples()) {
		fprintf(stderr, "test_examples: cannot find examples/ (run from the repository root or set SL_ROOT)\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
