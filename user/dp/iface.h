/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What the kernel says about an interface. */
#ifndef SL_DP_IFACE_H
#define SL_DP_IFACE_H

#include <stddef.h>

/* The interface's first IPv4 address as text (for the to-tag signature
 * when tag_addr is not set).  0, or -1 if it has none. */
int sl_iface_ipv4_text(const char *ifname, char *out, size_t outlen);

/* 1 if IP forwarding (family 4 or 6) is on for ifname in this network
 * namespace, 0 if off, -1 if unknown.  The kernel's FIB helper
 * (bpf_fib_lookup) refuses to route for an interface without it. */
int sl_iface_ip_forwarding(const char *ifname, int family);

#endif /* SL_DP_IFACE_H */
