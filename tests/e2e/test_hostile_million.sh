#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# A million distinct Call-IDs: sl-bench sends 1,000,000 requests, half
# OPTIONS and half INVITE (each answered INVITE followed by its ACK), every
# one with its own Call-ID, branch and From tag, at a rate this 2-core VM
# sustains (SL_MILLION_RATE, default 40000/s: 25 s). sl-xdp keeps no state
# per dialog but the hashed reply window: its memory must stay flat, every
# reply must be accounted for (whatever was lost is explained by drop
# counters along the path, and is below 1 %), and the ACKs absorbed must
# match the INVITE replies within 1 %.
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SL_ROOT/tests/lib/netns.sh"
SLCTL="$SL_ROOT/build/sl-ctl"
BENCH="$SL_ROOT/build/sl-bench"
COUNT=${SL_MILLION_COUNT:-1000000}
RATE=${SL_MILLION_RATE:-40000}
. "$SL_ROOT/tests/lib/sl.sh"
tap_plan 10

sl_need "$BENCH"
sl_setup "$SLCTL"

sl_conf "$work/sl.conf"
check "attach" nsenter_s "$SLCTL" attach "$IF_S" -c "$work/sl.conf"
pid=$(head -n1 "/run/sl-xdp/$IF_S.pid" 2>/dev/null)
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$pid/status" 2>/dev/null; }
bench() { run_c "$BENCH" -d 198.18.0.1 -m options=50,invite=50 -q -j "$@"; }

# Drop counters along the way, summed over both ends: veth drops (a full
# peer ring; on the server's RX side also AF_XDP sockets that had no room),
# and the client's UDP receive errors.
drops() {
	{
		ip -n "$NS_S" -s -j link show dev "$IF_S"
		ip -n "$NS_C" -s -j link show dev "$IF_C"
	} | /usr/bin/python3 -c '
import json, sys
t = 0
for line in sys.stdin:
    s = json.loads(line)[0]["stats64"]
    t += s["rx"]["dropped"] + s["tx"]["dropped"]
print(t)'
}
udp_err() { run_c nstat -az UdpInErrors | awk '$1 == "UdpInErrors" { print $2 }'; }

# warm-up: first touches of the UMEM, maps and pages, then measure
bench -r 2000 -n 2000 > /dev/null
d0=$(drops)
u0=$(udp_err)
nsenter_s "$SLCTL" stats "$IF_S" --json > "$work/s0.json"
rss0=$(rss)
t0=$(date +%s)
bench -r "$RATE" -n "$COUNT" -w 2 > "$work/b.json"
t1=$(date +%s)
rss1=$(rss)
nsenter_s "$SLCTL" stats "$IF_S" --json > "$work/s1.json"
d1=$(drops)
u1=$(udp_err)

py() {
	/usr/bin/python3 - "$work" "$COUNT" "$((d1 - d0 + u1 - u0))" "$1" <<'PY'
import json, sys
w, count, path_drops, what = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
b = json.load(open(w + "/b.json"))
s0, s1 = (json.load(open(w + f)) for f in ("/s0.json", "/s1.json"))
d = lambda sec, k: s1[sec][k] - s0[sec][k]
expected = b["sent"] - b["sent_by_method"]["ACK"]
lost = expected - b["final_replies"]
resp_lost = sum(d("resp", k) for k in ("tx_ring_full", "umem_exhausted",
                "dropped_unanswerable", "dropped_not_request"))
explained = path_drops + resp_lost + d("sl", "failures") + b["send_errors"]
invites = b["codes"].get("486", 0)
absorbed = d("dp", "acks_absorbed")
out = {
    "sent": f"{b['sent']} requests, {b['duplicates']} duplicate and {b['unmatched']} unmatched replies",
    "sent_ok": b["sent"] == count and b["duplicates"] == 0 and b["unmatched"] == 0,
    "loss": f"{lost} of {expected} lost ({100.0 * lost / max(expected, 1):.3f} %), "
            f"{explained} drops counted ({path_drops} on the path, {resp_lost} in the responder)",
    "loss_ok": lost < expected / 100 and lost <= explained,
    "replies": f"sl:sent_replies +{d('sl', 'sent_replies')}, received {b['final_replies']}",
    "replies_ok": d("sl", "sent_replies") >= b["final_replies"] and
                  d("sl", "sent_replies") - b["final_replies"] <= path_drops,
    "acks": f"{absorbed} ACKs absorbed, {invites} INVITEs answered 486, "
            f"{b['acks_sent']} ACKs sent, {d('dp', 'acks_no_entry')} passed (window entry overwritten)",
    "acks_ok": invites > 0 and abs(absorbed - invites) <= invites / 100,
    "window_ok": d("resp", "window_recorded") == d("sl", "4xx_replies"),
}
print(out[what])
PY
}
check "distinct Call-IDs: $(py sent)" test "$(py sent_ok)" = True
check "sent at ${RATE}/s in $((t1 - t0)) s; $(py loss)" test "$(py loss_ok)" = True
check "every reply sent was received or dropped on the way: $(py replies)" test "$(py replies_ok)" = True
check "one reply-window entry per 486" test "$(py window_ok)" = True
check "ACKs absorbed match INVITE replies within 1 %: $(py acks)" test "$(py acks_ok)" = True
check "responder memory flat: RSS ${rss0:-?} kB -> ${rss1:-?} kB (< 1 MB growth)" \
	test "$(( ${rss1:-999999} - ${rss0:-0} ))" -lt 1024
check "responder still alive" kill -0 "$pid"
check "detach" nsenter_s "$SLCTL" detach "$IF_S"
check "nothing left: no XDP program, pins, pid file or responder" sl_nothing_left "$pid"
tap_done
