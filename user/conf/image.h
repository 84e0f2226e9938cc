/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The compile step: settings (what the file says) -> the image of one
 * rule bank (what the maps hold).  The only input that does not come from
 * the file is the interface's address, passed in: the to-tag signature is
 * derived from it when tag_addr is not set.  Plain C, no I/O.
 */
#ifndef SL_CONF_IMAGE_H
#define SL_CONF_IMAGE_H

#include <stddef.h>

#include "conf/config.h"

/* One bank of the maps sl_config, sl_rules, sl_names and sl_ua_dfa, and
 * the bank's entries of sl_local (`addresses =`). */
struct sl_bank_image {
	struct sl_config cfg;
	struct sl_rule rules[SL_MAX_RULES];
	struct sl_bank_names names;
	struct sl_addr_list addresses;
	struct sl_ua_dfa ua;		/* ~2 MiB: keep images off the stack */
};

/*
 * Fills img from s: config and rules as parsed, the to-tag signature
 * (MD5 of tag_seed + tag address + port, spec 1.4) and ACK absorption
 * armed, only frames to this host acted on (local_only), the rate limit
 * as GCRA intervals, the rule and rewrite names, `addresses =`, the
 * method names placed for the lookup (method_table.h) and the
 * user_agent automaton (ua_automaton.h).
 * iface_ipv4: the interface's first IPv4 address as text, used with the
 * first port when the file has no tag_addr; NULL if it has none.  0, or
 * -1 with a message in err (no address to derive the signature from,
 * user_agent patterns the automaton cannot take).
 */
int sl_image_compile(const struct sl_settings *s, const char *iface_ipv4,
		     const char *ifname, struct sl_bank_image *img, char *err,
		     size_t errlen);

#endif /* SL_CONF_IMAGE_H */
