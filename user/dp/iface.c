// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <ifaddrs.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "dp/iface.h"

int sl_iface_ipv4_text(const char *ifname, char *out, size_t outlen)
{
	struct ifaddrs *ifa, *i;
	int ret = -1;

	if (getifaddrs(&ifa))
		return -1;
	for (i = ifa; i && ret; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET ||
		    strcmp(i->ifa_name, ifname))
			continue;
		if (inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr,
			      out, outlen))
			ret = 0;
	}
	freeifaddrs(ifa);
	return ret;
}

int sl_iface_ip_forwarding(const char *ifname, int family)
{
	char path[128];
	int c;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv%d/conf/%s/forwarding",
		 family == 6 ? 6 : 4, ifname);
	f = fopen(path, "r");
	if (!f)
		return -1;
	c = fgetc(f);
	fclose(f);
	return c == EOF ? -1 : c != '0';
}
