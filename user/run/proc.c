// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#define _GNU_SOURCE	/* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "run/backend_probe.h"
#include "run/edge_sync.h"
#include "run/proc.h"
#include "run/responder.h"
#include "run/run_dir.h"
#include "run/sandbox.h"

static volatile int stop_flag;
static volatile int reload_flag;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reload_flag = 1;
	else
		stop_flag = 1;
}

pid_t responder_proc_pid(const char *ifname)
{
	unsigned long long start = 0;
	pid_t pid = sl_run_read_pid(ifname, &start);

	/* a recycled pid is not ours: the process that wrote the file is
	 * the one that started at the recorded time (its executable may
	 * have been replaced since, by an upgrade) */
	if (!pid || !start || kill(pid, 0) || sl_proc_start_time(pid) != start)
		return 0;
	return pid;
}

/* Runs the responder in this process; ready_fd (or -1) gets "ok" or the
 * error once the sockets are bound. */
static int serve(const char *ifname, const char *pin_dir,
		 const char *config_path, const struct sl_settings *s,
		 const struct sl_bank_image *img, bool skb_mode, int ready_fd,
		 char *err, size_t errlen)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct edge_sync *es = NULL;
	struct backend_probe *bp = NULL;
	struct responder *r;
	bool kept_bpf;
	int ret;

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (responder_open(ifname, pin_dir, config_path, s, img, skb_mode, &r,
			   err, errlen)) {
		if (ready_fd >= 0 && write(ready_fd, err, strlen(err)) < 0)
			ret = -1;
		return -1;
	}
	if (sl_run_write_pid(ifname, getpid(), responder_queues(r),
			     responder_mode(r))) {
		snprintf(err, errlen, "cannot write %s/%s.pid: %s", SL_RUN_DIR,
			 ifname, strerror(errno));
		if (ready_fd >= 0 && write(ready_fd, err, strlen(err)) < 0)
			ret = -1;
		responder_close(r);
		return -1;
	}
	if (sl_run_write_config_path(ifname, config_path)) {
		snprintf(err, errlen, "cannot record the config path %s in %s/%s.conf: %s",
			 config_path, SL_RUN_DIR, ifname, strerror(errno));
		sl_run_remove(ifname);
		if (ready_fd >= 0 && write(ready_fd, err, strlen(err)) < 0)
			ret = -1;
		responder_close(r);
		return -1;
	}
	/* what the data plane knows of this host, read before it answers;
	 * the netlink sockets are made and bound here, before the sandbox
	 * (a sandbox that fails ends the process: es is not closed then) */
	if (edge_sync_open(ifname, pin_dir, &es, err, errlen)) {
		sl_run_remove(ifname);
		if (ready_fd >= 0 && write(ready_fd, err, strlen(err)) < 0)
			ret = -1;
		responder_close(r);
		return -1;
	}
	if (backend_probe_open(&s->backend, pin_dir, &bp, err, errlen)) {
		sl_run_remove(ifname);
		if (ready_fd >= 0 && write(ready_fd, err, strlen(err)) < 0)
			ret = -1;
		edge_sync_close(es);
		responder_close(r);
		return -1;
	}
	/* everything that needed privileges is done: sockets bound, maps
	 * open and mapped, run files written */
	if (sl_sandbox_enter(SL_SANDBOX_RESPONDER, responder_hep_fd(r),
			     &kept_bpf, err, errlen)) {
		sl_run_remove(ifname);
		if (ready_fd >= 0 && write(ready_fd, err, strlen(err)) < 0)
			ret = -1;
		responder_close(r);
		return -1;
	}
	ret = edge_sync_start(es);
	if (!ret)
		ret = backend_probe_start(bp);
	if (ret) {
		snprintf(err, errlen, "cannot start the netlink sync or probe thread: %s",
			 strerror(-ret));
		sl_run_remove(ifname);
		if (ready_fd >= 0 && write(ready_fd, err, strlen(err)) < 0)
			ret = -1;
		backend_probe_close(bp);
		edge_sync_close(es);
		responder_close(r);
		return -1;
	}
	if (ready_fd >= 0) {
		if (write(ready_fd, "ok", 2) != 2)
			stop_flag = 1;
		close(ready_fd);
	} else {
		/* foreground: attach is done, let other commands in */
		sl_run_lock_drop();
		fprintf(stderr, "sl-xdp answering on %s: %u queue(s), AF_XDP %s mode, %s\n",
			ifname, responder_queues(r), responder_mode(r),
			kept_bpf ? "no capability but CAP_BPF (this kernel needs it for map updates)" :
				   "no capabilities");
	}
	ret = responder_run(r, &stop_flag, &reload_flag);
	backend_probe_close(bp);
	edge_sync_close(es);
	responder_close(r);
	sl_run_remove(ifname);
	return ret;
}

int responder_proc_start(const char *ifname, const char *pin_dir,
			 const char *config_path, const struct sl_settings *s,
			 const struct sl_bank_image *img, bool skb_mode,
			 bool foreground, char *err, size_t errlen)
{
	char msg[1024];
	int pfd[2], status;
	ssize_t n;
	pid_t pid;

	if (foreground)
		return serve(ifname, pin_dir, config_path, s, img, skb_mode, -1,
			     err, errlen) ? -1 : 0;
	if (pipe2(pfd, O_CLOEXEC)) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);

		/* the parent holds the interface's command lock until it
		 * returns; our copy of it must not outlive the parent */
		sl_run_lock_drop();
		close(pfd[0]);
		setsid();
		if (fork() > 0)		/* not a child of the caller's shell */
			_exit(0);
		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 1);
			dup2(devnull, 2);
			close(devnull);
		}
		if (chdir("/"))
			_exit(1);
		_exit(serve(ifname, pin_dir, config_path, s, img, skb_mode,
			    pfd[1], msg, sizeof(msg)) ? 1 : 0);
	}
	close(pfd[1]);
	waitpid(pid, &status, 0);
	n = read(pfd[0], msg, sizeof(msg) - 1);
	close(pfd[0]);
	if (n == 2 && !memcmp(msg, "ok", 2))
		return 0;
	if (n > 0) {
		msg[n] = 0;
		snprintf(err, errlen, "the responder did not start: %s", msg);
	} else {
		snprintf(err, errlen, "the responder died while starting");
	}
	return -1;
}

int responder_proc_stop(const char *ifname)
{
	pid_t pid = responder_proc_pid(ifname);
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	if (!pid) {
		sl_run_remove(ifname);	/* a responder that died leaves them */
		return 0;
	}
	kill(pid, SIGTERM);
	for (int i = 0; i < 150; i++) {
		if (kill(pid, 0))
			break;
		nanosleep(&ts, NULL);
	}
	if (!kill(pid, 0)) {
		kill(pid, SIGKILL);
		for (int i = 0; i < 50 && !kill(pid, 0); i++)
			nanosleep(&ts, NULL);
	}
	sl_run_remove(ifname);
	return 0;
}
