// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* scan_diff: one side, bpf/sip/scan.h and bpf/sip/request_line.h of one
 * tree, compiled as plain C; RUN_NAME is the only symbol it exports
 * (scan_diff.sh). */
#include <string.h>
#include "sip/scan.h"
#include "sip/request_line.h"
#include "result.h"

static struct sl_scratch x;

void RUN_NAME(const __u8 *buf, __u32 n, __u32 len, __u8 want,
	      __u32 partial, const __u32 *garbage, struct scan_result *r)
{
	int t;

	memset(&x, 0, sizeof(x));
	memcpy(x.buf, buf, n);
	/* what an earlier packet left in the scratch value */
	for (t = 0; t < 8; t++) {
		x.scan.hdr[t].s = garbage[t];
		x.scan.hdr[t].e = garbage[8 + t];
	}
	x.scan.cur_vstart = garbage[16];
	x.scan.via_line_s = garbage[17];
	x.scan.len = len;
	x.scan.want = want;
	sip_scan_run(&x);
	r->req_line_end = x.scan.req_line_end;
	r->via_line_s = x.scan.via_line_s;
	r->headers_ended = x.scan.headers_ended;
	r->cur = x.scan.cur;
	r->seen = x.scan.seen;
	for (t = 0; t < 8; t++) {
		r->s[t] = x.scan.hdr[t].s;
		r->e[t] = x.scan.hdr[t].e;
	}
	/* what an earlier packet left in the request's fields */
	x.ri.method_len = garbage[18];
	x.ri.ruri.s = garbage[19];
	x.ri.ruri.e = garbage[20];
	r->rl_ret = parse_request_line(&x, len, partial);
	r->line_cut = x.ri.line_cut;
	r->method_len = x.ri.method_len;
	r->ruri_s = x.ri.ruri.s;
	r->ruri_e = x.ri.ruri.e;
	for (t = 0; t < 4; t++)
		r->method[t] = x.ri.method[t];
}
