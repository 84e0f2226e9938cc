// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

pid_t sl_run_read_pid(const char *ifname)
{
	char path[PATH_MAX], buf[128];
	long pid;

	run_file(ifname, "pid", path, sizeof(path));
	if (read_small(path, buf, sizeof(buf)))
		return 0;
	pid = strtol(buf, NULL, 10);
	return pid > 0 && pid <= INT_MAX ? (pid_t)pid : 0;
}

int sl_run_write_pid(const char *ifname, pid_t pid, unsigned int queues,
		     const char *mode)
{
	char path[PATH_MAX], buf[96];
	int n;

	run_file(ifname, "pid", path, sizeof(path));
	n = snprintf(buf, sizeof(buf), "%d\n%u\n%s\n", (int)pid, queues, mode);
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
