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

/* RX queues of the device: combined + RX-only channels (ethtool's
 * ETHTOOL_GCHANNELS); 0 if it cannot tell (veth before 5.x, ...). */
unsigned int sl_iface_rx_queues(const char *ifname);

/*
 * Whether the NIC strips 802.1Q tags before XDP runs while the interface
 * carries VLANs: rx-vlan-offload on (ethtool -k: the tag goes into the
 * skb's or descriptor's metadata, out of the frame XDP and AF_XDP see)
 * and at least one VLAN device on top of it.  Replies to tagged requests
 * would then leave untagged.  1 with the VLAN devices' names in vlans
 * ("vlan100, vlan200"), 0 if not, -1 if it cannot tell.
 */
int sl_iface_vlan_stripped(const char *ifname, char *vlans, size_t vlans_len);

/* The interface's MTU (the largest IP packet it sends), -1 if unknown. */
int sl_iface_mtu(const char *ifname);

#endif /* SL_DP_IFACE_H */
