/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The responder parses packets from the internet: once its sockets are
 * bound and its maps open and mapped, it gives up what it no longer
 * needs.  Every capability is dropped (and the bounding and ambient sets
 * emptied, root's exec privileges locked), no_new_privs is set, and a
 * seccomp allow-list of the system calls the responder makes is
 * installed; any other system call kills the process, which fails open
 * (requests go to the stack; `sl-ctl attach` resumes).
 */
#ifndef SL_RUN_SANDBOX_H
#define SL_RUN_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Enters the sandbox in the calling process; call it before any other
 * thread starts.  map_fd: a map the responder keeps writing (sl_active):
 * on kernels that refuse bpf() map operations to a process without
 * CAP_BPF (before 6.5 with kernel.unprivileged_bpf_disabled set), the
 * one capability kept is CAP_BPF, found out by a child that tries.
 * *kept_bpf tells which.  0, or -1 with err set.
 */
int sl_sandbox_enter(int map_fd, bool *kept_bpf, char *err, size_t errlen);

#endif /* SL_RUN_SANDBOX_H */
