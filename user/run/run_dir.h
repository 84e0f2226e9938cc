/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The run directory, /run/sl-xdp: per interface, IFACE.pid (the
 * responder's pid, queue count and AF_XDP mode) and IFACE.conf (the
 * absolute path of the file it reloads from).  A leaf: files only.
 */
#ifndef SL_RUN_RUN_DIR_H
#define SL_RUN_RUN_DIR_H

#include <stddef.h>
#include <sys/types.h>

#define SL_RUN_DIR "/run/sl-xdp"

/* The pid written in IFACE.pid and the start time recorded with it
 * (*start may be NULL); 0 if none (whether it lives is not checked here). */
pid_t sl_run_read_pid(const char *ifname, unsigned long long *start);
/* pid, the queue count and AF_XDP mode for `sl-ctl status`, and the
 * process's start time (sl_proc_start_time), which tells it from a
 * process that got the same pid later, and survives an upgrade of the
 * binary it runs (its /proc/PID/exe then ends in " (deleted)"). */
int sl_run_write_pid(const char *ifname, pid_t pid, unsigned int queues,
		     const char *mode);
/* Field 22 of /proc/PID/stat: when the process started, in clock ticks
 * since boot; 0 if it does not exist or is a zombie. */
unsigned long long sl_proc_start_time(pid_t pid);
/* Queues and AF_XDP mode from IFACE.pid. */
int sl_run_read_info(const char *ifname, unsigned int *queues, char *mode,
		     size_t mode_len);
/* The config path in IFACE.conf; -1 and "" if none. */
int sl_run_read_config_path(const char *ifname, char *out, size_t len);
/* Records config_path made absolute (reloads read it after a chdir). */
int sl_run_write_config_path(const char *ifname, const char *config_path);
/* Removes IFACE.pid and IFACE.conf. */
void sl_run_remove(const char *ifname);

/*
 * Locks, flock(2) on files that stay in the run directory (removing a
 * lock file would let a waiter and a newcomer both hold "it"):
 *   SL_LOCK_CMD   IFACE.lock: one sl-ctl command that changes an
 *                 interface (attach, detach, reload) at a time;
 *   SL_LOCK_BANK  IFACE.bank.lock: one writer of a rule bank at a time
 *                 (sl-ctl, or the responder reloading for it).
 * Waits up to timeout_ms for it; 0 or more when held (taking a lock this
 * process holds already is a no-op), -1 with err set.  The lock is kept
 * by the process and everything it forks until each has closed it: a
 * forked responder calls sl_run_lock_drop().
 */
enum sl_lock { SL_LOCK_CMD, SL_LOCK_BANK };
int sl_run_lock(const char *ifname, enum sl_lock which, int timeout_ms,
		char *err, size_t errlen);
void sl_run_unlock(enum sl_lock which);
/* Closes every lock fd this process opened with sl_run_lock (a forked
 * child closing its copies leaves its parent's locks held; the last
 * holder closing releases them). */
void sl_run_lock_drop(void);

#endif /* SL_RUN_RUN_DIR_H */
