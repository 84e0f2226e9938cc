// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <arpa/inet.h>

#include "dp/iface.h"
#include "run/prepare.h"

int sl_prepare(const char *path, const char *ifname, struct sl_settings *s,
	       struct sl_bank_image *img, char *err, size_t errlen)
{
	char ip[INET_ADDRSTRLEN];

	if (sl_settings_load_file(path, s, err, errlen))
		return -1;
	return sl_image_compile(s, sl_iface_ipv4_text(ifname, ip, sizeof(ip)) ?
				   NULL : ip, ifname, img, err, errlen);
}
