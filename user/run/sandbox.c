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
 * What the responder does after the sandbox is entered, and the system
 * calls that needs (each found with strace over the e2e tests):
 *  - queue threads: poll/ppoll (ppoll: the 50 us wait of a blocked TX),
 *    sendto/recvfrom (AF_XDP kicks, fill-ring wake-ups, one busy-poll
 *    pass of the device with busy_poll = on), clock_nanosleep, futex (the
 *    lock of the sockets sharing a queue's UMEM); started with clone
 *    (CLONE_THREAD only; clone3 gets ENOSYS so that glibc falls back to
 *    clone, whose flags a filter can see), with
 *    mmap/mprotect/munmap/madvise/set_robust_list/rseq; each names itself
 *    (prctl PR_SET_NAME only: "sl-xdp/q0" in ps and top) and pins itself
 *    to its CPU (sched_setaffinity on itself only: pid argument 0, so no
 *    other process of the same user can be moved);
 *  - the main loop every 100 ms: each socket's XDP_STATISTICS (getsockopt)
 *    and each queue thread's CPU time (clock_gettime on its CPU clock);
 *  - the main loop every 100 ms: the MTU (socket + ioctl SIOCGIFMTU +
 *    close), nanosleep;
 *  - a reload (SIGHUP): the config path and lock files in /run/sl-xdp
 *    (openat, read, mkdir, flock), the config file (openat, read,
 *    newfstatat, lseek, readlink for realpath), the interface's address
 *    (getifaddrs: a netlink socket, bind, getsockname, sendto, recvmsg),
 *    the maps (bpf), the CPU count (openat/read of sysfs), malloc (brk,
 *    mmap);
 *  - SIGSTOP then SIGCONT (a debugger, an operator's kill -STOP): the
 *    kernel resumes an interrupted nanosleep/poll with restart_syscall;
 *  - stopping: the sockets leave the xsks map (bpf) and their rings are
 *    unmapped (getsockopt for the offsets, munmap), unlink of the pid
 *    files, write of a message to stderr, exit/exit_group; signals
 *    (rt_sigreturn, rt_sigprocmask).
 */
static const int allowed[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(close), SCMP_SYS(openat),
	SCMP_SYS(lseek), SCMP_SYS(newfstatat), SCMP_SYS(fstat),
	SCMP_SYS(readlink), SCMP_SYS(mkdir), SCMP_SYS(unlink), SCMP_SYS(flock),
	SCMP_SYS(faccessat2), SCMP_SYS(access),
	SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(sendto), SCMP_SYS(recvfrom),
	SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(bind),
	SCMP_SYS(getsockname), SCMP_SYS(getsockopt), SCMP_SYS(ioctl),
	SCMP_SYS(bpf),
	SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep), SCMP_SYS(clock_gettime),
	SCMP_SYS(gettimeofday), SCMP_SYS(futex), SCMP_SYS(sched_yield),
	SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mprotect), SCMP_SYS(madvise),
	SCMP_SYS(brk), SCMP_SYS(mremap), SCMP_SYS(set_robust_list),
	SCMP_SYS(rseq), SCMP_SYS(getrandom),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigaction),
	SCMP_SYS(sigaltstack), SCMP_SYS(restart_syscall),
	SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(exit), SCMP_SYS(exit_group),
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
 * map fd it holds: a child drops everything and tries. */
static bool bpf_needs_cap(int map_fd)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		__u32 zero = 0;
		char value[64];

		_exit(drop_capabilities(-1) ? 2 :
		      bpf_map_lookup_elem(map_fd, &zero, value) ? 1 : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return true;
	return !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}

/* allow syscall when its first argument compares (op) with a (and b) */
static int allow_if_arg0(scmp_filter_ctx ctx, int syscall, enum scmp_compare op,
			 scmp_datum_t a, scmp_datum_t b)
{
	struct scmp_arg_cmp cmp = { .arg = 0, .op = op, .datum_a = a, .datum_b = b };

	return seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, syscall, 1, &cmp);
}

__attribute__((unused))	/* not called in sanitizer builds */
static int install_filter(char *err, size_t errlen)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int ret = ctx ? 0 : -ENOMEM;

	for (size_t i = 0; !ret && i < sizeof(allowed) / sizeof(allowed[0]); i++)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	/* threads only: clone with CLONE_THREAD, never a new process */
	if (!ret)
		ret = allow_if_arg0(ctx, SCMP_SYS(clone), SCMP_CMP_MASKED_EQ,
				    CLONE_THREAD, CLONE_THREAD);
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
				       SCMP_SYS(clone3), 0);
	/* queue threads: their own name, their own CPU */
	if (!ret)
		ret = allow_if_arg0(ctx, SCMP_SYS(prctl), SCMP_CMP_EQ,
				    PR_SET_NAME, 0);
	if (!ret)
		ret = allow_if_arg0(ctx, SCMP_SYS(sched_setaffinity),
				    SCMP_CMP_EQ, 0, 0);
	/* sockets: netlink (getifaddrs) and inet datagram (the MTU) only */
	if (!ret)
		ret = allow_if_arg0(ctx, SCMP_SYS(socket), SCMP_CMP_EQ,
				    AF_NETLINK, 0);
	if (!ret)
		ret = allow_if_arg0(ctx, SCMP_SYS(socket), SCMP_CMP_EQ, AF_INET, 0);
	if (!ret)	/* every thread, should one exist already */
		ret = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (!ret)
		ret = seccomp_load(ctx);
	if (ctx)
		seccomp_release(ctx);
	return ret ? fail(err, errlen, "seccomp", -ret) : 0;
}

int sl_sandbox_enter(int map_fd, bool *kept_bpf, char *err, size_t errlen)
{
	int ret;

	*kept_bpf = bpf_needs_cap(map_fd);
	ret = drop_capabilities(*kept_bpf ? CAP_BPF : -1);
	if (ret)
		return fail(err, errlen, "capabilities", -ret);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return fail(err, errlen, "no_new_privs", errno);
#ifdef SL_SANITIZED
	/* the sanitizers' reports and LeakSanitizer's exit scan need system
	 * calls the responder itself never makes: no filter in those builds
	 * (capabilities and no_new_privs still apply) */
	return 0;
#else
	return install_filter(err, errlen);
#endif
}
