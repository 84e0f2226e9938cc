// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Only frames for this host are answered, absorbed or forwarded: the
 * destination MAC must be the interface's and the destination IP one of
 * its addresses or of the active bank's `addresses =` (map sl_local).
 * Everything else passes untouched and counts in dp:passed_not_ours.
 *
 * A fixture table (broadcast, multicast, another host's MAC, transit
 * traffic, a VIP of the other bank), then the writers of sl_local: the
 * bank writer (a reload switches `addresses =` with the rules) and the
 * responder's netlink sync (sl_local_sync_iface on a veth interface in a
 * network namespace of this process: its MAC and addresses, then changes
 * to them, read again).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>

#include "fixture_env.h"
#include "frame.h"
#include "dp/local_addrs.h"
#include "dp/rtnl.h"
#include "sip/totag.h"

static __u8 frame[FRAME_MAX];
static struct fx_result res;

static const __u8 BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const __u8 OTHER_MAC[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x99 };
static const __u8 MCAST6_MAC[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };

#define OPTIONS	"OPTIONS sip:x@198.18.0.1 SIP/2.0\n" \
		"Via: SIP/2.0/UDP 198.18.0.2:5062;branch=z9hG4bK-l1\n" \
		"From: <sip:a@198.18.0.2>;tag=1\nTo: <sip:x@198.18.0.1>\n" \
		"Call-ID: local-1\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n"

/* reply to OPTIONS, drop REGISTER, everything else passes */
#define RULES	"[rule options]\nmethod = OPTIONS\nreply = 200 OK\n" \
		"[rule register]\nmethod = REGISTER\naction = drop\n"

struct local_case {
	const char *name;
	struct frame_spec fs;
	const char *msg;
	bool ours;
};

static const struct local_case cases[] = {
	{ "ours: our MAC, 198.18.0.1", {}, OPTIONS, true },
	{ "ours: IPv6 2001:2::1", { .family = 6 }, OPTIONS, true },
	{ "ours: VLAN-tagged", { .n_vlans = 1, .vid = { 100 } }, OPTIONS, true },
	{ "broadcast MAC and address", { .dmac = BCAST, .dst4 = 0xc61200ffu },
	  OPTIONS, false },
	{ "broadcast MAC, our address", { .dmac = BCAST }, OPTIONS, false },
	{ "our MAC, the subnet broadcast address", { .dst4 = 0xc61200ffu },
	  OPTIONS, false },
	{ "our MAC, limited broadcast", { .dst4 = 0xffffffffu }, OPTIONS, false },
	{ "our MAC, a multicast group", { .dst4 = 0xe0000001u }, OPTIONS, false },
	{ "IPv6 all-nodes multicast", { .family = 6, .dmac = MCAST6_MAC,
	  .dst6 = "ff02::1" }, OPTIONS, false },
	{ "another host's MAC, our address", { .dmac = OTHER_MAC }, OPTIONS, false },
	{ "transit: our MAC, another host's address", { .dst4 = 0xc6120007u },
	  OPTIONS, false },
	{ "transit, IPv6", { .family = 6, .dst6 = "2001:2::7" }, OPTIONS, false },
	{ "transit REGISTER that a drop rule matches: passed, not dropped",
	  { .dst4 = 0xc6120007u },
	  "REGISTER sip:x@198.18.0.1 SIP/2.0\nVia: SIP/2.0/UDP 198.18.0.2;branch=z9hG4bK-r\n"
	  "From: <sip:a@x>;tag=1\nTo: <sip:a@x>\nCall-ID: r\nCSeq: 1 REGISTER\n\n", false },
	{ "transit response", { .dst4 = 0xc6120007u },
	  "SIP/2.0 200 OK\nVia: SIP/2.0/UDP 198.18.0.1;branch=z9hG4bK-x\n\n", false },
	{ "a VIP (addresses =) not configured", { .dst4 = 0xc612004du },
	  OPTIONS, false },
};

static void configure(const char *more_sl)
{
	assert_int_equal(fx_config(FX_SL "%s" RULES, more_sl), 0);
	assert_int_equal(fx_reset(), 0);
}

/* One frame; its verdict and counters for an ours/not-ours frame. */
static void run_frame(const char *name, const struct frame_spec *fs,
		      const char *msg, bool ours)
{
	struct sl_dp_counters d;
	char sip[1024];
	size_t len = sip_fmt(sip, sizeof(sip), true, "%s", msg);

	assert_true(len > 0);
	len = frame_build(frame, sizeof(frame), fs, sip, len);
	assert_true(len > 0);
	assert_int_equal(fx_run_counted(frame, len, &res, &d), 0);
	if (d.sip_udp != 1 || d.passed_not_ours != !ours ||
	    (ours && !d.sip_requests && !d.sip_responses) ||
	    (!ours && (d.sip_requests || d.sip_responses || d.udp_len_mismatch ||
		       d.parse_failures || res.verdict != XDP_PASS ||
		       res.out_len != len || memcmp(res.out, frame, len))))
		fail_msg("%s: verdict %s, sip_udp +%llu, passed_not_ours +%llu, requests +%llu (want %s)",
			 name, fx_verdict_name(res.verdict),
			 (unsigned long long)d.sip_udp,
			 (unsigned long long)d.passed_not_ours,
			 (unsigned long long)d.sip_requests,
			 ours ? "ours" : "not ours");
}

static void test_table(void **state)
{
	(void)state;
	configure("");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fprintf(stderr, "# %s\n", cases[i].name);
		run_frame(cases[i].name, &cases[i].fs, cases[i].msg, cases[i].ours);
	}
}

/* The frame's MAC is not (or no longer) one of the interface's: nothing
 * is ours, whatever its address. */
static void test_mac_gone(void **state)
{
	static const __u8 mac[6] = FRAME_MAC_DST;
	struct frame_spec fs = {};

	(void)state;
	configure("");
	assert_int_equal(fx_local_del(0, mac), 0);
	run_frame("our MAC removed", &fs, OPTIONS, false);
	assert_int_equal(fx_local_put(0, mac), 0);
	run_frame("our MAC back", &fs, OPTIONS, true);
}

/*
 * The per-CPU memo of the last frame found local: it is used (a raw
 * change of sl_local that does not tell sl_local_gen leaves it standing,
 * which is why every writer must), and it ends with the change of
 * sl_local_gen that sl_local_changed() makes, and with any other MAC,
 * address or bank.  Pinned to one CPU: the memo is per CPU.
 */
static void test_memo(void **state)
{
	static const __u8 mac[6] = FRAME_MAC_DST;
	struct frame_spec fs = {}, other_mac = { .dmac = OTHER_MAC };
	struct frame_spec v6 = { .family = 6 }, vip = { .dst4 = 0xc612004du };
	struct sl_local_key k;
	cpu_set_t one, saved;

	(void)state;
	assert_int_equal(sched_getaffinity(0, sizeof(saved), &saved), 0);
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
	configure("");
	run_frame("ours: fills the memo", &fs, OPTIONS, true);
	run_frame("another MAC, the same address: not the memo's", &other_mac,
		  OPTIONS, false);
	run_frame("ours again", &fs, OPTIONS, true);
	/* the MAC goes without a word to sl_local_gen: the memo stands */
	sl_local_key(&k, 0, mac, SL_LOCAL_IFACE);
	assert_int_equal(bpf_map_delete_elem(fx.maps.fd[SL_M_LOCAL], &k), 0);
	run_frame("MAC removed unannounced: the memo still holds", &fs, OPTIONS,
		  true);
	run_frame("MAC removed: an IPv6 frame is looked up", &v6, OPTIONS, false);
	run_frame("the IPv4 frame once more: memo made before the change", &fs,
		  OPTIONS, true);
	assert_int_equal(sl_local_changed(&fx.maps), 0);
	run_frame("after sl_local_changed(): looked up, not ours", &fs, OPTIONS,
		  false);
	assert_int_equal(fx_local_put(0, mac), 0);
	run_frame("MAC back", &fs, OPTIONS, true);
	/* a bank's VIP is the memo's only in that bank: with both banks
	 * empty, a reload to an empty bank changes nothing in sl_local (no
	 * new sl_local_gen), and the VIP still stops being ours */
	configure("");
	configure("");
	configure("addresses = 198.18.0.77\n");
	run_frame("VIP in this bank", &vip, OPTIONS, true);
	configure("");
	run_frame("reloaded to a bank without it: not ours", &vip, OPTIONS,
		  false);
	assert_int_equal(sched_setaffinity(0, sizeof(saved), &saved), 0);
}

/* An ACK for a reply we sent, sent to another host: not absorbed. */
static void test_ack_to_another_host(void **state)
{
	struct sl_str host = { "198.18.0.2", 10 }, port = { "5062", 4 };
	struct sl_str branch = { "z9hG4bK-ack", 11 }, callid = { "ack-1", 5 };
	__u32 suffix = sl_totag_suffix(host, port, branch, callid);
	char tag[SL_TOTAG_LEN + 1], msg[1024];
	struct frame_spec transit = { .dst4 = 0xc6120007u }, ours = {};

	(void)state;
	configure("");
	sl_totag_build(FX_SIG, suffix, tag);
	tag[SL_TOTAG_LEN] = '\0';
	snprintf(msg, sizeof(msg),
		 "ACK sip:x@198.18.0.1 SIP/2.0\nVia: SIP/2.0/UDP 198.18.0.2:5062;branch=z9hG4bK-ack\n"
		 "From: <sip:a@198.18.0.2>;tag=1\nTo: <sip:x@198.18.0.1>;tag=%s\n"
		 "Call-ID: ack-1\nCSeq: 1 ACK\nContent-Length: 0\n\n", tag);
	assert_int_equal(fx_window_put(FX_WINDOW_MASK, suffix, 0, fx_now_ns()), 0);
	run_frame("ACK to another host", &transit, msg, false);
	/* positive control: the same ACK to us is absorbed */
	run_frame("ACK to us", &ours, msg, true);
	assert_int_equal(res.verdict, XDP_DROP);
	assert_int_equal(fx_window_clear(), 0);
}

/* addresses = VIPs: answered like the interface's own, in the bank that
 * lists them; a reload without them makes them not ours again. */
static void test_addresses(void **state)
{
	struct frame_spec vip4 = { .dst4 = 0xc612004du };		/* .77 */
	struct frame_spec vip6 = { .family = 6, .dst6 = "2001:2::77" };
	struct frame_spec other = { .dst4 = 0xc612004eu };		/* .78 */

	(void)state;
	configure("addresses = 198.18.0.77, 2001:2::77\n");
	run_frame("VIP 198.18.0.77", &vip4, OPTIONS, true);
	assert_int_equal(res.verdict, XDP_PASS);	/* no responder: fallback */
	run_frame("VIP 2001:2::77", &vip6, OPTIONS, true);
	run_frame("198.18.0.78 is not listed", &other, OPTIONS, false);
	/* the next bank has other addresses: .77 is no longer ours */
	configure("addresses = 198.18.0.78\n");
	run_frame("after the reload: .77 not ours", &vip4, OPTIONS, false);
	run_frame("after the reload: .78 ours", &other, OPTIONS, true);
	/* the interface's own addresses are ours in every bank */
	configure("");
	run_frame("no addresses =: .78 not ours", &other, OPTIONS, false);
	run_frame("the interface's address still ours", &(struct frame_spec){},
		  OPTIONS, true);
}

/* A zeroed config (iproute2 loaded the program, nobody configured it):
 * nothing is checked, every frame passes and counts as before. */
static void test_unconfigured(void **state)
{
	struct frame_spec fs = { .dmac = BCAST, .dst4 = 0xc6120007u };
	struct sl_dp_counters d;
	char sip[1024];
	size_t len = sip_fmt(sip, sizeof(sip), true, "%s", OPTIONS);

	(void)state;
	assert_int_equal(fx_zero_config(), 0);
	len = frame_build(frame, sizeof(frame), &fs, sip, len);
	assert_int_equal(fx_run_counted(frame, len, &res, &d), 0);
	assert_int_equal(res.verdict, XDP_PASS);
	assert_int_equal(d.passed_not_ours, 0);
	assert_int_equal(d.sip_requests, 1);
	assert_int_equal(d.passed_by_rule, 1);
}

/* ---- the responder's sync: sl_local_sync_iface ---- */

/* Is there an SL_LOCAL_IFACE entry for it? */
static bool has(int family, const char *text)
{
	struct sl_local_key k;
	__u8 addr[16] = { 0 };
	__u32 v;

	if (family == 0)
		sscanf(text, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &addr[0], &addr[1],
		       &addr[2], &addr[3], &addr[4], &addr[5]);
	else
		inet_pton(family == 4 ? AF_INET : AF_INET6, text, addr);
	sl_local_key(&k, family, addr, SL_LOCAL_IFACE);
	return !bpf_map_lookup_elem(fx.maps.fd[SL_M_LOCAL], &k, &v);
}

static unsigned int iface_entries(void)
{
	struct sl_local_key k, next;
	void *prev = NULL;
	unsigned int n = 0;

	while (!bpf_map_get_next_key(fx.maps.fd[SL_M_LOCAL], prev, &next)) {
		k = next;
		prev = &k;
		n += k.owner == SL_LOCAL_IFACE;
	}
	return n;
}

static void test_sync_iface(void **state)
{
	struct sl_rtnl dump;
	unsigned int n = 0;
	int ifindex;

	(void)state;
	assert_int_equal(unshare(CLONE_NEWNET), 0);
	/* veth: this kernel has no dummy module */
	assert_int_equal(fx_sh("ip link add sl0 address 02:00:00:00:5a:01 type veth peer name sl0p && "
			    "ip link add sl1 address 02:00:00:00:5a:02 type veth peer name sl1p && "
			    "ip link set sl0 up && ip link set sl1 up && "
			    "ip addr add 198.18.9.1/24 dev sl0 && "
			    "ip addr add 198.18.9.2/32 dev sl0 && "
			    "ip -6 addr add 2001:2:0:9::1/64 dev sl0 nodad && "
			    "ip addr add 198.18.10.1/24 dev sl1"), 0);
	ifindex = (int)if_nametoindex("sl0");
	assert_true(ifindex > 0);
	assert_int_equal(sl_rtnl_open(&dump, 0), 0);
	assert_int_equal(sl_local_sync_iface(&fx.maps, &dump, ifindex, &n), 0);
	/* the MAC, two IPv4, the IPv6 address and its link-local one */
	assert_true(has(0, "02:00:00:00:5a:01"));
	assert_true(has(4, "198.18.9.1"));
	assert_true(has(4, "198.18.9.2"));
	assert_true(has(6, "2001:2:0:9::1"));
	assert_false(has(4, "198.18.10.1"));		/* another interface's */
	assert_false(has(0, "02:00:00:00:5a:02"));
	/* the fixture's own entries were replaced (same owner) */
	assert_false(has(4, "198.18.0.1"));
	assert_int_equal(iface_entries(), n);
	assert_true(n >= 4);

	/* changes: an address goes, one comes, the MAC changes */
	assert_int_equal(fx_sh("ip addr del 198.18.9.2/32 dev sl0 && "
			    "ip addr add 198.18.9.3/32 dev sl0 && "
			    "ip link set sl0 address 02:00:00:00:5a:03"), 0);
	assert_int_equal(sl_local_sync_iface(&fx.maps, &dump, ifindex, &n), 0);
	assert_false(has(4, "198.18.9.2"));
	assert_true(has(4, "198.18.9.3"));
	assert_false(has(0, "02:00:00:00:5a:01"));
	assert_true(has(0, "02:00:00:00:5a:03"));
	assert_true(has(4, "198.18.9.1"));
	assert_int_equal(iface_entries(), n);
	sl_rtnl_close(&dump);

	/* the data plane follows: a frame to the new MAC and address is
	 * ours, to the old ones not */
	{
		static const __u8 new_mac[6] = { 0x02, 0, 0, 0, 0x5a, 0x03 };
		static const __u8 old_mac[6] = { 0x02, 0, 0, 0, 0x5a, 0x01 };
		struct frame_spec to_new = { .dmac = new_mac, .dst4 = 0xc6120903u };
		struct frame_spec to_old = { .dmac = old_mac, .dst4 = 0xc6120903u };
		struct frame_spec gone = { .dmac = new_mac, .dst4 = 0xc6120902u };

		configure("");
		run_frame("new MAC, new address", &to_new, OPTIONS, true);
		run_frame("old MAC", &to_old, OPTIONS, false);
		run_frame("removed address", &gone, OPTIONS, false);
	}
}

/* More addresses than sl_local holds: as many as fit are written, the
 * others reported (-E2BIG), the owner's stale ones still removed; the
 * next pass with fewer fits again. */
static void test_local_full(void **state)
{
	static const __u8 mac[6] = FRAME_MAC_DST;
	struct sl_local_key *keys = calloc(SL_LOCAL_MAX + 8, sizeof(*keys));
	unsigned int n = SL_LOCAL_MAX + 8, i;
	__u32 v4 = htonl(FRAME_V4_DST);
	__u8 v6[16];

	(void)state;
	assert_non_null(keys);
	for (i = 0; i < n; i++) {
		__u32 a = htonl(0xc6130000u + i);	/* 198.19.x.y */

		sl_local_key(&keys[i], 4, &a, SL_LOCAL_IFACE);
	}
	configure("");
	assert_int_equal(sl_local_replace(&fx.maps, SL_LOCAL_IFACE, keys, n), -E2BIG);
	assert_true(iface_entries() > SL_LOCAL_MAX - 8 && iface_entries() <= SL_LOCAL_MAX);
	/* the fixture's own were stale: gone, so the frame is not ours */
	run_frame("after a full replace", &(struct frame_spec){}, OPTIONS, false);
	/* back to three */
	inet_pton(AF_INET6, FRAME_V6_DST, v6);
	sl_local_key(&keys[0], 0, mac, SL_LOCAL_IFACE);
	sl_local_key(&keys[1], 4, &v4, SL_LOCAL_IFACE);
	sl_local_key(&keys[2], 6, v6, SL_LOCAL_IFACE);
	assert_int_equal(sl_local_replace(&fx.maps, SL_LOCAL_IFACE, keys, 3), 0);
	assert_int_equal(iface_entries(), 3);
	run_frame("after the replace with three", &(struct frame_spec){}, OPTIONS, true);
	free(keys);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_mac_gone),
		cmocka_unit_test(test_memo),
		cmocka_unit_test(test_ack_to_another_host),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_unconfigured),
		cmocka_unit_test(test_local_full),
		/* last: it replaces the fixture's own entries */
		cmocka_unit_test(test_sync_iface),
	};

	return cmocka_run_group_tests_name("local", tests, fx_group_setup,
					   fx_group_teardown);
}
