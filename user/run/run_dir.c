// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "run/run_dir.h"

static void run_file(const char *ifname, const char *ext, char *out, size_t len)
{
	snprintf(out, len, "%s/%s.%s", SL_RUN_DIR, ifname, ext);
}

/* The whole (small) file as a string; -1 if missing or empty. */
static int read_small(const char *path, char *out, size_t len)
{
	ssize_t n;
	int fd;

	out[0] = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, out, len - 1);
	close(fd);
	if (n <= 0) {
		out[0] = 0;
		return -1;
	}
	out[n] = 0;
	return 0;
}

static int write_small(const char *path, const char *buf, size_t n)
{
	int fd;

	if (mkdir(SL_RUN_DIR, 0755) && errno != EEXIST)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (write(fd, buf, n) != (ssize_t)n) {
		close(fd);
		return -1;
	}
	return close(fd);
}

unsigned long long sl_proc_start_time(pid_t pid)
{
	char path[64], buf[1024], *p, state;
	unsigned long long start;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_small(path, buf, sizeof(buf)))
		return 0;
	p = strrchr(buf, ')');	/* comm may hold spaces and parentheses */
	if (!p || sscanf(p + 1, " %c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
			 &state, &start) != 2)
		return 0;
	/* a zombie (killed, not yet reaped by init) is not running */
	return state == 'Z' || state == 'X' ? 0 : start;
}

pid_t sl_run_read_pid(const char *ifname, unsigned long long *start)
{
	char path[PATH_MAX], buf[128];
	unsigned long long st = 0;
	long pid = 0;

	run_file(ifname, "pid", path, sizeof(path));
	if (read_small(path, buf, sizeof(buf)) ||
	    sscanf(buf, "%ld %*u %*31s %llu", &pid, &st) < 1)
		return 0;
	if (start)
		*start = st;
	return pid > 0 && pid <= INT_MAX ? (pid_t)pid : 0;
}

int sl_run_write_pid(const char *ifname, pid_t pid, unsigned int queues,
		     const char *mode)
{
	char path[PATH_MAX], buf[128];
	int n;

	run_file(ifname, "pid", path, sizeof(path));
	n = snprintf(buf, sizeof(buf), "%d\n%u\n%s\n%llu\n", (int)pid, queues,
		     mode, sl_proc_start_time(pid));
	return write_small(path, buf, n);
}

int sl_run_read_info(const char *ifname, unsigned int *queues, char *mode,
		     size_t mode_len)
{
	char path[PATH_MAX], buf[128], m[32];

	run_file(ifname, "pid", path, sizeof(path));
	if (read_small(path, buf, sizeof(buf)) ||
	    sscanf(buf, "%*d %u %31s", queues, m) != 2)
		return -1;
	snprintf(mode, mode_len, "%s", m);
	return 0;
}

int sl_run_read_config_path(const char *ifname, char *out, size_t len)
{
	char path[PATH_MAX];

	run_file(ifname, "conf", path, sizeof(path));
	return read_small(path, out, len);
}

int sl_run_write_config_path(const char *ifname, const char *config_path)
{
	char path[PATH_MAX], abs[PATH_MAX];

	if (!realpath(config_path, abs))
		return -1;
	run_file(ifname, "conf", path, sizeof(path));
	return write_small(path, abs, strlen(abs));
}

void sl_run_remove(const char *ifname)
{
	char path[PATH_MAX];

	run_file(ifname, "pid", path, sizeof(path));
	unlink(path);
	run_file(ifname, "conf", path, sizeof(path));
	unlink(path);
}

/* fds of the locks this process holds (at most one of each kind) */
static int held_locks[2] = { -1, -1 };

int sl_run_lock(const char *ifname, enum sl_lock which, int timeout_ms,
		char *err, size_t errlen)
{
	static const char *const ext[] = { "lock", "bank.lock" };
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	char path[PATH_MAX];
	int fd, waited = 0;

	if (held_locks[which] >= 0)
		return held_locks[which];	/* already ours */
	if (mkdir(SL_RUN_DIR, 0755) && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", SL_RUN_DIR,
			 strerror(errno));
		return -1;
	}
	run_file(ifname, ext[which], path, sizeof(path));
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	while (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK) {
			snprintf(err, errlen, "cannot lock %s: %s", path,
				 strerror(errno));
			close(fd);
			return -1;
		}
		if (waited >= timeout_ms) {
			snprintf(err, errlen,
				 "another sl-ctl command is changing %s (it holds %s): try again when it is done",
				 ifname, path);
			close(fd);
			return -1;
		}
		nanosleep(&tick, NULL);
		waited += 20;
	}
	held_locks[which] = fd;
	return fd;
}

void sl_run_unlock(enum sl_lock which)
{
	if (held_locks[which] >= 0)
		close(held_locks[which]);
	held_locks[which] = -1;
}

void sl_run_lock_drop(void)
{
	sl_run_unlock(SL_LOCK_CMD);
	sl_run_unlock(SL_LOCK_BANK);
}
