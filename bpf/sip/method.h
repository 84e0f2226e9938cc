/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The request's method as a number, once per packet: the bank's method
 * names sit in an open-addressed table (sl_config.methods, placed by
 * user/conf/method_table.c), so the lookup is one hash and at most
 * SL_METHOD_PROBES compares of four words, whatever the number of names
 * or rules.  Each rule then tests one bit of its method_mask.
 */
#ifndef SL_SIP_METHOD_H
#define SL_SIP_METHOD_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "sl_xdp_shared.h"
#include "sip/scratch.h"

static __always_inline __u32 method_number(const struct sl_config *cfg,
					   const struct req_info *ri)
{
	__u32 len = ri->method_len, h;
	int i;

	if (!cfg->n_method_names || len == 0 || len > SL_METHOD_MAX_LEN)
		return SL_METHOD_OTHER;
	h = sl_method_hash(ri->method, len, cfg->method_seed);
#pragma unroll
	for (i = 0; i < SL_METHOD_PROBES; i++) {
		const struct sl_method_slot *m =
			&cfg->methods[(h + i) & (SL_METHOD_SLOTS - 1)];

		if (!m->len)
			break;
		if (m->len == len && m->name[0] == ri->method[0] &&
		    m->name[1] == ri->method[1] && m->name[2] == ri->method[2] &&
		    m->name[3] == ri->method[3])
			return m->id & SL_METHOD_OTHER;
	}
	return SL_METHOD_OTHER;
}

#endif /* SL_SIP_METHOD_H */
