#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Hostile traffic end to end: random bytes, truncated requests, requests
# without Via, forged ACKs, oversize (fragmented) requests, with valid
# OPTIONS interleaved, each with a new Call-ID. sl-xdp keeps answering
# every valid request, answers nothing else, its memory stays flat, and
# the counters explain what happened.
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SL_ROOT/tests/lib/netns.sh"
tap_plan 15
SLCTL="$SL_ROOT/build/sl-ctl"
ROUNDS=${SL_HOSTILE_ROUNDS:-20000}

netns_setup
work=$(mktemp -d)
netns_defer "rm -rf '$work'"
netns_defer "nsenter_s '$SLCTL' detach '$IF_S' >/dev/null 2>&1"
nsenter_c ip link set dev "$IF_C" xdp obj "$SL_ROOT/build/xdp_pass.bpf.o" sec xdp

cat > "$work/sl.conf" <<CONF
[sl]
ports = 5060
tag_addr = 198.18.0.1:5060
default_action = reply
rate_limit = 0			; thousands of requests from one address
default_code = 404
default_reason = Not Found

[rule options]
method = OPTIONS
reply = 200 OK
CONF
sig=$(/usr/bin/python3 -c "import hashlib; print(hashlib.md5(b'KAMAILIO-stateless198.18.0.15060').hexdigest())")
check "attach" nsenter_s "$SLCTL" attach "$IF_S" -c "$work/sl.conf"
pid=$(head -n1 "/run/sl-xdp/$IF_S.pid")
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$pid/status" 2>/dev/null; }

# warm up (first touches of the UMEM and maps), then measure
run_c /usr/bin/python3 "$SL_ROOT/tests/tools/hostile.py" 198.18.0.1 5060 "$sig" 500 > /dev/null
rss0=$(rss)
run_c /usr/bin/python3 "$SL_ROOT/tests/tools/hostile.py" 198.18.0.1 5060 "$sig" "$ROUNDS" > "$work/out.json"
rss1=$(rss)
j() { /usr/bin/python3 -c "import json; d=json.load(open('$work/out.json')); print($1)"; }
nsenter_s "$SLCTL" stats "$IF_S" > "$work/stats"
st() { sed -n "s/^$1 = //p" "$work/stats"; }

check "every valid OPTIONS answered ($(j 'd["valid_answered"]') of $ROUNDS, each a new Call-ID)" \
	test "$(j 'd["valid_answered"]')" = "$ROUNDS"
check "no reply to junk, Via-less requests or ACKs; truncated ones only 400 ($(j 'd["truncated_400"]'))" \
	test "$(j 'd["junk_answered"]')" = 0
check "... and truncated requests did get their 400s ($(j 'd["truncated_400"]') > 0)" \
	test "$(j 'd["truncated_400"]')" -gt 0
# an unreadable RSS (empty) fails, it is not a growth of 0
check "responder memory flat: RSS ${rss0:-?} kB -> ${rss1:-?} kB (< 2 MB growth)" \
	test "$(( ${rss1:-999999} - ${rss0:-0} ))" -lt 2048
check "responder still alive" kill -0 "$pid"
n=$((ROUNDS + 500))
check "dp: every forged ACK counted as a bad tag ($(st dp:acks_bad_tag))" test "$(st dp:acks_bad_tag)" = "$n"
check "dp: no ACK absorbed" test "$(st dp:acks_absorbed)" = 0
check "dp: garbage counted as parse failures ($(st dp:parse_failures) >= 90 % of $n random)" \
	test "$(st dp:parse_failures)" -ge $((n * 9 / 10))
check "resp: requests without Via dropped as unanswerable ($(st resp:dropped_unanswerable) >= $n)" \
	test "$(st resp:dropped_unanswerable)" -ge "$n"
check "dp: oversize requests: their later fragments passed unread" test "$(st dp:passed_not_sip)" -ge $((ROUNDS / 50))
check "sl: 200 replies = valid requests ($(st sl:200_replies))" test "$(st sl:200_replies)" = "$n"
check "sl: no failures" test "$(st sl:failures)" = 0
check "sl: sent_err_replies = the 400s to truncated requests" \
	test "$(st sl:sent_err_replies)" -ge "$(j 'd["truncated_400"]')"
check "detach" nsenter_s "$SLCTL" detach "$IF_S"
tap_done
