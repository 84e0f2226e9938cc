// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Stateless reply engine (see sl_engine.h for the layout and the
 * decisions): the arguments checked, then the two steps, deciding
 * (reply_decide.c) and writing (reply_write.c), then the amplification
 * bound.
 */
#include <errno.h>
#include <string.h>

#include "sip/sl_engine.h"
#include "sip/reply_decide.h"
#include "sip/reply_write.h"

static bool args_ok(const struct sl_engine_cfg *cfg,
		    const struct sl_reply_spec *spec, const char *req,
		    size_t req_len, const struct sl_peer *src, const char *out,
		    size_t out_cap)
{
	return cfg && spec && src && (req || !req_len) && (out || !out_cap) &&
	       spec->code >= 100 && spec->code <= 999 &&
	       spec->reason_len <= SL_REASON_MAX &&
	       (!spec->reason_len || spec->reason) &&
	       (!spec->extra_len || spec->extra_hdrs) &&
	       (!cfg->server_len || cfg->server_hdr) &&
	       (src->family == 4 || src->family == 6);
}

/* What the caller learns of a decision before anything is written. */
static void result_from(const struct sl_decision *d, struct sl_result *res)
{
	res->why = d->why;
	res->errors = d->errors;
	if (d->outcome != SL_OUT_REPLY) {
		res->outcome = d->outcome;
		return;
	}
	res->code = d->code;
	res->is_error_reply = d->is_error_reply;
	res->reason = d->reason;
	res->reason_len = d->reason_len;
	res->dst_port = d->dst_port;
	res->window_suffix = d->window_suffix;
	res->added_tag = d->add_tag;
}

int sl_engine_answer(const struct sl_engine_cfg *cfg,
		     const struct sl_reply_spec *spec,
		     const char *req, size_t req_len,
		     const struct sl_peer *src,
		     char *out, size_t out_cap,
		     struct sl_result *res)
{
	struct sip_msg m;
	struct sl_decision d;
	size_t len;

	if (!res)
		return -EINVAL;
	memset(res, 0, sizeof(*res));
	res->outcome = SL_OUT_DROP_UNANSWERABLE;
	if (!args_ok(cfg, spec, req, req_len, src, out, out_cap))
		return -EINVAL;

	sl_reply_decide(cfg, spec, req, req_len, src, &m, &d);
	result_from(&d, res);
	if (m.callid.off != SIP_NONE && m.callid.off + m.callid.len <= req_len) {
		res->callid_off = m.callid.off;
		res->callid_len = m.callid.len;
	}
	if (d.outcome != SL_OUT_REPLY)
		return 0;

	len = sl_reply_write(cfg, spec, &m, &d, out, out_cap);
	if (!len)
		return -ENOSPC;
	if (len > req_len + SL_REPLY_SLACK + spec->extra_len + cfg->server_len) {
		res->why = SL_DROP_OVERSIZE;
		return 0;
	}
	res->outcome = SL_OUT_REPLY;
	res->len = len;
	res->record_window = d.record_window;
	res->window_key_tag = d.window_key_tag;
	return 0;
}
