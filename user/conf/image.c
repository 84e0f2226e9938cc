// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>
#include <string.h>

#include "conf/image.h"
#include "conf/method_table.h"
#include "conf/ua_automaton.h"
#include "sip/totag.h"

/* rate N/s, burst B: one per 1/N s, B at once (GCRA); N = 0: off */
static void gcra_terms(__u32 rate, __u32 burst, __u64 *interval_ns,
		       __u64 *burst_ns)
{
	__u32 b = burst ? burst : 1;

	*interval_ns = 0;
	*burst_ns = 0;
	if (!rate)
		return;
	*interval_ns = 1000000000ULL / rate;
	if (!*interval_ns)
		*interval_ns = 1;
	*burst_ns = (__u64)(b - 1) * *interval_ns;
}

int sl_image_compile(const struct sl_settings *s, const char *iface_ipv4,
		     const char *ifname, struct sl_bank_image *img, char *err,
		     size_t errlen)
{
	char port[sizeof(s->tag_addr_port)];
	const char *ip = s->tag_addr_ip;

	memset(img, 0, sizeof(*img));
	img->cfg = s->dp;
	memcpy(img->rules, s->rules, sizeof(img->rules));
	if (sl_method_table_place(s->method_names, s->dp.n_method_names,
				  &img->cfg, err, errlen) ||
	    sl_ua_automaton_build(s->rules, s->dp.n_rules, &img->ua, err,
				  errlen))
		return -1;
	/* the rule loop's prefilters (include/sl_xdp_shared.h) */
	for (unsigned int i = 0; i < s->dp.n_rules && i < SL_MAX_RULES; i++) {
		const struct sl_rule *r = &s->rules[i];

		for (unsigned int m = 0; m <= SL_METHOD_OTHER; m++)
			if (!(r->keys & SL_KEY_METHOD) || ((r->method_mask >> m) & 1))
				img->cfg.method_rules[m] |= 1ULL << i;
		if (!(r->keys & SL_KEY_METHOD))
			img->cfg.method_free |= 1ULL << i;
		if (!(r->keys & SL_KEY_USER_AGENT))
			img->cfg.ua_free |= 1ULL << i;
		if (r->action != SL_ACTION_PASS)
			img->cfg.strict |= 1ULL << i;
	}
	if (!s->tag_addr_set) {
		if (!iface_ipv4) {
			snprintf(err, errlen,
				 "%s has no IPv4 address to derive the to-tag signature from: set tag_addr = IP:PORT in [sl]",
				 ifname);
			return -1;
		}
		ip = iface_ipv4;
		snprintf(port, sizeof(port), "%u",
			 s->dp.n_ports ? s->dp.ports[0] : SL_DEFAULT_PORT);
	} else {
		snprintf(port, sizeof(port), "%s", s->tag_addr_port);
	}
	sl_totag_signature(s->tag_seed, ip, port, (char *)img->cfg.signature);
	img->cfg.has_signature = 1;
	/* once per configuration, not per ACK (bpf/sip/totag.h) */
	img->cfg.sig_token =
		sl_totag_sig_is_token((const char *)img->cfg.signature);
	img->cfg.local_only = 1;
	/* what the XDP program reports to HEP ([hep], bpf/hep_report.h) */
	img->cfg.hep_sample = s->hep.enabled ? s->hep.sample : 0;
	img->addresses = s->addresses;
	gcra_terms(s->rate_limit, s->burst, &img->cfg.rate_interval_ns,
		   &img->cfg.rate_burst_ns);
	if (img->cfg.fwd.enabled)
		gcra_terms(s->fwd_rate_limit, s->fwd_burst,
			   &img->cfg.fwd.rate_interval_ns,
			   &img->cfg.fwd.rate_burst_ns);
	if (img->cfg.ban.enabled)
		gcra_terms(s->ban_rate, s->ban_burst, &img->cfg.ban.interval_ns,
			   &img->cfg.ban.burst_ns);
	for (unsigned int i = 0; i < s->dp.n_rules && i < SL_MAX_RULES; i++)
		snprintf(img->names.rules[i], SL_NAME_MAX, "%s", s->replies[i].name);
	for (unsigned int i = 0; i < s->dp.fwd.n_rewrites && i < SL_MAX_REWRITES; i++)
		snprintf(img->names.rewrites[i], SL_NAME_MAX, "%s",
			 s->rewrite_names[i].name);
	return 0;
}
