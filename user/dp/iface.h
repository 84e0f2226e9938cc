/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What the kernel says about an interface. */
#ifndef SL_DP_IFACE_H
#define SL_DP_IFACE_H

#include <stdbool.h>
#include <stddef.h>

/* A name the kernel would accept for a network device (dev_valid_name):
 * 1..15 bytes, not "." or "..", no '/', ':' or whitespace.  Every path
 * sl-xdp builds from an interface name (pins, run files) relies on it. */
bool sl_iface_name_valid(const char *name);

/* The interface's first IPv4 address as text (for the to-tag signature
 * when tag_addr is not set).  0, or -1 if it has none. */
int sl_iface_ipv4_text(const char *ifname, char *out, size_t outlen);

/* The interface's MTU (the largest IP packet it sends), -1 if unknown. */
int sl_iface_mtu(const char *ifname);

#endif /* SL_DP_IFACE_H */
