// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Every RFC 4475 torture message and every RFC 3261 example through the
 * XDP program, in an IPv4 and an IPv6 UDP frame to 5060, with
 * default_action = reply, a signature and an empty reply window:
 *  - a response passes (sip_responses);
 *  - a request is handed to the responder (here: the XDP_PASS fallback
 *    of the redirect, redirect_fallback), which decides 400/505/501...,
 *    except a request line that has no SIP version (test.dat): it
 *    passes as a parse failure and is never redirected;
 *  - a payload over the 2048-byte scratch buffer counts `truncated`;
 *  - nothing is ever dropped.
 * Then every request rewritten into an ACK (request line and CSeq
 * method): never absorbed, never answered.
 *
 * Expectations come from the corpus index (index.tsv start lines) and
 * the files' first lines, not from the program.  The corpus is found
 * through $SL_CORPUS_DIR (the corpus root or its rfc4475 folder), else
 * ../shared/corpus next to the repository root ($SL_ROOT, the current
 * directory, or the one of this binary).
 */
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
#include <unistd.h>
#include <cmocka.h>

#include "corpus_files.h"
#include "fixture_env.h"
#include "frame.h"

#define MAX_FILES	128
#define MAX_MSG		(FRAME_MAX - 256)

enum expect {
	EXP_RESPONSE,
	EXP_REQUEST,
	EXP_BAD_REQUEST_LINE,
};

struct corpus_msg {
	char name[96];		/* rfc4475/longreq.dat */
	__u8 *data;
	size_t len;
	enum expect expect;
};

enum variant { V_IPV4, V_IPV6, V_ACK_IPV4, V_ACK_IPV6 };

struct corpus_case {
	const struct corpus_msg *m;
	enum variant v;
	char name[128];
};

static struct corpus_msg msgs[MAX_FILES];
static unsigned int n_msgs;
static struct corpus_case cases[MAX_FILES * 4];
static unsigned int n_cases;
static char corpus_dir[1024];
static int n_index_rows;

static __u8 frame[FRAME_MAX];
static __u8 ack_buf[MAX_MSG + 64];
static struct fx_result res;

/* ------------------------------------------------------------------ */
/* finding and reading the corpus */

/* The corpus root, by tests/lib/corpus_files.h's search. */
static bool locate_corpus(void)
{
	if (!find_corpus())
		return false;
	return snprintf(corpus_dir, sizeof(corpus_dir), "%s", corpus) <
	       (int)sizeof(corpus_dir);
}

static __u8 *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	__u8 *buf;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf)
		*len = (size_t)n;
	return buf;
}

/* A request line without a trailing "SIP/x" token is no request line. */
static enum expect classify_start_line(const char *line, size_t len)
{
	const char *last;
	size_t i;

	if (len >= 4 && !memcmp(line, "SIP/", 4))
		return EXP_RESPONSE;
	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	for (i = len; i > 0 && line[i - 1] != ' '; i--)
		;
	last = line + i;
	if (i == 0 || len - i < 4 || strncasecmp(last, "SIP/", 4))
		return EXP_BAD_REQUEST_LINE;
	return EXP_REQUEST;
}

static int add_msg(const char *sub, const char *file, const char *start_line)
{
	struct corpus_msg *m;
	char path[PATH_MAX];
	const __u8 *eol;

	if (n_msgs >= MAX_FILES) {
		fprintf(stderr, "corpus: too many files\n");
		return -1;
	}
	m = &msgs[n_msgs];
	snprintf(m->name, sizeof(m->name), "%s/%s", sub, file);
	snprintf(path, sizeof(path), "%s/%s/%s", corpus_dir, sub, file);
	m->data = read_file(path, &m->len);
	if (!m->data || m->len == 0 || m->len > MAX_MSG) {
		fprintf(stderr, "corpus: cannot use %s\n", path);
		return -1;
	}
	if (start_line) {
		size_t ascii = 0;

		/* the index's start line must be the file's (its non-ASCII
		 * text is re-encoded in the index: compare up to there) */
		while (start_line[ascii] && (__u8)start_line[ascii] < 0x80)
			ascii++;
		if (ascii < 4 || strncmp((const char *)m->data, start_line, ascii)) {
			fprintf(stderr, "corpus: %s does not start with its index line\n",
				m->name);
			return -1;
		}
		m->expect = classify_start_line(start_line, strlen(start_line));
	} else {
		eol = memchr(m->data, '\n', m->len);
		m->expect = classify_start_line((const char *)m->data,
						eol ? (size_t)(eol - m->data) - 1 :
						      m->len);
	}
	n_msgs++;
	return 0;
}

/* index.tsv: file, section, classification, bytes, start_line, ... */
static int load_rfc4475(void)
{
	char path[PATH_MAX], line[8192];
	FILE *f;
	int first = 1;

	snprintf(path, sizeof(path), "%s/rfc4475/index.tsv", corpus_dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *col[6] = { 0 }, *p = line;
		int i;

		line[strcspn(line, "\r\n")] = '\0';
		if (first) {
			first = 0;
			continue;
		}
		for (i = 0; i < 6 && p; i++) {
			col[i] = p;
			p = strchr(p, '\t');
			if (p)
				*p++ = '\0';
		}
		if (!col[4] || !*col[0])
			continue;
		if (add_msg("rfc4475", col[0], col[4]))
			goto fail;
		/* the size in the index is the file's */
		if ((size_t)strtoul(col[3], NULL, 10) != msgs[n_msgs - 1].len) {
			fprintf(stderr, "corpus: %s: %zu bytes, index says %s\n",
				col[0], msgs[n_msgs - 1].len, col[3]);
			goto fail;
		}
		n_index_rows++;
	}
	fclose(f);
	return 0;
fail:
	fclose(f);
	return -1;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files in dir ending with ext, sorted; returns how many, -1 on error. */
static int list_dir(const char *sub, const char *ext, char **names, int max)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int n = 0;
	size_t el = strlen(ext);

	snprintf(path, sizeof(path), "%s/%s", corpus_dir, sub);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l > el && !strcmp(de->d_name + l - el, ext) && n < max)
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_name);
	return n;
}

static int load_corpus(void)
{
	char *names[MAX_FILES];
	int n, i, j, ok = 0;

	if (!locate_corpus()) {
		fprintf(stderr, "corpus: not found; set SL_CORPUS_DIR\n");
		return -1;
	}
	if (load_rfc4475())
		return -1;
	/* every .dat is in the index */
	n = list_dir("rfc4475", ".dat", names, MAX_FILES);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		char want[96];
		bool found = false;

		snprintf(want, sizeof(want), "rfc4475/%s", names[i]);
		for (j = 0; j < (int)n_msgs; j++)
			found |= !strcmp(msgs[j].name, want);
		if (!found) {
			fprintf(stderr, "corpus: %s is not in index.tsv\n", want);
			ok = -1;
		}
		free(names[i]);
	}
	if (n != n_index_rows) {
		fprintf(stderr, "corpus: %d .dat files, %d index rows\n", n,
			n_index_rows);
		ok = -1;
	}
	n = list_dir("rfc3261", ".sip", names, MAX_FILES);
	if (n <= 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (add_msg("rfc3261", names[i], NULL))
			ok = -1;
		free(names[i]);
	}
	return ok;
}

/* ------------------------------------------------------------------ */
/* ACK rewrite */

static bool name_is(const __u8 *p, const __u8 *end, const char *name)
{
	size_t n = strlen(name);

	if ((size_t)(end - p) < n || strncasecmp((const char *)p, name, n))
		return false;
	p += n;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p < end && *p == ':';
}

/*
 * The request with its method replaced by ACK, in the request line and
 * in every CSeq header of the header section.  Returns the length.
 */
static size_t make_ack(const struct corpus_msg *m, __u8 *out, size_t cap)
{
	const __u8 *p = m->data, *end = m->data + m->len;
	const __u8 *sp = memchr(p, ' ', m->len);
	size_t o = 0;

	if (!sp || cap < m->len + 64)
		return 0;
	memcpy(out, "ACK", 3);
	o = 3;
	p = sp;
	/* request line */
	while (p < end && *p != '\n')
		out[o++] = *p++;
	while (p < end) {
		const __u8 *line = ++p - 1, *hend, *tok_s, *tok_e;

		out[o++] = *line;		/* the LF */
		if (p >= end)
			break;
		if (*p == '\r' || *p == '\n') {	/* end of headers */
			memcpy(out + o, p, end - p);
			o += end - p;
			break;
		}
		/* header end: the LF not followed by SP/HT */
		hend = p;
		for (;;) {
			hend = memchr(hend, '\n', end - hend);
			if (!hend) {
				hend = end;
				break;
			}
			if (hend + 1 < end && (hend[1] == ' ' || hend[1] == '\t')) {
				hend++;
				continue;
			}
			break;
		}
		if (name_is(p, hend, "CSeq")) {
			/* last token before the line end */
			tok_e = hend;
			while (tok_e > p && isspace(tok_e[-1]))
				tok_e--;
			tok_s = tok_e;
			while (tok_s > p && !isspace(tok_s[-1]) && tok_s[-1] != ':')
				tok_s--;
			if (tok_s < tok_e && !isdigit(*tok_s)) {
				memcpy(out + o, p, tok_s - p);
				o += tok_s - p;
				memcpy(out + o, "ACK", 3);
				o += 3;
				p = tok_e;
			}
		}
		memcpy(out + o, p, hend - p);
		o += hend - p;
		p = hend;
		if (p >= end)
			break;
	}
	return o;
}

/* ------------------------------------------------------------------ */
/* the tests */

static int group_setup(void **state)
{
	(void)state;
	if (fx_load())
		return -1;
	/* signature set, no rules */
	return fx_config(FX_SL "default_action = reply\n") ? -1 : 0;
}

static int group_teardown(void **state)
{
	(void)state;
	fx_unload();
	return 0;
}

static int case_setup(void **state)
{
	(void)state;
	return fx_reset() ? -1 : 0;
}

static void expected(const struct corpus_case *c, const void *payload,
		     size_t plen, struct sl_dp_counters *w)
{
	memset(w, 0, sizeof(*w));
	w->packets = 1;
	w->sip_udp = 1;
	switch (c->m->expect) {
	case EXP_RESPONSE:
		w->sip_responses = 1;
		return;
	case EXP_BAD_REQUEST_LINE:
		w->parse_failures = 1;
		break;
	case EXP_REQUEST:
		w->sip_requests = 1;
		if (plen >= 4 && !memcmp(payload, "ACK ", 4)) {
			w->acks_passed = 1;
			w->passed_by_rule = 1;	/* an ACK is not answered */
		} else {
			w->redirect_fallback = 1;
		}
		break;
	}
	if (plen > SL_SCRATCH_LEN)
		w->truncated = 1;
}

static void test_corpus_case(void **state)
{
	const struct corpus_case *c = *state;
	struct frame_spec fs = {
		.family = (c->v == V_IPV6 || c->v == V_ACK_IPV6) ? 6 : 4,
	};
	const void *payload = c->m->data;
	size_t plen = c->m->len, len;
	struct sl_dp_counters want, got;
	char diff[2048];

	if (c->v == V_ACK_IPV4 || c->v == V_ACK_IPV6) {
		plen = make_ack(c->m, ack_buf, sizeof(ack_buf));
		assert_true(plen > 0);
		assert_memory_equal(ack_buf, "ACK ", 4);
		payload = ack_buf;
	}
	len = frame_build(frame, sizeof(frame), &fs, payload, plen);
	assert_true(len > 0);
	expected(c, payload, plen, &want);

	if (fx_run(frame, len, &res))
		fail_msg("test run failed: %s", strerror(-res.err));
	assert_int_equal(fx_counters(&got), 0);
	/* the ACK's reason for passing depends on its To-tag: a foreign
	 * one has no entry, none is no tag; either is fine here */
	if (want.acks_passed && got.acks_no_entry <= 1)
		want.acks_no_entry = got.acks_no_entry;
	if (res.verdict != XDP_PASS || fx_counters_diff(&want, &got, diff,
							 sizeof(diff)))
		fail_msg("%s (%zu-byte frame%s): verdict %s, want XDP_PASS\n%s",
			 c->name, len,
			 len > FX_LINEAR_MAX ? ", the tail in an XDP fragment" : "",
			 fx_verdict_name(res.verdict), diff);
	if (want.redirect_fallback) {
		if (!res.has_meta || res.meta.magic != SL_META_MAGIC ||
		    res.meta.rule != SL_META_DEFAULT_RULE)
			fail_msg("%s: metadata missing or wrong (meta_len %u, rule %#x)",
				 c->name, res.meta_len, res.meta.rule);
	} else {
		assert_int_equal(res.meta_len, 0);
	}
	/* passed frames reach the stack unchanged */
	assert_int_equal(res.out_len, res.meta_len + len);
	assert_memory_equal(res.out + res.meta_len, frame, len);
}

/* The corpus itself: the classification the other cases rely on. */
static void test_corpus_inventory(void **state)
{
	unsigned int i, resp = 0, bad = 0, req = 0;
	bool longreq = false;

	(void)state;
	for (i = 0; i < n_msgs; i++) {
		resp += msgs[i].expect == EXP_RESPONSE;
		bad += msgs[i].expect == EXP_BAD_REQUEST_LINE;
		req += msgs[i].expect == EXP_REQUEST;
		if (!strcmp(msgs[i].name, "rfc4475/longreq.dat")) {
			longreq = true;
			assert_int_equal(msgs[i].len, 3515);
		}
	}
	assert_true(longreq);
	/* README: 50 files, responses unreason, noreason, scalarlg,
	 * bigcode, bcast; test.dat has no SIP version; RFC 3261: 17
	 * examples, 10 of them responses */
	assert_int_equal(n_index_rows, 50);
	assert_int_equal(n_msgs, 50 + 17);
	assert_int_equal(resp, 5 + 10);
	assert_int_equal(bad, 1);
	assert_int_equal(req, 44 + 7);
}

static const char *const variant_names[] = {
	[V_IPV4] = "IPv4", [V_IPV6] = "IPv6",
	[V_ACK_IPV4] = "as ACK, IPv4", [V_ACK_IPV6] = "as ACK, IPv6",
};

int main(void)
{
	struct CMUnitTest *tests;
	unsigned int i, v, n = 0;
	int rc;

	if (load_corpus()) {
		fprintf(stderr, "corpus: cannot load the corpus\n");
		return 1;
	}
	for (i = 0; i < n_msgs; i++) {
		for (v = V_IPV4; v <= V_ACK_IPV6; v++) {
			struct corpus_case *c;

			if (v >= V_ACK_IPV4 && msgs[i].expect == EXP_RESPONSE)
				continue;
			c = &cases[n_cases++];
			c->m = &msgs[i];
			c->v = (enum variant)v;
			snprintf(c->name, sizeof(c->name), "%s %s",
				 msgs[i].name, variant_names[v]);
		}
	}
	tests = calloc(n_cases + 1, sizeof(*tests));
	if (!tests)
		return 1;
	tests[n].name = "corpus inventory";
	tests[n++].test_func = test_corpus_inventory;
	for (i = 0; i < n_cases; i++, n++) {
		tests[n].name = cases[i].name;
		tests[n].test_func = test_corpus_case;
		tests[n].setup_func = case_setup;
		tests[n].initial_state = &cases[i];
	}
	rc = _cmocka_run_group_tests("corpus", tests, n, group_setup,
				     group_teardown);
	free(tests);
	for (i = 0; i < n_msgs; i++)
		free(msgs[i].data);
	return rc;
}
