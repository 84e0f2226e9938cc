// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The writing step of the reply engine (reply_write.h).  Line ends as
 * Kamailio's build_res_buf_from_sip_req() writes them (spec 1.2, 1.3):
 * the status line, Via lines (value end + CRLF), Server, Content-Length
 * and the blank line end in CRLF; From, To, Call-ID, CSeq and
 * Record-Route are copied whole with their own line end.
 */
#include <string.h>

#include "sip/reply_write.h"

#define CRLF		"\r\n"
#define SIP20		"SIP/2.0"
#define MAX_EDITS	(SIP_VIA_MAX_RECEIVED + 1)
/* ";rport=65535;received=" + the longest address text */
#define VIA_INSERT_MAX	(7 + 5 + 10 + SL_IP_TEXT_MAX)

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

/* Bytes [pos, pos + del) of the request dropped, ins written at pos. */
struct edit {
	__u32 pos;
	__u32 del;
	const char *ins;
	__u32 ins_len;
};

/* The decision's Via edits as a list in request order: old received
 * params dropped, the new params inserted; txt holds their text. */
static int via_edit_list(const struct sl_via_edits *v, char txt[VIA_INSERT_MAX],
			 struct edit *ed)
{
	size_t n_txt = 0;
	struct edit t;
	int i, j, n = 0;

	for (i = 0; i < v->n_removed; i++) {
		ed[n].pos = v->removed[i].off;
		ed[n].del = v->removed[i].len;
		ed[n].ins = NULL;
		ed[n++].ins_len = 0;
	}
	if (v->rport) {
		memcpy(txt, ";rport=", 7);
		n_txt = 7 + u32_dec(v->rport_value, txt + 7);
	}
	if (v->received) {
		memcpy(txt + n_txt, ";received=", 10);
		memcpy(txt + n_txt + 10, v->ip, v->ip_len);
		n_txt += 10 + v->ip_len;
	}
	if (n_txt) {
		ed[n].pos = v->at;
		ed[n].del = v->replaced;
		ed[n].ins = txt;
		ed[n++].ins_len = (__u32)n_txt;
	}
	/* a handful of edits: insertion sort, insert before delete */
	for (i = 1; i < n; i++) {
		t = ed[i];
		for (j = i; j > 0 && (ed[j - 1].pos > t.pos ||
				      (ed[j - 1].pos == t.pos && ed[j - 1].del &&
				       !t.del)); j--)
			ed[j] = ed[j - 1];
		ed[j] = t;
	}
	return n;
}

/* The top Via: name to end of value with the edits applied, then CRLF. */
static void put_top_via(struct wr *w, const struct sip_msg *m,
			const struct sip_hdr *h, const struct sl_via_edits *v)
{
	struct edit ed[MAX_EDITS];
	char txt[VIA_INSERT_MAX];
	__u32 cur = h->name, pos;
	int i, n;

	n = via_edit_list(v, txt, ed);
	for (i = 0; i < n; i++) {
		/* an edit inside a dropped span starts where that ends */
		pos = ed[i].pos < cur ? cur : ed[i].pos;
		put(w, m->buf + cur, pos - cur);
		put(w, ed[i].ins, ed[i].ins_len);
		if (ed[i].pos + ed[i].del > pos)
			cur = ed[i].pos + ed[i].del;
		else
			cur = pos;
	}
	if (cur < h->body_end)
		put(w, m->buf + cur, h->body_end - cur);
	PUT_LIT(w, CRLF);
}

/* A further Via line: name to end of value, then CRLF (spec 1.3). */
static inline void put_via_line(struct wr *w, const struct sip_msg *m,
				const struct sip_hdr *h)
{
	put(w, m->buf + h->name, h->body_end - h->name);
	PUT_LIT(w, CRLF);
}

/* The line end a copied field other than a Via keeps: its own, or CRLF
 * for the last field of a datagram that has none. */
static inline void put_line_end(struct wr *w, const struct sip_msg *m,
				const struct sip_hdr *h)
{
	if (h->end == h->name || m->buf[h->end - 1] != '\n')
		PUT_LIT(w, CRLF);
}

/* A copied field: the whole field as received (Kamailio copies hf->name
 * .. hf->len). */
static inline void put_line(struct wr *w, const struct sip_msg *m,
			    const struct sip_hdr *h)
{
	put(w, m->buf + h->name, h->end - h->name);
	put_line_end(w, m, h);
}

/* To: as received, with our tag right after the value (spec 1.3). */
static void put_to(struct wr *w, const struct sip_msg *m,
		   const struct sip_hdr *h, const struct sl_decision *d)
{
	__u32 at = d->add_tag ? d->tag_at : m->to.body_end;

	put(w, m->buf + h->name, at - h->name);
	if (d->add_tag) {
		PUT_LIT(w, ";tag=");
		put(w, d->tag, SL_TOTAG_LEN);
	}
	put(w, m->buf + at, h->end - at);
	put_line_end(w, m, h);
}

static void put_status_line(struct wr *w, const struct sip_msg *m,
			    const struct sl_decision *d)
{
	char code3[3];

	if (d->version_sip20)
		PUT_LIT(w, SIP20);
	else
		put(w, m->buf + m->version.off, m->version.len);
	code3[0] = (char)('0' + d->code / 100);
	code3[1] = (char)('0' + d->code / 10 % 10);
	code3[2] = (char)('0' + d->code % 10);
	PUT_LIT(w, " ");
	put(w, code3, 3);
	PUT_LIT(w, " ");
	put(w, d->reason, d->reason_len);
	PUT_LIT(w, CRLF);
}

/* The copied headers, in request order (spec 1.3). */
static void put_copied(struct wr *w, const struct sip_msg *m,
		       const struct sl_decision *d)
{
	const struct sip_hdr *h;
	int i;

	for (i = 0; i < m->n_hdrs; i++) {
		h = &m->hdrs[i];
		switch (h->type) {
		case SIP_HDR_VIA:
			if (i == m->via.hdr)
				put_top_via(w, m, h, &d->via);
			else
				put_via_line(w, m, h);
			break;
		case SIP_HDR_TO:
			if (i == m->to.hdr)
				put_to(w, m, h, d);
			break;
		case SIP_HDR_FROM:
		case SIP_HDR_CALLID:
		case SIP_HDR_CSEQ:
			if (i == m->first[h->type])
				put_line(w, m, h);
			break;
		case SIP_HDR_RECORD_ROUTE:
			if (d->copy_record_route)
				put_line(w, m, h);
			break;
		default:
			break;
		}
	}
}

size_t sl_reply_write(const struct sl_engine_cfg *cfg,
		      const struct sl_reply_spec *spec,
		      const struct sip_msg *m, const struct sl_decision *d,
		      char *out, size_t out_cap)
{
	struct wr w = { out, out ? out + out_cap : out, false };

	put_status_line(&w, m, d);
	put_copied(&w, m, d);
	put(&w, spec->extra_hdrs, spec->extra_len);
	if (cfg->server_len) {
		put(&w, cfg->server_hdr, cfg->server_len);
		PUT_LIT(&w, CRLF);
	}
	PUT_LIT(&w, "Content-Length: 0" CRLF CRLF);
	return w.full ? 0 : (size_t)(w.p - out);
}
