/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The health gate (issue 16 item 4): the responder sends OPTIONS to the
 * SIP server behind sl-xdp ([backend] probe) every interval and keeps its
 * state in the pinned map sl_backend (one entry); a rule with `when =
 * backend-up` (backend-down) only matches in that state
 * (sl_config.when_up / when_down, bit r for rule r).  A zeroed entry (no
 * probe, no responder yet) is "up".
 */
#ifndef SL_BACKEND_H
#define SL_BACKEND_H

struct sl_backend_state {
	__u32 down;			/* 0 up, 1 down */
	__u32 probing;			/* a responder probes it */
	__u64 changes;			/* up <-> down since the responder started */
	__u64 last_change_ns;		/* CLOCK_MONOTONIC; 0 = none */
	__u64 probes;			/* OPTIONS sent */
	__u64 answers;			/* of those, answered in time */
};

#endif /* SL_BACKEND_H */
