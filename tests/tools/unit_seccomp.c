// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What systemd would install for sl-xdp@.service's seccomp directives,
 * for tests/e2e/test_unit_hardening.sh (no systemd runs as PID 1 there):
 *
 *   unit_seccomp -s SYSCALL,... -f FAMILY,... [-w] -- COMMAND ARGS...
 *
 * -s: SystemCallFilter= as an allow list (systemd-analyze expands the
 *     groups); anything else fails with EPERM (SystemCallErrorNumber=);
 * -f: RestrictAddressFamilies= (socket(2) of another family fails, with
 *     EPERM here where systemd says EAFNOSUPPORT);
 * -w: MemoryDenyWriteExecute= (mmap/mprotect asking for write and execute
 *     together: EPERM);
 * plus SystemCallArchitectures=native (the filter is for this ABI only)
 * and NoNewPrivileges=, then exec COMMAND.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

static const struct { const char *name; int af; } families[] = {
	{ "AF_UNIX", AF_UNIX }, { "AF_INET", AF_INET }, { "AF_INET6", AF_INET6 },
	{ "AF_NETLINK", AF_NETLINK }, { "AF_XDP", 44 }, { "AF_PACKET", AF_PACKET },
};

static int add_list(scmp_filter_ctx ctx, char *list)
{
	for (char *t = strtok(list, ","); t; t = strtok(NULL, ",")) {
		int nr = seccomp_syscall_resolve_name(t);

		if (nr == __NR_SCMP_ERROR)
			continue;	/* not on this architecture */
		if (nr == SCMP_SYS(socket) || nr == SCMP_SYS(mmap) ||
		    nr == SCMP_SYS(mprotect))
			continue;	/* allowed with conditions below */
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0))
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char *sys = NULL, *fam = NULL;
	int wx = 0, c, n_af = 0, afs[16];
	scmp_filter_ctx ctx;

	while ((c = getopt(argc, argv, "s:f:w")) != -1) {
		if (c == 's')
			sys = optarg;
		else if (c == 'f')
			fam = optarg;
		else if (c == 'w')
			wx = 1;
		else
			return 2;
	}
	if (!sys || !fam || optind >= argc) {
		fprintf(stderr, "usage: unit_seccomp -s SYSCALLS -f FAMILIES [-w] -- CMD...\n");
		return 2;
	}
	for (char *t = strtok(fam, ","); t && n_af < 16; t = strtok(NULL, ","))
		for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
			if (!strcmp(t, families[i].name))
				afs[n_af++] = families[i].af;
	ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	if (!ctx || add_list(ctx, sys))
		return 1;
	for (int i = 0; i < n_af; i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
				     SCMP_A0(SCMP_CMP_EQ, afs[i])))
			return 1;
	if (wx) {
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
				     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_WRITE | PROT_EXEC,
					     PROT_WRITE)) ||
		    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
				     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_WRITE | PROT_EXEC,
					     PROT_EXEC)) ||
		    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
				     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_WRITE | PROT_EXEC, 0)) ||
		    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
				     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)))
			return 1;
	} else if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 0) ||
		   seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 0)) {
		return 1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || seccomp_load(ctx)) {
		perror("unit_seccomp");
		return 1;
	}
	execvp(argv[optind], argv + optind);
	perror(argv[optind]);
	return 127;
}
