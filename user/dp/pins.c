// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "dp/pins.h"
#include "sl_xdp_shared.h"

void sl_pin_dir(const char *ifname, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s/%s", SL_PIN_BASE, ifname);
}

int sl_check_env(char *err, size_t errlen)
{
	struct statfs st;

	if (geteuid() != 0) {
		snprintf(err, errlen,
			 "must run as root (BPF and XDP need CAP_SYS_ADMIN and CAP_NET_ADMIN): try sudo");
		return -1;
	}
	if ((statfs("/sys/fs/bpf", &st) || st.f_type != BPF_FS_MAGIC) &&
	    mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700")) {
		snprintf(err, errlen,
			 "bpffs is not mounted at /sys/fs/bpf and mounting it failed (%s): run 'mount -t bpf bpf /sys/fs/bpf'",
			 strerror(errno));
		return -1;
	}
	if (mkdir(SL_PIN_BASE, 0700) && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", SL_PIN_BASE,
			 strerror(errno));
		return -1;
	}
	return 0;
}
