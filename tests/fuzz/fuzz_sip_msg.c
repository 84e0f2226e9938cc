// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target: sip_msg_parse() on arbitrary bytes.
 *
 * The input is parsed where libFuzzer put it (a heap block of exactly
 * that size, so ASan sees any read past the end) and checked:
 *  - the return value: -1 exactly for empty, too long or CR/LF-only input;
 *  - every span and offset lies inside the buffer, and inside the range
 *    it belongs to (start line, the header it was taken from);
 *  - the header table is ordered, first[] / count[] agree with it, and
 *    each type is what sip_hdr_type_of() says for the name (the parser
 *    has a word-at-a-time fast path for that);
 *  - only known error bits, is_response consistent with the start line;
 *  - the buffer is not written to, and a copy at another address (one
 *    byte off the alignment) parses to the same result.
 * Any violation aborts, which libFuzzer reports as a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sip/sip_msg.h"

#define ALL_ERRORS	((SIP_E_CLEN_MISMATCH << 1) - 1)

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_sip_msg: %s:%d: check failed: %s\n", \
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

/* sp absent, or inside [lo, hi) with lo <= hi <= the message length. */
static void span_in(const struct sip_msg *m, struct sip_span sp, __u64 lo,
		    __u64 hi)
{
	if (sp.off == SIP_NONE) {
		CHECK(sp.len == 0);
		return;
	}
	CHECK(hi <= m->len);
	CHECK(sp.off >= lo);
	CHECK((__u64)sp.off + sp.len <= hi);
}

static const struct sip_hdr *hdr_at(const struct sip_msg *m, __u8 idx)
{
	CHECK(idx != SIP_NO_HDR);
	CHECK(idx < m->n_hdrs);
	return &m->hdrs[idx];
}

static void check_nameaddr(const struct sip_msg *m,
			   const struct sip_nameaddr *na, int type)
{
	const struct sip_hdr *h;

	if (na->hdr == SIP_NO_HDR) {
		CHECK(m->first[type] == SIP_NO_HDR);
		CHECK(!sip_span_present(na->uri) && !sip_span_present(na->tag));
		CHECK(!na->has_tag);
		return;
	}
	CHECK(na->hdr == m->first[type]);
	h = hdr_at(m, na->hdr);
	CHECK(h->type == type);
	span_in(m, na->uri, h->body, h->body_end);
	span_in(m, na->tag, h->body, h->body_end);
	CHECK(na->has_tag == sip_span_present(na->tag));
	CHECK(na->body_end >= h->body && na->body_end <= h->body_end);
}

static void check_via(const struct sip_msg *m)
{
	const struct sip_via *v = &m->via;
	const struct sip_hdr *h;
	__u64 lo, hi;
	int i;

	if (v->hdr == SIP_NO_HDR) {
		CHECK(m->first[SIP_HDR_VIA] == SIP_NO_HDR);
		CHECK(!v->usable && !v->has_rport && !v->n_received);
		CHECK(!sip_span_present(v->host));
		return;
	}
	CHECK(v->hdr == m->first[SIP_HDR_VIA]);
	h = hdr_at(m, v->hdr);
	CHECK(h->type == SIP_HDR_VIA);
	lo = h->body;
	hi = h->body_end;
	span_in(m, v->proto, lo, hi);
	span_in(m, v->transport, lo, hi);
	span_in(m, v->host, lo, hi);
	span_in(m, v->port, lo, hi);
	span_in(m, v->branch, lo, hi);
	span_in(m, v->branch_param, lo, hi);
	span_in(m, v->rport_value, lo, hi);
	span_in(m, v->rport_param, lo, hi);
	for (i = 0; i < SIP_VIA_MAX_RECEIVED; i++) {
		span_in(m, v->received_param[i], lo, hi);
		CHECK(sip_span_present(v->received_param[i]) == (i < v->n_received));
	}
	CHECK(v->value_end >= lo && v->value_end <= hi);
	CHECK(v->has_rport == sip_span_present(v->rport_param));
	if (sip_span_present(v->rport_value))
		CHECK(v->has_rport);
	if (sip_span_present(v->branch))
		CHECK(sip_span_present(v->branch_param));
	if (v->usable) {
		CHECK(sip_span_present(v->proto) && sip_span_present(v->host));
		CHECK(v->host.len > 0);
		CHECK(v->port_num <= 65535);
		CHECK(sip_span_present(v->port) || v->port_num == 0);
	}
	/* the parameters come after the host */
	if (sip_span_present(v->host)) {
		if (sip_span_present(v->rport_param))
			CHECK(v->rport_param.off >= v->host.off + v->host.len);
		if (sip_span_present(v->branch_param))
			CHECK(v->branch_param.off >= v->host.off + v->host.len);
	}
}

static void check_msg(const struct sip_msg *m, const char *buf, size_t len)
{
	unsigned int count[SIP_HDR_TYPES];
	const struct sip_hdr *h;
	__u32 prev_end;
	int i, t;

	CHECK(m->buf == buf);
	CHECK(m->len == len);
	CHECK((m->errors & ~(__u32)ALL_ERRORS) == 0);
	CHECK(m->start < len);
	CHECK(m->start <= m->start_end && m->start_end <= len);
	CHECK(m->body <= len);
	CHECK(m->eoh || m->body == len);
	CHECK(m->eoh == !(m->errors & SIP_E_NO_EOH));
	/* the start line is the first byte that is not CR/LF */
	for (i = 0; (__u32)i < m->start; i++)
		CHECK(buf[i] == '\r' || buf[i] == '\n');
	CHECK(buf[m->start] != '\r' && buf[m->start] != '\n');
	if (m->eoh)
		CHECK(m->body >= m->start_end);

	span_in(m, m->method, m->start, m->start_end);
	span_in(m, m->uri, m->start, m->start_end);
	span_in(m, m->version, m->start, m->start_end);
	if (m->is_response) {
		CHECK(len - m->start >= 4 &&
		      !strncasecmp(buf + m->start, "SIP/", 4));
		CHECK(!sip_span_present(m->method));
		CHECK(m->status <= 999);
	} else {
		CHECK(m->status == 0);
		/* no start line that parses: an error says so */
		if (!sip_span_present(m->version))
			CHECK(m->errors & SIP_E_START_LINE);
		if (sip_span_present(m->method) && sip_span_present(m->uri))
			CHECK(m->uri.off >= m->method.off + m->method.len);
		if (sip_span_present(m->uri) && sip_span_present(m->version))
			CHECK(m->version.off >= m->uri.off + m->uri.len);
	}

	/* the header table */
	CHECK(m->n_hdrs <= SIP_MAX_HEADERS);
	memset(count, 0, sizeof(count));
	prev_end = m->start_end;
	for (i = 0; i < m->n_hdrs; i++) {
		h = &m->hdrs[i];
		CHECK(h->type < SIP_HDR_TYPES);
		CHECK(h->name >= prev_end);
		CHECK(h->name_len > 0);
		CHECK((__u64)h->name + h->name_len <= h->body);
		CHECK(h->body <= h->body_end);
		CHECK(h->body_end <= h->end);
		CHECK(h->end <= len);
		CHECK(h->end > h->name);
		if (m->eoh)
			CHECK(h->end <= m->body);
		CHECK(h->type == sip_hdr_type_of(buf + h->name, h->name_len));
		if (m->first[h->type] == SIP_NO_HDR || m->first[h->type] > i)
			CHECK(0);	/* first[] must point at the first */
		if (!count[h->type])
			CHECK(m->first[h->type] == i);
		count[h->type]++;
		prev_end = h->end;
	}
	for (t = 0; t < SIP_HDR_TYPES; t++) {
		CHECK(m->count[t] == (count[t] > 255 ? 255 : count[t]));
		if (!count[t])
			CHECK(m->first[t] == SIP_NO_HDR);
	}
	if (m->n_hdrs == SIP_MAX_HEADERS)
		(void)0;	/* more fields may have been dropped */
	else
		CHECK(!(m->errors & SIP_E_TOO_MANY_HDRS));

	check_via(m);
	check_nameaddr(m, &m->from, SIP_HDR_FROM);
	check_nameaddr(m, &m->to, SIP_HDR_TO);
	if (m->first[SIP_HDR_CALLID] != SIP_NO_HDR) {
		h = hdr_at(m, m->first[SIP_HDR_CALLID]);
		span_in(m, m->callid, h->body, h->body_end);
		CHECK(sip_span_present(m->callid));
	} else {
		CHECK(!sip_span_present(m->callid));
	}
	if (m->cseq.hdr != SIP_NO_HDR) {
		CHECK(m->cseq.hdr == m->first[SIP_HDR_CSEQ]);
		h = hdr_at(m, m->cseq.hdr);
		span_in(m, m->cseq.method, h->body, h->body_end);
		if (!m->cseq.num_ok)
			CHECK(m->cseq.num == 0);
	} else {
		CHECK(m->first[SIP_HDR_CSEQ] == SIP_NO_HDR);
		CHECK(!sip_span_present(m->cseq.method));
	}
	if (m->first[SIP_HDR_USER_AGENT] != SIP_NO_HDR) {
		h = hdr_at(m, m->first[SIP_HDR_USER_AGENT]);
		span_in(m, m->user_agent, h->body, h->body_end);
	} else {
		CHECK(!sip_span_present(m->user_agent));
	}
	CHECK(m->clen.present == (m->count[SIP_HDR_CONTENT_LENGTH] > 0));
	CHECK(m->clen.value <= (1ULL << 40));

	/* duplicate bits match the counts */
	CHECK(!!(m->errors & SIP_E_DUP_FROM) == (count[SIP_HDR_FROM] > 1));
	CHECK(!!(m->errors & SIP_E_DUP_TO) == (count[SIP_HDR_TO] > 1));
	CHECK(!!(m->errors & SIP_E_DUP_CALLID) == (count[SIP_HDR_CALLID] > 1));
	CHECK(!!(m->errors & SIP_E_DUP_CSEQ) == (count[SIP_HDR_CSEQ] > 1));
}

/* Two parses of the same bytes at different addresses agree. */
static void check_same(const struct sip_msg *a, const struct sip_msg *b)
{
	CHECK(!memcmp((const char *)a + sizeof(a->buf),
		      (const char *)b + sizeof(b->buf),
		      offsetof(struct sip_msg, hdrs) - sizeof(a->buf)));
	CHECK(!memcmp(a->hdrs, b->hdrs, a->n_hdrs * sizeof(a->hdrs[0])));
}

static struct sip_msg m1, m2;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	char *copy;
	size_t i;
	int rc, want;

	/* -1: nothing to parse at all */
	want = 0;
	if (!size || size > SIP_MAX_MSG_LEN) {
		want = -1;
	} else {
		for (i = 0; i < size && (buf[i] == '\r' || buf[i] == '\n'); i++)
			;
		if (i == size)
			want = -1;
	}

	/* one byte off the alignment libFuzzer's block has, and still
	 * ending exactly at the end of its heap block */
	copy = malloc(size + 1);
	CHECK(copy);
	if (size)
		memcpy(copy + 1, data, size);

	rc = sip_msg_parse(&m1, buf, size);
	CHECK(rc == want);
	if (size)
		CHECK(!memcmp(copy + 1, data, size));	/* read only */
	if (rc == 0)
		check_msg(&m1, buf, size);

	rc = sip_msg_parse(&m2, copy + 1, size);
	CHECK(rc == want);
	if (rc == 0) {
		check_msg(&m2, copy + 1, size);
		check_same(&m1, &m2);
	}
	free(copy);
	return 0;
}
