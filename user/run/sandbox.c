// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <bpf/bpf.h>

#include "run/sandbox.h"

/* Built with AddressSanitizer (make asan-ctl, the fuzzers)? */
#if defined(__SANITIZE_ADDRESS__)
#define SL_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SL_SANITIZED 1
#endif
#endif

/*
 * The system calls each profile makes after the sandbox is entered (each
 * found with strace over the e2e tests), on top of what any process
 * needs (memory, threads' futexes, time, signals, exit, and files:
 * config, run-dir, sysfs reads):
 *  - the responder's queue threads: poll/ppoll (ppoll: the 50 us wait of
 *    a blocked TX), sendto/recvfrom (AF_XDP kicks, fill-ring wake-ups, one
 *    busy-poll pass of the device with busy_poll = on), futex (the lock
 *    of the sockets that share a queue's UMEM); each names itself (prctl
 *    PR_SET_NAME only: "sl-xdp/q0" in ps and top) and pins itself to its
 *    CPU (sched_setaffinity with pid 0 only: itself, never another
 *    process of the same user);
 *    the HEP thread (user/run/hep_mirror.c): sendmmsg on its own UDP
 *    socket only (the fd is in the filter), nanosleep, prctl PR_SET_NAME
 *    (as the backend probe and the address sync threads name themselves);
 *    it reads the XDP program's ring buffer sl_hep_ring through pages
 *    mapped before the sandbox (no system call: no epoll_wait);
 *    the main loop every 100 ms: each socket's XDP_STATISTICS
 *    (getsockopt) and each queue thread's CPU time (clock_gettime on its
 *    CPU clock), the MTU (socket AF_INET + ioctl
 *    SIOCGIFMTU), nanosleep; a reload: the run-dir lock and files (mkdir,
 *    flock, openat, read, readlink for realpath), the interface's address
 *    (getifaddrs: a netlink socket, bind, getsockname, sendto, recvmsg),
 *    the maps (bpf); stopping: the sockets leave the xsks map (bpf), their
 *    rings are unmapped (getsockopt for the offsets, munmap), the pid files
 *    are unlinked;
 *  - serve-metrics' server thread: epoll, accept4, recv/send, setsockopt
 *    and getsockopt on accepted sockets, shutdown, fcntl, and for each
 *    scrape the pins (bpf, newfstatat); its main thread sigwaits.
 * Threads only ever through clone with CLONE_THREAD (clone3 gets ENOSYS so
 * that glibc falls back to clone, whose flags a filter can see).
 */
static const int allowed_common[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(close), SCMP_SYS(openat),
	SCMP_SYS(lseek), SCMP_SYS(newfstatat), SCMP_SYS(fstat),
	SCMP_SYS(readlink), SCMP_SYS(faccessat2), SCMP_SYS(access),
	SCMP_SYS(bpf), SCMP_SYS(getsockopt),
	SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep), SCMP_SYS(clock_gettime),
	SCMP_SYS(gettimeofday), SCMP_SYS(futex), SCMP_SYS(sched_yield),
	SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mprotect), SCMP_SYS(madvise),
	SCMP_SYS(brk), SCMP_SYS(mremap), SCMP_SYS(set_robust_list),
	SCMP_SYS(rseq), SCMP_SYS(getrandom),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigaction),
	SCMP_SYS(sigaltstack),
	SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(exit), SCMP_SYS(exit_group),
	SCMP_SYS(restart_syscall),	/* a sleep a signal interrupted */
};

static const int allowed_responder[] = {
	SCMP_SYS(mkdir), SCMP_SYS(unlink), SCMP_SYS(flock),
	SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(sendto), SCMP_SYS(recvfrom),
	SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(bind),
	SCMP_SYS(getsockname), SCMP_SYS(ioctl),
};

static const int allowed_metrics[] = {
	SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_ctl),
	SCMP_SYS(accept4), SCMP_SYS(accept), SCMP_SYS(recvfrom),
	SCMP_SYS(sendto), SCMP_SYS(sendmsg), SCMP_SYS(writev),
	SCMP_SYS(setsockopt), SCMP_SYS(shutdown), SCMP_SYS(fcntl),
	SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(rt_sigtimedwait),
	SCMP_SYS(eventfd2),
};

static int fail(char *err, size_t errlen, const char *what, int e)
{
	snprintf(err, errlen, "cannot enter the responder's sandbox: %s: %s",
		 what, strerror(e));
	return -1;
}

/* Empties the bounding and ambient sets, locks root's privileges on exec,
 * and leaves only keep (a CAP_* number, or -1) permitted and effective. */
static int drop_capabilities(int keep)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { 0 };

	for (int cap = 0; cap <= 63; cap++)
		if (cap != keep && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) &&
		    errno != EINVAL)	/* beyond this kernel's last cap */
			return -errno;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) &&
	    errno != EINVAL)
		return -errno;
	if (prctl(PR_SET_SECUREBITS,
		  SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
		  SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED |
		  SECBIT_KEEP_CAPS_LOCKED, 0, 0, 0))
		return -errno;
	if (keep >= 0) {
		data[keep / 32].permitted = 1u << (keep % 32);
		data[keep / 32].effective = 1u << (keep % 32);
	}
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}

/* Whether a process with no capability at all may still use bpf() on a
 * map fd it holds: a child drops everything and tries, on a map made for
 * the question. */
static bool bpf_needs_cap(void)
{
	int status, map_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "sl_probe",
					    sizeof(__u32), 8, 1, NULL);
	pid_t pid;

	if (map_fd < 0)
		return true;
	pid = fork();
	if (pid == 0) {
		__u32 zero = 0;
		__u64 value;

		_exit(drop_capabilities(-1) ? 2 :
		      bpf_map_lookup_elem(map_fd, &zero, &value) ? 1 : 0);
	}
	close(map_fd);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return true;
	return !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}

static int allow_list(scmp_filter_ctx ctx, const int *list, size_t n)
{
	int ret = 0;

	for (size_t i = 0; !ret && i < n; i++)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, list[i], 0);
	return ret;
}

/* allow syscall when its first argument compares (op) with a (and b) */
static int allow_if_arg0(scmp_filter_ctx ctx, int syscall, enum scmp_compare op,
			 scmp_datum_t a, scmp_datum_t b)
{
	struct scmp_arg_cmp cmp = { .arg = 0, .op = op, .datum_a = a, .datum_b = b };

	return seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, syscall, 1, &cmp);
}

__attribute__((unused))	/* not called in sanitizer builds */
static int install_filter(enum sl_sandbox_profile profile, int hep_fd,
			  char *err, size_t errlen)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int ret = ctx ? 0 : -ENOMEM;

	if (!ret)
		ret = allow_list(ctx, allowed_common,
				 sizeof(allowed_common) / sizeof(allowed_common[0]));
	if (!ret && profile == SL_SANDBOX_RESPONDER)
		ret = allow_list(ctx, allowed_responder,
				 sizeof(allowed_responder) / sizeof(allowed_responder[0]));
	if (!ret && profile == SL_SANDBOX_METRICS)
		ret = allow_list(ctx, allowed_metrics,
				 sizeof(allowed_metrics) / sizeof(allowed_metrics[0]));
	/* threads only: clone with CLONE_THREAD, never a new process */
	if (!ret)
		ret = allow_if_arg0(ctx, SCMP_SYS(clone), SCMP_CMP_MASKED_EQ,
				    CLONE_THREAD, CLONE_THREAD);
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
				       SCMP_SYS(clone3), 0);
	/* the responder's queue threads: their own name, their own CPU */
	if (!ret && profile == SL_SANDBOX_RESPONDER)
		ret = allow_if_arg0(ctx, SCMP_SYS(prctl), SCMP_CMP_EQ,
				    PR_SET_NAME, 0);
	/* the HEP thread: its socket, no other */
	if (!ret && profile == SL_SANDBOX_RESPONDER && hep_fd >= 0)
		ret = allow_if_arg0(ctx, SCMP_SYS(sendmmsg), SCMP_CMP_EQ,
				    hep_fd, 0);
	if (!ret && profile == SL_SANDBOX_RESPONDER)
		ret = allow_if_arg0(ctx, SCMP_SYS(sched_setaffinity),
				    SCMP_CMP_EQ, 0, 0);
	/* the responder's sockets: netlink (getifaddrs) and inet datagram
	 * (the MTU) only; serve-metrics makes none */
	if (!ret && profile == SL_SANDBOX_RESPONDER)
		ret = allow_if_arg0(ctx, SCMP_SYS(socket), SCMP_CMP_EQ,
				    AF_NETLINK, 0);
	if (!ret && profile == SL_SANDBOX_RESPONDER)
		ret = allow_if_arg0(ctx, SCMP_SYS(socket), SCMP_CMP_EQ, AF_INET, 0);
	if (!ret)	/* every thread, should one exist already */
		ret = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (!ret)
		ret = seccomp_load(ctx);
	if (ctx)
		seccomp_release(ctx);
	return ret ? fail(err, errlen, "seccomp", -ret) : 0;
}

int sl_sandbox_enter(enum sl_sandbox_profile profile, int hep_fd,
		     bool *kept_bpf, char *err, size_t errlen)
{
	int ret;

	*kept_bpf = bpf_needs_cap();
	ret = drop_capabilities(*kept_bpf ? CAP_BPF : -1);
	if (ret)
		return fail(err, errlen, "capabilities", -ret);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return fail(err, errlen, "no_new_privs", errno);
#ifdef SL_SANITIZED
	/* the sanitizers' reports and LeakSanitizer's exit scan need system
	 * calls the responder itself never makes: no filter in those builds
	 * (capabilities and no_new_privs still apply) */
	(void)profile;
	(void)hep_fd;
	return 0;
#else
	return install_filter(profile, hep_fd, err, errlen);
#endif
}
