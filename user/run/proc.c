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
#include "run/responder.h"
#include "run/proc.h"

static volatile int stop_flag;
static volatile int reload_flag;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reload_flag = 1;
	else
		stop_flag = 1;
}

static void conf_path_file(const char *ifname, char *out, size_t len)
{
	snprintf(out, len, "%s/%s.conf", SL_RUN_DIR, ifname);
}

int responder_proc_config_path(const char *ifname, char *out, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	out[0] = 0;
	conf_path_file(ifname, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, out, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	out[n] = 0;
	return 0;
}

/* The absolute config path, for reloads by path after a chdir("/"). */
int responder_proc_set_config_path(const char *ifname, const char *config_path)
{
	char path[PATH_MAX], abs[PATH_MAX];
	int fd, n;

	if (!realpath(config_path, abs))
		return -1;
	conf_path_file(ifname, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	n = strlen(abs);
	if (write(fd, abs, n) != n) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static void pid_path(const char *ifname, char *out, size_t len)
{
	snprintf(out, len, "%s/%s.pid", SL_RUN_DIR, ifname);
}

int responder_proc_info(const char *ifname, unsigned int *queues, char *mode,
			size_t mode_len)
{
	char path[PATH_MAX], buf[128], m[32];
	ssize_t n;
	int fd;

	pid_path(ifname, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	if (sscanf(buf, "%*d %u %31s", queues, m) != 2)
		return -1;
	snprintf(mode, mode_len, "%s", m);
	return 0;
}

pid_t responder_proc_pid(const char *ifname)
{
	char path[PATH_MAX], buf[32], exe[PATH_MAX], self[PATH_MAX];
	ssize_t n;
	long pid;
	int fd;

	pid_path(ifname, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	pid = strtol(buf, NULL, 10);
	if (pid <= 0 || kill(pid, 0))
		return 0;
	/* a recycled pid is not ours: compare executables */
	snprintf(path, sizeof(path), "/proc/%ld/exe", pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	if (n <= 0)
		return 0;
	exe[n] = 0;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return 0;
	self[n] = 0;
	return strcmp(exe, self) ? 0 : (pid_t)pid;
}

/* pid, then the queue count and AF_XDP mode for `sl-ctl status` */
static int write_pid(const char *ifname, unsigned int queues, const char *mode)
{
	char path[PATH_MAX], buf[96];
	int fd, n;

	if (mkdir(SL_RUN_DIR, 0755) && errno != EEXIST)
		return -1;
	pid_path(ifname, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	n = snprintf(buf, sizeof(buf), "%d\n%u\n%s\n", (int)getpid(), queues,
		     mode);
	if (write(fd, buf, n) != n) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static void remove_pid(const char *ifname)
{
	char path[PATH_MAX];

	pid_path(ifname, path, sizeof(path));
	unlink(path);
	conf_path_file(ifname, path, sizeof(path));
	unlink(path);
}

/* Runs the responder in this process; ready_fd (or -1) gets "ok" or the
 * error once the sockets are bound. */
static int serve(const char *ifname, const char *pin_dir,
		 const char *config_path, const struct sl_settings *s,
		 bool skb_mode, int ready_fd, char *err, size_t errlen)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct responder *r;
	int ret;

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (responder_open(ifname, pin_dir, config_path, s, skb_mode, &r, err,
			   errlen)) {
		if (ready_fd >= 0 && write(ready_fd, err, strlen(err)) < 0)
			ret = -1;
		return -1;
	}
	if (write_pid(ifname, responder_queues(r), responder_mode(r)) ||
	    responder_proc_set_config_path(ifname, config_path)) {
		snprintf(err, errlen, "cannot write %s/%s.pid: %s", SL_RUN_DIR,
			 ifname, strerror(errno));
		if (ready_fd >= 0 && write(ready_fd, err, strlen(err)) < 0)
			ret = -1;
		responder_close(r);
		return -1;
	}
	if (ready_fd >= 0) {
		if (write(ready_fd, "ok", 2) != 2)
			stop_flag = 1;
		close(ready_fd);
	} else {
		fprintf(stderr, "sl-xdp answering on %s: %u queue(s), AF_XDP %s mode\n",
			ifname, responder_queues(r), responder_mode(r));
	}
	ret = responder_run(r, &stop_flag, &reload_flag);
	responder_close(r);
	remove_pid(ifname);
	return ret;
}

int responder_proc_start(const char *ifname, const char *pin_dir,
			 const char *config_path, const struct sl_settings *s,
			 bool skb_mode, bool foreground, char *err,
			 size_t errlen)
{
	char msg[1024];
	int pfd[2], status;
	ssize_t n;
	pid_t pid;

	if (foreground)
		return serve(ifname, pin_dir, config_path, s, skb_mode, -1, err,
			     errlen) ? -1 : 0;
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
		_exit(serve(ifname, pin_dir, config_path, s, skb_mode, pfd[1],
			    msg, sizeof(msg)) ? 1 : 0);
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
		remove_pid(ifname);	/* a responder that died leaves them */
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
	remove_pid(ifname);
	return 0;
}
