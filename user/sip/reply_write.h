/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The writing step of the reply engine: request + decision -> reply bytes,
 * in the layout sl_engine.h shows.  It decides nothing: what to copy, add,
 * edit and where is in the decision (reply_decide.h).  Plain C, no I/O.
 */
#ifndef SL_SIP_REPLY_WRITE_H
#define SL_SIP_REPLY_WRITE_H

#include <stddef.h>

#include "sip/reply_decide.h"

/*
 * Write the reply d describes (d->outcome == SL_OUT_REPLY) to the request
 * m into out: spec's extra headers and cfg's Server line go after the
 * copied headers.  Returns its length, or 0 if out_cap is too small (out
 * then holds a truncated reply).
 */
size_t sl_reply_write(const struct sl_engine_cfg *cfg,
		      const struct sl_reply_spec *spec,
		      const struct sip_msg *m, const struct sl_decision *d,
		      char *out, size_t out_cap);

#endif /* SL_SIP_REPLY_WRITE_H */
