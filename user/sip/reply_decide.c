// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The decision step of the reply engine (reply_decide.h).  Kamailio
 * references are to sl_reply_helper() and build_res_buf_from_sip_req()
 * as the spec describes them (sections 1.1 - 1.6).
 */
#include <string.h>
#include <strings.h>

#include "sip/reply_decide.h"
#include "sip/reasons.h"
#include "sip/sip_lex.h"
#include "sip/totag.h"
#include "sl_crc16.h"	/* after totag.h: needs __u16 */

#define DEFAULT_PORT	5060

/* Why a header the reply must echo is missing or unusable. */
static enum sl_drop_why missing(const struct sip_msg *m)
{
	if (!m->via.usable || m->via.port_wraps)
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

/* "ACK" then a tab or other blank instead of the SP: a broken request
 * line, but possibly an ACK, and an ACK is never answered. */
static bool looks_like_ack(const struct sip_msg *m)
{
	const char *p = m->buf + m->method.off;

	return sip_span_present(m->method) && m->method.len > 3 &&
	       !memcmp(p, "ACK", 3) && (p[3] == '\t' || p[3] == ' ' ||
					p[3] == '\r' || p[3] == '\n');
}

/* A response, or an ACK: never answered, whatever shape an ACK is in
 * (spec 1.1). */
static enum sl_drop_why not_a_request(const struct sip_msg *m)
{
	if (m->is_response)
		return SL_DROP_RESPONSE;
	if (sip_method_is(m, "ACK", 3) || looks_like_ack(m))
		return SL_DROP_ACK;
	return SL_DROP_NONE;
}

/* Code, reason and version of the status line: the spec's reply, or an
 * error reply that names the request's first problem. */
static void decide_status(const struct sl_reply_spec *spec,
			  const struct sip_msg *m, struct sl_decision *d)
{
	d->reason = sl_error_reason(m->errors, &d->code, &d->reason_len);
	if (d->reason) {
		d->is_error_reply = true;
		/* no version we could echo, or one we do not speak */
		d->version_sip20 = m->errors & (SIP_E_START_LINE | SIP_E_VERSION);
		return;
	}
	d->code = spec->code;
	d->reason = spec->reason;
	d->reason_len = spec->reason_len;
	if (!d->reason_len) {
		d->reason = sl_std_reason(d->code);
		d->reason_len = d->reason ? strlen(d->reason) : 0;
	}
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

/*
 * The bytes an old received param drops: the param, and the line fold in
 * front of it if there is one.  Dropped without its fold, a param alone on
 * a continuation line (";branch=x" CRLF SP ";received=y") would leave
 * that line empty.  The fold goes only as far back as floor, the end of
 * an edited param before it (a param without a value owns the LWS after
 * it).
 */
static struct sip_span received_drop(const char *b, struct sip_span param,
				     __u32 floor)
{
	__u32 p = param.off;
	bool fold = false;

	while (p > floor && is_lws(b[p - 1])) {
		p--;
		fold |= b[p] == '\r' || b[p] == '\n';
	}
	if (!fold)
		p = param.off;
	return mkspan(p, param.off + param.len - p);
}

/* The end of the last param before off that the reply edits (rport, an
 * old received), 0 if none. */
static __u32 edited_before(const struct sip_via *v, __u32 off)
{
	__u32 end, floor = 0;
	int i;

	if (v->has_rport && v->rport_param.off < off)
		floor = v->rport_param.off + v->rport_param.len;
	for (i = 0; i < v->n_received && i < SIP_VIA_MAX_RECEIVED; i++) {
		end = v->received_param[i].off + v->received_param[i].len;
		if (v->received_param[i].off < off && end > floor)
			floor = end;
	}
	return floor;
}

/*
 * rport filled in place; received added when the Via has received or
 * rport or its host is not the source address text, right after the new
 * rport, else after the branch param, else at the end of the first Via
 * value; old received params removed (Kamailio keeps them, and so sends
 * two), each with the fold in front of it.
 */
static void decide_via(const struct sip_msg *m, const struct sl_peer *src,
		       struct sl_via_edits *e)
{
	const struct sip_via *v = &m->via;
	struct sip_span r;
	int i;

	e->ip_len = (__u8)sl_ip_text(src, e->ip);
	e->received = v->n_received || v->has_rport ||
		      !via_host_is_src(sip_str(m, v->host), src, e->ip, e->ip_len);
	for (i = 0; i < v->n_received && i < SIP_VIA_MAX_RECEIVED; i++) {
		r = v->received_param[i];
		e->removed[e->n_removed++] =
			received_drop(m->buf, r, edited_before(v, r.off));
	}
	if (v->has_rport) {
		e->rport = true;
		e->rport_value = src->port;
		e->at = v->rport_param.off;
		e->replaced = v->rport_param.len;
	} else if (e->received) {
		e->at = sip_span_present(v->branch_param) ?
			v->branch_param.off + v->branch_param.len :
			v->value_end;
	}
}

/*
 * The reply-window key of a final reply to an INVITE, mirroring the XDP
 * ACK check (bpf/ack_absorb.h): our tag -> key_tag 0; a tag that was in
 * the request -> SL_WINDOW_FOREIGN_TAG | CRC of it.  A request tag that
 * looks like ours (signature, 41 chars) is judged by the data plane as
 * ours: it only matches if its suffix is this request's suffix.
 */
static void decide_window(const struct sl_engine_cfg *cfg,
			  const struct sip_msg *m, struct sl_decision *d)
{
	struct sl_str tag;
	char hex[SL_SUFFIX_LEN];

	if (d->add_tag) {
		d->record_window = true;
		d->window_key_tag = 0;
		return;
	}
	if (m->to.malformed || m->to.unterminated_quote || !m->to.has_tag ||
	    !m->to.tag.len)
		return;
	tag = sip_str(m, m->to.tag);
	if (tag.len == SL_TOTAG_LEN && tag.s[SL_SIG_LEN] == '.' &&
	    !memcmp(tag.s, cfg->signature, SL_SIG_LEN)) {
		sl_totag_suffix_hex(d->window_suffix, hex);
		if (!memcmp(tag.s + SL_SIG_LEN + 1, hex, SL_SUFFIX_LEN)) {
			d->record_window = true;
			d->window_key_tag = 0;
		}
		return;
	}
	d->record_window = true;
	d->window_key_tag = SL_WINDOW_FOREIGN_TAG | sl_crc16_x25(tag.s, tag.len);
}

void sl_reply_decide(const struct sl_engine_cfg *cfg,
		     const struct sl_reply_spec *spec,
		     const char *req, size_t req_len,
		     const struct sl_peer *src,
		     struct sip_msg *m, struct sl_decision *d)
{
	const struct sip_via *v = &m->via;

	memset(d, 0, sizeof(*d));
	d->outcome = SL_OUT_DROP_UNANSWERABLE;
	if (sip_msg_parse(m, req, req_len) < 0) {
		d->why = SL_DROP_NOT_SIP;
		return;
	}
	d->errors = m->errors;
	d->why = not_a_request(m);
	if (d->why != SL_DROP_NONE) {
		d->outcome = SL_OUT_DROP_NOT_REQUEST;
		return;
	}
	d->why = missing(m);
	if (d->why != SL_DROP_NONE)
		return;

	d->outcome = SL_OUT_REPLY;
	decide_status(spec, m, d);
	d->copy_record_route = d->code >= 180 && d->code <= 299;

	/* destination (spec 1.6) */
	if (v->has_rport)
		d->dst_port = src->port;
	else
		d->dst_port = v->port_num ? (__u16)v->port_num : DEFAULT_PORT;

	/* to-tag (spec 1.4): always computed, it keys the reply window; a
	 * To that does not parse is echoed unchanged (a tag appended there
	 * would land inside its quote or URI) */
	d->window_suffix = sl_totag_suffix(sip_str(m, v->host), sip_str(m, v->port),
					   sip_str(m, v->branch),
					   sip_str(m, m->callid));
	if (d->code >= 180 && !m->to.malformed && !m->to.unterminated_quote &&
	    (!m->to.has_tag || !m->to.tag.len)) {
		d->add_tag = true;
		d->tag_at = m->to.body_end;
		sl_totag_build(cfg->signature, d->window_suffix, d->tag);
	}

	decide_via(m, src, &d->via);
	if (d->code >= 200 && sip_method_is(m, "INVITE", 6))
		decide_window(cfg, m, d);
}
