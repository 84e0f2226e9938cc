#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Every redirected request is accounted for (issue 12, DESIGN.md 4):
#   dp:redirected  = resp:rx_frames + resp:rx_ring_full + resp:rx_dropped
#   resp:rx_frames = sl:sent_replies + sl:failures + resp:dropped_unanswerable
#                    + resp:dropped_not_request + resp:rx_bad_desc
# checked in sl-ctl stats --json (totals and each socket of "queues") after
#  1. a queue overfilled on purpose: the responder stopped (SIGSTOP) while
#     thousands of requests arrive for rings of 64: the kernel drops what
#     the RX ring and fill ring cannot take, in the sockets' XDP_STATISTICS;
#  2. the responder killed and attached again (new sockets count from 0:
#     the totals go on), then a flat-out flood into the same tiny rings;
#  3. stats --reset while it runs, and more traffic;
#  4. a request larger than a UMEM frame (generic XDP, MTU 9000): passed
#     to the stack, counted in dp:redirect_too_big, not lost.
# Text and Prometheus outputs carry the same counters (prom_check.py).
# Not a benchmark: nothing here depends on speed.
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SL_ROOT/tests/lib/netns.sh"
SLCTL="$SL_ROOT/build/sl-ctl"
BENCH="$SL_ROOT/build/sl-bench"
UDP="/usr/bin/python3 $SL_ROOT/tests/tools/sip_udp.py"
. "$SL_ROOT/tests/lib/sl.sh"
tap_plan 26

sl_need "$BENCH"
sl_setup "$SLCTL"
sl_conf "$work/sl.conf" OK "ring_size = 64
umem_frames = 128"

stats() { nsenter_s "$SLCTL" stats "$IF_S" --json > "$1"; }
j() { sl_json "$@"; }

# balance FILE: "ok" or what does not add up, for the totals and for
# every socket (a socket's requests are its rx_frames; what reached its
# RX ring is only known in total: dp:redirected is per CPU, not per socket)
balance() {
	/usr/bin/python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
sl, dp, r = d["sl"], d["dp"], d["resp"]
bad = []
def handled(x, fail):
    return x["sent_replies"] + fail + x["dropped_unanswerable"] + \
        x["dropped_not_request"] + x["rx_bad_desc"]
got = r["rx_frames"] + r["rx_ring_full"] + r["rx_dropped"]
if dp["redirected"] != got:
    bad.append("redirected %d != rx_frames %d + rx_ring_full %d + rx_dropped %d"
               % (dp["redirected"], r["rx_frames"], r["rx_ring_full"], r["rx_dropped"]))
t = dict(r, sent_replies=sl["sent_replies"])
if r["rx_frames"] != handled(t, sl["failures"]):
    bad.append("rx_frames %d != sent %d + failures %d + unanswerable %d + not_request %d + bad_desc %d"
               % (r["rx_frames"], sl["sent_replies"], sl["failures"], r["dropped_unanswerable"],
                  r["dropped_not_request"], r["rx_bad_desc"]))
for q in d["queues"]:
    if q["rx_frames"] != handled(q, q["failures"]):
        bad.append("queue %d socket %d: rx_frames %d != handled %d"
                   % (q["queue"], q["socket"], q["rx_frames"], handled(q, q["failures"])))
for k in r:
    if k in ("busy_ns",):
        continue
    s = sum(q[k] for q in d["queues"])
    if s != r[k]:
        bad.append("resp:%s %d != sum over the sockets %d" % (k, r[k], s))
print("ok" if not bad else "; ".join(bad))
PY
}
# settle: the responder publishes the sockets' counters every 100 ms
settle() { sleep 0.5; }

check "attach with ring_size = 64, umem_frames = 128" \
	nsenter_s "$SLCTL" attach "$IF_S" -c "$work/sl.conf"
pid=$(head -n1 "/run/sl-xdp/$IF_S.pid")

# 1. overfill: the responder stopped, 3000 requests arrive
run_c "$BENCH" -d 198.18.0.1 -m options -r 1000 -n 200 -w 1 -q -j > "$work/warm.json"
check "warm-up: 200 requests answered ($(j "$work/warm.json" 'd["final_replies"]'))" \
	test "$(j "$work/warm.json" 'd["final_replies"]')" = 200
kill -STOP "$pid"
run_c "$BENCH" -d 198.18.0.1 -m options -r 30000 -n 3000 -w 0 -q -j > "$work/over.json"
kill -CONT "$pid"
sleep 1
settle
check "the responder survived SIGSTOP and SIGCONT" kill -0 "$pid"
stats "$work/s1.json"
lost=$(j "$work/s1.json" 'd["resp"]["rx_ring_full"] + d["resp"]["rx_dropped"]')
check "overfilled queue: the kernel's drops are counted (rx_ring_full + rx_dropped = $lost of 3000)" \
	test "${lost:-0}" -gt 0
check "... and the requests that reached the RX ring were answered ($(j "$work/s1.json" 'd["sl"]["sent_replies"]') replies, $(j "$work/s1.json" 'd["resp"]["rx_frames"]') read)" \
	test "$(j "$work/s1.json" 'd["sl"]["sent_replies"]')" = "$(j "$work/s1.json" 'd["resp"]["rx_frames"]')"
check "overfilled queue: every redirected request accounted for: $(balance "$work/s1.json")" \
	test "$(balance "$work/s1.json")" = ok
check "... redirected = the 3200 requests sent ($(j "$work/s1.json" 'd["dp"]["redirected"]'))" \
	test "$(j "$work/s1.json" 'd["dp"]["redirected"]')" = 3200

# text and Prometheus carry them too
nsenter_s "$SLCTL" stats "$IF_S" > "$work/s1.txt"
check "text: resp:rx_dropped and resp:rx_ring_full lines" \
	bash -c "grep -q '^resp:rx_dropped = ' '$work/s1.txt' && grep -q '^resp:rx_ring_full = ' '$work/s1.txt' && grep -q '^resp:busy_ns = ' '$work/s1.txt'"
nsenter_s "$SLCTL" stats "$IF_S" --prometheus > "$work/s1.prom"
check "Prometheus: valid, with the totals and each socket's (queue=\"0\",socket=\"0\")" \
	/usr/bin/python3 "$SL_ROOT/tests/tools/prom_check.py" "$work/s1.prom" \
	"sl_xdp_resp_rx_frames_total{interface=\"$IF_S\"}=$(j "$work/s1.json" 'd["resp"]["rx_frames"]')" \
	"sl_xdp_queue_rx_frames_total{interface=\"$IF_S\",queue=\"0\",socket=\"0\"}=$(j "$work/s1.json" 'd["queues"][0]["rx_frames"]')" \
	"sl_xdp_queue_sent_replies_total{interface=\"$IF_S\",queue=\"0\",socket=\"0\"}=$(j "$work/s1.json" 'd["queues"][0]["sent_replies"]')"
check "busy_ns: the queue thread's CPU time is counted ($(j "$work/s1.json" 'd["resp"]["busy_ns"]') ns)" \
	test "$(j "$work/s1.json" 'd["resp"]["busy_ns"]')" -gt 0

# 2. a new responder: its sockets count from 0, the totals go on
kill -KILL "$pid"
sleep 0.3
check "attach again after the responder was killed (resume)" \
	nsenter_s "$SLCTL" attach "$IF_S" -c "$work/sl.conf"
pid=$(head -n1 "/run/sl-xdp/$IF_S.pid")
run_c "$BENCH" -d 198.18.0.1 -m options=70,invite=30 -T 2 -t 2 -w 1 -q -j > "$work/flood.json"
settle
stats "$work/s2.json"
check "after a restart and a flat-out flood of $(j "$work/flood.json" 'd["sent"]') into rings of 64: $(balance "$work/s2.json")" \
	test "$(balance "$work/s2.json")" = ok
check "... the totals went on from the first responder's (redirected $(j "$work/s1.json" 'd["dp"]["redirected"]') -> $(j "$work/s2.json" 'd["dp"]["redirected"]'), losses $lost -> $(j "$work/s2.json" 'd["resp"]["rx_ring_full"] + d["resp"]["rx_dropped"]'))" \
	test "$(j "$work/s2.json" 'int(d["resp"]["rx_ring_full"] + d["resp"]["rx_dropped"] >= '"$lost"' and d["dp"]["redirected"] > 3200)')" = 1
check "... every reply the client got was counted as sent ($(j "$work/flood.json" 'd["final_replies"]') <= sent_replies)" \
	test "$(j "$work/flood.json" 'd["final_replies"]')" -le "$(j "$work/s2.json" 'd["sl"]["sent_replies"]')"

# 3. reset while it runs, then more traffic: counted from zero, balanced
check "stats --reset" nsenter_s "$SLCTL" stats "$IF_S" --reset
settle
run_c "$BENCH" -d 198.18.0.1 -m options -r 2000 -n 1000 -w 1 -q -j > "$work/after.json"
settle
stats "$work/s3.json"
check "after --reset: 1000 more requests, redirected = $(j "$work/s3.json" 'd["dp"]["redirected"]'): $(balance "$work/s3.json")" \
	bash -c "[ '$(balance "$work/s3.json")' = ok ] && [ '$(j "$work/s3.json" 'd["dp"]["redirected"]')' = 1000 ]"
check "responder alive (SIGSTOP/SIGCONT, restart_syscall, did not kill it)" kill -0 "$pid"
check "detach" nsenter_s "$SLCTL" detach "$IF_S"

# 4. larger than a UMEM frame: generic XDP (native veth XDP refuses an
# MTU this large), MTU 9000 on both ends, a 5000-byte OPTIONS
# (the client end's xdp_pass would cap its MTU too, and generic XDP
# sends replies as plain skbs: it is not needed)
nsenter_c ip link set dev "$IF_C" xdp off
check "MTU 9000 on both ends" \
	bash -c "ip -n '$NS_S' link set dev '$IF_S' mtu 9000 && ip -n '$NS_C' link set dev '$IF_C' mtu 9000"
check "attach --skb-mode (MTU 9000)" \
	nsenter_s "$SLCTL" attach "$IF_S" -c "$work/sl.conf" --skb-mode
/usr/bin/python3 - "$work/big.sip" <<'PY'
import sys
pad = "X-Pad: " + "p" * 4900 + "\r\n"
msg = ("OPTIONS sip:big@198.18.0.1 SIP/2.0\r\n"
       "Via: SIP/2.0/UDP 198.18.0.2:5070;branch=z9hG4bK-big\r\n"
       "From: <sip:b@198.18.0.2>;tag=b\r\nTo: <sip:big@198.18.0.1>\r\n"
       "Call-ID: big-1@198.18.0.2\r\nCSeq: 1 OPTIONS\r\n" + pad +
       "Content-Length: 0\r\n\r\n")
open(sys.argv[1], "w").write(msg)
PY
run_s $UDP listen 198.18.0.1 5060 10 "$work/stack.out" &
netns_track_pid $!
for _ in $(seq 50); do [ -e "$work/stack.out.ready" ] && break; sleep 0.1; done
check "stack listener on 198.18.0.1:5060 ready" test -e "$work/stack.out.ready"
run_c $UDP send 198.18.0.1 5060 "$work/big.sip"
sleep 1
settle
stats "$work/s4.json"
check "a 5000-byte request: passed to the stack, dp:redirect_too_big = $(j "$work/s4.json" 'd["dp"]["redirect_too_big"]')" \
	test "$(j "$work/s4.json" 'd["dp"]["redirect_too_big"]')" = 1
check "... the stack's socket received it" grep -q 'big-1@198.18.0.2' "$work/stack.out"
check "... not redirected, nothing lost in the kernel: $(balance "$work/s4.json")" \
	test "$(balance "$work/s4.json")" = ok
check "detach" nsenter_s "$SLCTL" detach "$IF_S"
check "nothing left: no XDP program, pins, pid file or responder" sl_nothing_left "$pid"
tap_done
