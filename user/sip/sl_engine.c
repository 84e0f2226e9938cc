// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Stateless reply composer (see sl_engine.h for the layout and the
 * decisions).  Kamailio references are to build_res_buf_from_sip_req()
 * as the spec describes it (sections 1.2 - 1.6).
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "sip/sl_engine.h"
#include "sip/sip_msg.h"
#include "sip/totag.h"
#include "sl_crc16.h"	/* after totag.h: needs __u16 */
#include "sip/reasons.h"

#define CRLF		"\r\n"
#define SIP20		"SIP/2.0"
#define DEFAULT_PORT	5060
#define IP_TEXT_MAX	SL_IP_TEXT_MAX
#define MAX_EDITS	(SIP_VIA_MAX_RECEIVED + 2)

/*
 * Error replies, first match wins.  The order: what makes the request
 * line meaningless, then the version (505, as RFC 3261 8.2.1 would check
 * it first), then framing, then the headers the reply echoes, then the
 * body framing.
 */
#define E(bit, code, text)	{ bit, code, sizeof(text) - 1, text }
static const struct {
	__u32 bit;
	__u16 code;
	__u8 len;		/* strlen(text) */
	const char *text;
} err_table[] = {
	E(SIP_E_START_LINE,	400, "Bad Request (Malformed Request-Line)"),
	E(SIP_E_VERSION,	505, "Version Not Supported"),
	E(SIP_E_RURI,		400, "Bad Request (Bad Request-URI)"),
	E(SIP_E_HDR_LINE,	400, "Bad Request (Malformed header line)"),
	E(SIP_E_TOO_MANY_HDRS,	400, "Bad Request (Too many header fields)"),
	E(SIP_E_NO_EOH,		400, "Bad Request (Header section not terminated)"),
	E(SIP_E_DUP_FROM,	400, "Bad Request (Multiple From headers)"),
	E(SIP_E_DUP_TO,		400, "Bad Request (Multiple To headers)"),
	E(SIP_E_DUP_CALLID,	400, "Bad Request (Multiple Call-ID headers)"),
	E(SIP_E_DUP_CSEQ,	400, "Bad Request (Multiple CSeq headers)"),
	E(SIP_E_VIA,		400, "Bad Request (Malformed Via)"),
	E(SIP_E_FROM_QUOTE,	400, "Bad Request (Unterminated quoted string in From)"),
	E(SIP_E_FROM,		400, "Bad Request (Malformed From)"),
	E(SIP_E_TO_QUOTE,	400, "Bad Request (Unterminated quoted string in To)"),
	E(SIP_E_TO,		400, "Bad Request (Malformed To)"),
	E(SIP_E_CALLID,		400, "Bad Request (Empty Call-ID)"),
	E(SIP_E_CSEQ_NUM,	400, "Bad Request (CSeq number is illegal)"),
	E(SIP_E_CSEQ,		400, "Bad Request (Malformed CSeq)"),
	E(SIP_E_CSEQ_METHOD,	400,
	  "Bad Request (CSeq method does not match request method)"),
	E(SIP_E_CLEN,		400, "Bad Request (Invalid Content-Length)"),
	E(SIP_E_CLEN_MULTI,	400, "Bad Request (Multiple Content-Length values)"),
	E(SIP_E_CLEN_MISMATCH,	400, "Bad Request (Content-Length mismatch)"),
};
#undef E

/* The text of the error reply for errors (NULL if none) and its length. */
static const char *error_reason(__u32 errors, __u16 *code, size_t *len)
{
	size_t i;

	for (i = 0; i < sizeof(err_table) / sizeof(err_table[0]); i++) {
		if (errors & err_table[i].bit) {
			if (code)
				*code = err_table[i].code;
			if (len)
				*len = err_table[i].len;
			return err_table[i].text;
		}
	}
	return NULL;
}

const char *sl_engine_error_reason(__u32 errors, __u16 *code)
{
	return error_reason(errors, code, NULL);
}

/* Output cursor; an overflow sticks, so one check at the end will do. */
struct wr {
	char *p;
	char *end;
	bool full;
};

static inline void put(struct wr *w, const void *s, size_t n)
{
	if (!n)
		return;		/* s may be NULL then (no extra headers) */
	if (w->full || (size_t)(w->end - w->p) < n) {
		w->full = true;
		return;
	}
	memcpy(w->p, s, n);
	w->p += n;
}

#define PUT_LIT(w, lit) put((w), (lit), sizeof(lit) - 1)

static size_t u32_dec(__u32 v, char *out)
{
	char tmp[10];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

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
 * glibc's inet_ntop(AF_INET6) without its sprintf (a third of an IPv6
 * reply's time): the longest run (>= 2, the first of equal ones) of zero
 * words becomes "::", words in lower-case hex without leading zeros,
 * ::a.b.c.d and ::ffff:a.b.c.d with a dotted tail.  The tests compare it
 * with inet_ntop() on random and structured addresses.
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

/* Kamailio's check_via_address() without DNS: IPv4 text must match
 * exactly; IPv6 case-insensitively, with or without brackets. */
static bool via_host_is_src(struct sl_str host, const struct sl_peer *src,
			    const char *ip, size_t ip_len)
{
	if (host.len == ip_len && !(src->family == 6 ?
				    strncasecmp(host.s, ip, ip_len) :
				    memcmp(host.s, ip, ip_len)))
		return true;
	return src->family == 6 && host.len == ip_len + 2 &&
	       host.s[0] == '[' && host.s[host.len - 1] == ']' &&
	       !strncasecmp(host.s + 1, ip, ip_len);
}

struct edit {
	__u32 pos;
	__u32 del;		/* bytes of the request dropped at pos */
	const char *ins;	/* written at pos, before the dropped bytes */
	__u32 ins_len;
};

/* The top Via: name to end of value with the edits applied, then CRLF. */
static void put_top_via(struct wr *w, const struct sip_msg *m,
			const struct sip_hdr *h, struct edit *ed, int n)
{
	struct edit t;
	__u32 cur = h->name, pos;
	int i, j;

	/* a handful of edits: insertion sort, insert before delete */
	for (i = 1; i < n; i++) {
		t = ed[i];
		for (j = i; j > 0 && (ed[j - 1].pos > t.pos ||
				      (ed[j - 1].pos == t.pos && ed[j - 1].del &&
				       !t.del)); j--)
			ed[j] = ed[j - 1];
		ed[j] = t;
	}
	for (i = 0; i < n; i++) {
		/* an insertion inside a dropped span goes where it ends */
		pos = ed[i].pos < cur ? cur : ed[i].pos;
		put(w, m->buf + cur, pos - cur);
		put(w, ed[i].ins, ed[i].ins_len);
		cur = pos + ed[i].del;
	}
	if (cur < h->body_end)
		put(w, m->buf + cur, h->body_end - cur);
	PUT_LIT(w, CRLF);
}

/* A copied field other than the top Via: the whole field as received,
 * its own line end included (Kamailio copies hf->name .. hf->len; only
 * Via lines are re-terminated with CRLF). */
static inline void put_line(struct wr *w, const struct sip_msg *m,
			    const struct sip_hdr *h)
{
	put(w, m->buf + h->name, h->end - h->name);
	/* the last field of a datagram may have no line end at all */
	if (h->end == h->name || m->buf[h->end - 1] != '\n')
		PUT_LIT(w, CRLF);
}

/* A further Via line: name to end of value, then CRLF (spec 1.3). */
static inline void put_via_line(struct wr *w, const struct sip_msg *m,
				const struct sip_hdr *h)
{
	put(w, m->buf + h->name, h->body_end - h->name);
	PUT_LIT(w, CRLF);
}

static int drop(struct sl_result *res, enum sl_outcome o, enum sl_drop_why why)
{
	res->outcome = o;
	res->why = why;
	res->len = 0;
	return 0;
}

static enum sl_drop_why missing(const struct sip_msg *m)
{
	if (!m->via.usable)
		return SL_DROP_NO_VIA;
	if (m->from.hdr == SIP_NO_HDR)
		return SL_DROP_NO_FROM;
	if (m->to.hdr == SIP_NO_HDR)
		return SL_DROP_NO_TO;
	if (m->first[SIP_HDR_CALLID] == SIP_NO_HDR)
		return SL_DROP_NO_CALLID;
	if (m->cseq.hdr == SIP_NO_HDR)
		return SL_DROP_NO_CSEQ;
	return SL_DROP_NONE;
}

/*
 * The reply-window key of a final reply to an INVITE, mirroring the XDP
 * ACK check (bpf/ack_absorb.h): our tag -> key_tag 0; a tag that was in
 * the request -> SL_WINDOW_FOREIGN_TAG | CRC of it.  A request tag that
 * looks like ours (signature, 41 chars) is judged by the data plane as
 * ours: it only matches if its suffix is this request's suffix.
 */
static void window_key(const struct sl_engine_cfg *cfg, const struct sip_msg *m,
		       struct sl_result *res)
{
	struct sl_str tag;
	char hex[SL_SUFFIX_LEN];

	if (res->added_tag) {
		res->record_window = true;
		res->window_key_tag = 0;
		return;
	}
	if (m->to.malformed || m->to.unterminated_quote || !m->to.has_tag ||
	    !m->to.tag.len)
		return;
	tag = sip_str(m, m->to.tag);
	if (tag.len == SL_TOTAG_LEN && tag.s[SL_SIG_LEN] == '.' &&
	    !memcmp(tag.s, cfg->signature, SL_SIG_LEN)) {
		sl_totag_suffix_hex(res->window_suffix, hex);
		if (!memcmp(tag.s + SL_SIG_LEN + 1, hex, SL_SUFFIX_LEN)) {
			res->record_window = true;
			res->window_key_tag = 0;
		}
		return;
	}
	res->record_window = true;
	res->window_key_tag = SL_WINDOW_FOREIGN_TAG | sl_crc16_x25(tag.s, tag.len);
}

/* "ACK" then a tab or other blank instead of the SP: a broken request
 * line, but possibly an ACK, and an ACK is never answered. */
static bool looks_like_ack(const struct sip_msg *m)
{
	const char *p = m->buf + m->method.off;

	return sip_span_present(m->method) && m->method.len > 3 &&
	       !memcmp(p, "ACK", 3) && (p[3] == '\t' || p[3] == ' ' ||
					p[3] == '\r' || p[3] == '\n');
}

int sl_engine_answer(const struct sl_engine_cfg *cfg,
		     const struct sl_reply_spec *spec,
		     const char *req, size_t req_len,
		     const struct sl_peer *src,
		     char *out, size_t out_cap,
		     struct sl_result *res)
{
	struct sip_msg m;
	struct wr w = { NULL, NULL, false };	/* set once out is checked */
	struct edit ed[MAX_EDITS];
	const struct sip_via *v = &m.via;
	const struct sip_hdr *h;
	char ip[IP_TEXT_MAX], rr[8 + 6 + 10 + IP_TEXT_MAX], tagbuf[SL_TOTAG_LEN];
	char code3[3];
	size_t ip_len = 0, rr_len = 0, rcv_off = 0;
	const char *reason, *version;
	size_t reason_len, version_len;
	__u16 code;
	bool need_received, error_line = false;
	enum sl_drop_why why;
	int i, n_ed = 0;

	if (!res)
		return -EINVAL;
	memset(res, 0, sizeof(*res));
	res->outcome = SL_OUT_DROP_UNANSWERABLE;
	if (!cfg || !spec || !src || (!req && req_len) || (!out && out_cap) ||
	    spec->code < 100 || spec->code > 999 ||
	    spec->reason_len > SL_REASON_MAX ||
	    (spec->reason_len && !spec->reason) ||
	    (spec->extra_len && !spec->extra_hdrs) ||
	    (cfg->server_len && !cfg->server_hdr) ||
	    (src->family != 4 && src->family != 6))
		return -EINVAL;
	w.p = out;
	w.end = out ? out + out_cap : out;

	if (sip_msg_parse(&m, req, req_len) < 0)
		return drop(res, SL_OUT_DROP_UNANSWERABLE, SL_DROP_NOT_SIP);
	res->errors = m.errors;
	if (m.is_response)
		return drop(res, SL_OUT_DROP_NOT_REQUEST, SL_DROP_RESPONSE);
	/* ACKs are never answered, whatever shape they are in (spec 1.1) */
	if (sip_method_is(&m, "ACK", 3) || looks_like_ack(&m))
		return drop(res, SL_OUT_DROP_NOT_REQUEST, SL_DROP_ACK);
	why = missing(&m);
	if (why != SL_DROP_NONE)
		return drop(res, SL_OUT_DROP_UNANSWERABLE, why);

	/* what to send */
	reason = error_reason(m.errors, &code, &reason_len);
	if (reason) {
		res->is_error_reply = true;
		/* no version we could echo, or one we do not speak */
		error_line = m.errors & (SIP_E_START_LINE | SIP_E_VERSION);
	} else {
		code = spec->code;
		reason = spec->reason;
		reason_len = spec->reason_len;
		if (!reason_len) {
			reason = sl_std_reason(code);
			reason_len = reason ? strlen(reason) : 0;
		}
	}
	if (error_line) {
		version = SIP20;
		version_len = sizeof(SIP20) - 1;
	} else {
		version = m.buf + m.version.off;
		version_len = m.version.len;
	}
	res->code = code;
	res->reason = reason;
	res->reason_len = reason_len;

	/* destination (spec 1.6) */
	if (v->has_rport)
		res->dst_port = src->port;
	else
		res->dst_port = v->port_num ? (__u16)v->port_num : DEFAULT_PORT;

	/* to-tag (spec 1.4): always computed, it keys the reply window */
	res->window_suffix = sl_totag_suffix(sip_str(&m, v->host),
					sip_str(&m, v->port),
					sip_str(&m, v->branch),
					sip_str(&m, m.callid));
	if (code >= 180 && !m.to.malformed && !m.to.unterminated_quote &&
	    (!m.to.has_tag || !m.to.tag.len)) {
		sl_totag_build(cfg->signature, res->window_suffix, tagbuf);
		res->added_tag = true;
	}

	/* top Via edits (spec 1.5, >= 5.8.5 placement) */
	ip_len = sl_ip_text(src, ip);
	need_received = v->n_received || v->has_rport ||
			!via_host_is_src(sip_str(&m, v->host), src, ip, ip_len);
	if (v->has_rport) {
		memcpy(rr, ";rport=", 7);
		rr_len = 7 + u32_dec(src->port, rr + 7);
	}
	if (need_received) {
		rcv_off = rr_len;
		memcpy(rr + rr_len, ";received=", 10);
		memcpy(rr + rr_len + 10, ip, ip_len);
		rr_len += 10 + ip_len;
	}
	for (i = 0; i < v->n_received && i < SIP_VIA_MAX_RECEIVED; i++) {
		ed[n_ed].pos = v->received_param[i].off;
		ed[n_ed].del = v->received_param[i].len;
		ed[n_ed].ins = NULL;
		ed[n_ed++].ins_len = 0;
	}
	if (v->has_rport) {
		ed[n_ed].pos = v->rport_param.off;
		ed[n_ed].del = v->rport_param.len;
		ed[n_ed].ins = rr;
		ed[n_ed++].ins_len = (__u32)rr_len;
	} else if (need_received) {
		ed[n_ed].pos = sip_span_present(v->branch_param) ?
			       v->branch_param.off + v->branch_param.len :
			       v->value_end;
		ed[n_ed].del = 0;
		ed[n_ed].ins = rr + rcv_off;
		ed[n_ed++].ins_len = (__u32)(rr_len - rcv_off);
	}

	/* status line */
	put(&w, version, version_len);
	code3[0] = (char)('0' + code / 100);
	code3[1] = (char)('0' + code / 10 % 10);
	code3[2] = (char)('0' + code % 10);
	PUT_LIT(&w, " ");
	put(&w, code3, 3);
	PUT_LIT(&w, " ");
	put(&w, reason, reason_len);
	PUT_LIT(&w, CRLF);

	/* copied headers, request order (spec 1.3) */
	for (i = 0; i < m.n_hdrs; i++) {
		h = &m.hdrs[i];
		switch (h->type) {
		case SIP_HDR_VIA:
			if (i == v->hdr)
				put_top_via(&w, &m, h, ed, n_ed);
			else
				put_via_line(&w, &m, h);
			break;
		case SIP_HDR_TO:
			if (i != m.to.hdr)
				break;
			/* the tag goes right after the value (spec 1.3) */
			put(&w, m.buf + h->name, m.to.body_end - h->name);
			if (res->added_tag) {
				PUT_LIT(&w, ";tag=");
				put(&w, tagbuf, SL_TOTAG_LEN);
			}
			/* the rest of the field as received, line end too */
			put(&w, m.buf + m.to.body_end, h->end - m.to.body_end);
			if (h->end == h->name || m.buf[h->end - 1] != '\n')
				PUT_LIT(&w, CRLF);
			break;
		case SIP_HDR_FROM:
		case SIP_HDR_CALLID:
		case SIP_HDR_CSEQ:
			if (i == m.first[h->type])
				put_line(&w, &m, h);
			break;
		case SIP_HDR_RECORD_ROUTE:
			if (code >= 180 && code <= 299)
				put_line(&w, &m, h);
			break;
		default:
			break;
		}
	}

	put(&w, spec->extra_hdrs, spec->extra_len);
	if (cfg->server_len) {
		put(&w, cfg->server_hdr, cfg->server_len);
		PUT_LIT(&w, CRLF);
	}
	PUT_LIT(&w, "Content-Length: 0" CRLF CRLF);
	if (w.full)
		return -ENOSPC;

	res->len = (size_t)(w.p - out);
	if (res->len > req_len + SL_REPLY_SLACK + spec->extra_len + cfg->server_len)
		return drop(res, SL_OUT_DROP_UNANSWERABLE, SL_DROP_OVERSIZE);
	res->outcome = SL_OUT_REPLY;

	if (code >= 200 && sip_method_is(&m, "INVITE", 6))
		window_key(cfg, &m, res);
	return 0;
}
