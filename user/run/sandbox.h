/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The responder parses packets from the internet, and serve-metrics
 * parses HTTP: once their sockets are bound and their maps open, they give
 * up what they no longer need.  Every capability is dropped (and the bounding and ambient sets
 * emptied, root's exec privileges locked), no_new_privs is set, and a
 * seccomp allow-list of the system calls the responder makes is
 * installed; any other system call kills the process, which fails open
 * (requests go to the stack; `sl-ctl attach` resumes).
 */
#ifndef SL_RUN_SANDBOX_H
#define SL_RUN_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>

/* What the sandboxed process goes on doing decides what it may call. */
enum sl_sandbox_profile {
	SL_SANDBOX_RESPONDER,	/* AF_XDP queues, reloads, MTU polling */
	SL_SANDBOX_METRICS,	/* sl-ctl serve-metrics: an HTTP server
				 * reading pinned maps */
};

/*
 * Enters the sandbox in the calling process (with SECCOMP_FILTER_FLAG_TSYNC
 * for any thread it already has).  On kernels that refuse bpf() to a
 * process without CAP_BPF (before 6.5 with
 * kernel.unprivileged_bpf_disabled set), the one capability kept is
 * CAP_BPF, found out by a child that drops everything and tries a map of
 * its own; *kept_bpf tells which.  hep_fd: the responder's HEP socket,
 * the only fd it may sendmmsg() on (-1: none).  0, or -1 with err set.
 */
int sl_sandbox_enter(enum sl_sandbox_profile profile, int hep_fd,
		     bool *kept_bpf, char *err, size_t errlen);

#endif /* SL_RUN_SANDBOX_H */
