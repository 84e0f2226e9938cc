/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Loading, attaching and detaching the XDP program on an interface. */
#ifndef SL_ATTACH_H
#define SL_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include "conf/config.h"

struct sl_attach_opts {
	const char *ifname;
	const char *config_path;
	bool skb_mode;		/* generic XDP on request */
	bool foreground;	/* keep the responder in this process */
};

/* Each returns 0, or -1 with a message for the operator in err (what
 * went wrong and what to do).  Nothing is left half-made on failure.
 * sl_attach on an interface that is attached but whose responder died
 * re-applies the config and restarts the responder (counters kept). */
int sl_attach(const struct sl_attach_opts *o, char *err, size_t errlen);
int sl_detach(const char *ifname, char *err, size_t errlen);

/* Checks shared by all commands: root, bpffs (mounted if missing). */
int sl_check_env(char *err, size_t errlen);
/* SL_PIN_BASE/<ifname> */
void sl_pin_dir(const char *ifname, char *out, size_t outlen);
/* Loads path, fills the tag address from the interface if the config has
 * none, and computes the to-tag signature: what every component applies. */
int sl_settings_prepare(const char *path, const char *ifname,
			struct sl_settings *s, char *err, size_t errlen);
/* Fills s->tag_addr_* from the interface's first IPv4 address when the
 * config did not set tag_addr. */
int sl_resolve_tag_addr(const char *ifname, struct sl_settings *s, char *err,
			size_t errlen);

#endif /* SL_ATTACH_H */
