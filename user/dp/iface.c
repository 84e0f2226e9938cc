// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <dirent.h>
#include <ifaddrs.h>
#include <limits.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "dp/iface.h"

bool sl_iface_name_valid(const char *name)
{
	size_t n = strnlen(name, 16);

	if (n == 0 || n > 15 || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (; *name; name++)
		if (*name == '/' || *name == ':' || *name == ' ' ||
		    (*name >= '\t' && *name <= '\r'))
			return false;
	return true;
}

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

int sl_iface_mtu(const char *ifname)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = -1;

	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFMTU, &ifr) == 0)
		ret = ifr.ifr_mtu;
	close(fd);
	return ret;
}

unsigned int sl_iface_rx_queues(const char *ifname)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr = {};
	unsigned int n = 0;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ch;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0)
		n = ch.combined_count + ch.rx_count;
	close(fd);
	return n;
}

/* rx-vlan-offload (NETIF_F_HW_VLAN_CTAG_RX): 1 on, 0 off, -1 unknown. */
static int rxvlan_on(const char *ifname)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_GFLAGS };
	struct ifreq ifr = {};
	int fd, on = -1;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ev;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0)
		on = !!(ev.data & ETH_FLAG_RXVLAN);
	close(fd);
	return on;
}

/* Whether /sys/class/net/NAME is a VLAN device (DEVTYPE=vlan). */
static bool is_vlan_device(const char *name)
{
	char path[PATH_MAX], line[64];
	bool vlan = false;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/uevent", name);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!vlan && fgets(line, sizeof(line), f))
		vlan = !strcmp(line, "DEVTYPE=vlan\n");
	fclose(f);
	return vlan;
}

int sl_iface_vlan_stripped(const char *ifname, char *vlans, size_t vlans_len)
{
	char path[PATH_MAX];
	struct dirent *de;
	size_t used = 0;
	int on = rxvlan_on(ifname), n = 0;
	DIR *d;

	if (vlans_len)
		vlans[0] = 0;
	if (on <= 0)
		return on;
	/* the devices stacked on it: upper_NAME links */
	snprintf(path, sizeof(path), "/sys/class/net/%s", ifname);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		const char *upper = de->d_name + 6;
		int w;

		if (strncmp(de->d_name, "upper_", 6) || !is_vlan_device(upper))
			continue;
		n++;
		w = snprintf(vlans + used, vlans_len > used ? vlans_len - used : 0,
			     "%s%s", used ? ", " : "", upper);
		if (w > 0 && used + w < vlans_len)
			used += w;
	}
	closedir(d);
	return n > 0;
}
