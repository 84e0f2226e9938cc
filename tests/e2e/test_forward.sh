#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Reply forwarding end to end, byte-compared with Kamailio's
# sl_forward_reply.  Three namespaces:
#
#   UAS ($NS_C, 198.18.0.2, 2001:2::2)
#     -- $IF_C/$IF_S --  proxy host ($NS_S: 198.18.0.1, 2001:2::1 there;
#                        198.18.2.1, 2001:2:0:2::1 towards the UAC)
#     -- $IF_T/$IF_U --  UAC ($NS_U, 198.18.2.2, 2001:2:0:2::2)
#
# The UAS sends replies whose top Via is the proxy's and whose second Via
# leads to the UAC (tests/e2e/kamailio/forward_peers.py: single Via lines,
# comma-separated, compact and folded, received/rport, port-less, LF-only,
# with and without a rewrite, IPv4 and IPv6).  First Kamailio 5.6.3 on the
# proxy host forwards them (tests/e2e/kamailio/forward.cfg); then sl-xdp,
# attached on $IF_S with the same rewrites, forwards them in XDP while
# Kamailio still listens.  The UAC must receive the same bytes from the
# same address and port both times, Kamailio's script must see none of the
# second round, and sl-xdp's counters must say what happened.  sl-xdp's
# [forward] lists both of the proxy's sent-by addresses (dual stack).
# Then `sl-ctl stats --reset`, with every counter family non-zero (two
# reply rules answer the UAS's requests): sl:, dp:, resp:, rule and
# rewrite hits must all read 0 afterwards, under the names
# include/sl_counters.h lists.
#
# SL_KEEP=1 keeps the work directory in /tmp/slx-forward-last.
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SL_ROOT/tests/lib/netns.sh"
. "$SL_ROOT/tests/lib/kamailio.sh"
. "$SL_ROOT/tests/lib/sl.sh"
tap_plan 36
SLCTL="$SL_ROOT/build/sl-ctl"
KAM_CFG="$SL_ROOT/tests/e2e/kamailio/forward.cfg"
PEERS="$SL_ROOT/tests/e2e/kamailio/forward_peers.py"

if ! command -v kamailio >/dev/null 2>&1; then
	tap_skip_all "kamailio not installed"
fi

netns_setup || { not_ok "namespace setup"; tap_done; }
id=${IF_S#slx-s}
NS_U=${NS_S%-s}-u
IF_T=slx-t$id
IF_U=slx-u$id
work=$(mktemp -d /tmp/slx-forward.XXXXXX)
netns_defer "rm -rf '$work'"
netns_defer "[ '${SL_KEEP:-0}' = 1 ] && rm -rf /tmp/slx-forward-last && cp -a '$work' /tmp/slx-forward-last"
netns_defer "ip netns pids '$NS_U' 2>/dev/null | xargs -r kill 2>/dev/null; ip -n '$NS_U' link set dev '$IF_U' xdp off 2>/dev/null; ip -n '$NS_S' link del '$IF_T' 2>/dev/null; ip netns del '$NS_U' 2>/dev/null"
netns_defer "nsenter_s '$SLCTL' detach '$IF_S' >/dev/null 2>&1"
run_u() { ip netns exec "$NS_U" "$@"; }

# the third namespace and the routes through the proxy host
setup_uac() {
	ip netns add "$NS_U" &&
	ip link add "$IF_T" netns "$NS_S" type veth peer name "$IF_U" netns "$NS_U" &&
	ip -n "$NS_S" addr add 198.18.2.1/24 dev "$IF_T" &&
	ip -n "$NS_S" -6 addr add 2001:2:0:2::1/64 dev "$IF_T" nodad &&
	ip -n "$NS_U" addr add 198.18.2.2/24 dev "$IF_U" &&
	ip -n "$NS_U" -6 addr add 2001:2:0:2::2/64 dev "$IF_U" nodad &&
	ip netns exec "$NS_S" ethtool -K "$IF_T" tx off >/dev/null &&
	ip netns exec "$NS_U" ethtool -K "$IF_U" tx off >/dev/null &&
	ip -n "$NS_U" link set lo up && ip -n "$NS_U" link set "$IF_U" up &&
	ip -n "$NS_S" link set "$IF_T" up &&
	ip -n "$NS_U" route add default via 198.18.2.1 &&
	ip -n "$NS_U" -6 route add default via 2001:2:0:2::1 &&
	ip -n "$NS_C" route add default via 198.18.0.1 &&
	ip -n "$NS_C" -6 route add default via 2001:2::1 &&
	ip netns exec "$NS_S" sysctl -qw net.ipv4.conf.all.forwarding=0 \
		net.ipv6.conf.all.forwarding=0
}
# the proxy host is no router: sl-xdp forwards from the next hops its
# responder keeps, not through the kernel's FIB helper
check "UAC namespace and routes; IP forwarding off on the proxy host" setup_uac || tap_done
# frames redirected into a veth need an XDP program on its peer
check "dummy XDP program on the UAC end" \
	ip -n "$NS_U" link set dev "$IF_U" xdp obj "$SL_ROOT/build/xdp_pass.bpf.o" sec xdp
check "dummy XDP program on the UAS end" \
	ip -n "$NS_C" link set dev "$IF_C" xdp obj "$SL_ROOT/build/xdp_pass.bpf.o" sec xdp
# the XDP program forwards only to resolved neighbours (it cannot ask):
# permanent entries, so the sl-xdp rounds do not depend on what the
# Kamailio round left in the cache
uac_neigh() {
	local mac
	mac=$(ip -n "$NS_U" -br link show dev "$IF_U" | awk '{print $3}') &&
	[ -n "$mac" ] &&
	ip -n "$NS_S" neigh replace 198.18.2.2 lladdr "$mac" dev "$IF_T" nud permanent &&
	ip -n "$NS_S" -6 neigh replace 2001:2:0:2::2 lladdr "$mac" dev "$IF_T" nud permanent
}
check "proxy host knows the UAC's MAC (IPv4, IPv6)" uac_neigh

mapfile -t cids < <(/usr/bin/python3 "$PEERS" list 4; /usr/bin/python3 "$PEERS" list 6)
n=${#cids[@]}

# One round: the UAC listens for the replies of the given families, the
# UAS sends them.
round() {
	local dir=$1 pid fam want=0
	shift
	mkdir -p "$dir"
	for fam in "$@"; do
		want=$((want + $(/usr/bin/python3 "$PEERS" list "$fam" | wc -l)))
	done
	run_u /usr/bin/python3 "$PEERS" recv "$dir" "$want" 5 > "$dir.ready" 2>&1 &
	pid=$!
	for _ in $(seq 50); do
		grep -q ready "$dir.ready" 2>/dev/null && break
		sleep 0.05
	done
	for fam in "$@"; do
		run_c /usr/bin/python3 "$PEERS" send "$fam"
	done
	wait "$pid"
}

kamailio_start "$KAM_CFG" "$work" 5060 || tap_done

round "$work/kamailio" 4 6
check "UAC got all $n replies Kamailio forwarded" \
	test "$(ls "$work/kamailio" | grep -vc '\.from$')" -eq "$n"
kam_seen=$(grep -c KAMAILIO-REPLY "$work/kamailio.log")
check "Kamailio's script saw the $n replies" test "$kam_seen" -eq "$n"

cat > "$work/sl.conf" <<'CONF'
[sl]
ports = 5060
default_action = pass

[forward]
via = 198.18.0.1:5060, [2001:2::1]:5060     ; dual stack: one per family
peers = 198.18.0.2, 2001:2::2              ; the UAS
allow_redirect = yes                       ; the UAC is behind $IF_T

[rule options]
method = OPTIONS
reply = 200 OK

[rule invite]
method = INVITE
reply = 486 Busy Here

[rewrite hide-unavailable]
code = 480, 486, 487
reply = 404 Not Found

[rewrite decline]
code = 6xx
reply = 603 Declined By The Callee Everywhere
CONF

if ! check "sl-xdp attached with reply forwarding (via 198.18.0.1:5060, [2001:2::1]:5060)" \
	nsenter_s "$SLCTL" attach "$IF_S" -c "$work/sl.conf"; then
	tap_done
fi
status=$(nsenter_s "$SLCTL" status "$IF_S" 2>&1)
check "status shows reply forwarding and both sent-by addresses" \
	grep -q "reply forwarding: on, via 198.18.0.1:5060, \[2001:2::1\]:5060, 2 rewrite(s)$" <<<"$status"

compare_round() {
	local fam=$1 dir=$2 c bad=0 m=0
	for c in "${cids[@]}"; do
		[ "${c#v$fam-}" != "$c" ] || continue
		m=$((m + 1))
		if ! cmp -s "$work/kamailio/$c" "$dir/$c"; then
			bad=1
			echo "# $c differs:"
			diff <(cat -A "$work/kamailio/$c" 2>&1) <(cat -A "$dir/$c" 2>&1) | head -20 | sed 's/^/#   /'
		fi
		if ! cmp -s "$work/kamailio/$c.from" "$dir/$c.from"; then
			bad=1
			echo "# $c: from $(cat "$dir/$c.from" 2>&1), Kamailio's from $(cat "$work/kamailio/$c.from")"
		fi
	done
	[ "$m" -gt 0 ] && [ "$bad" -eq 0 ]
}

round "$work/slxdp" 4 6
check "IPv4: every forwarded reply is byte-identical to Kamailio's, from the same address and port" \
	compare_round 4 "$work/slxdp"
check "IPv6: every forwarded reply is byte-identical to Kamailio's, from the same address and port" \
	compare_round 6 "$work/slxdp"
rewrite_hits() {
	local text
	text=$(nsenter_s "$SLCTL" stats "$IF_S" 2>&1)
	test "$(sed -n 's/^rewrite:hide-unavailable:hits = //p' <<<"$text")/$(sed -n 's/^rewrite:decline:hits = //p' <<<"$text")" = "$1/$2"
}
check "rewrite:hide-unavailable:hits = 18, rewrite:decline:hits = 2" rewrite_hits 18 2
check "reload (same file)" nsenter_s "$SLCTL" reload "$IF_S" -c "$work/sl.conf"
check "a reload starts the rewrite hits at 0" rewrite_hits 0 0
round "$work/slxdp2" 4
check "after the reload: forwarded as before" compare_round 4 "$work/slxdp2"

sleep 0.2
# the counters before the positive control below
json=$(nsenter_s "$SLCTL" stats "$IF_S" --json 2>&1)
echo "$json" > "$work/stats.json"
check "Kamailio's script saw none of sl-xdp's rounds" \
	test "$(grep -c KAMAILIO-REPLY "$work/kamailio.log")" -eq "$kam_seen"
# positive control: a reply with only our Via is addressed to us, the
# stack gets it (Kamailio), so Kamailio's log was still being written
only_ours() {
	run_c /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.sendto(b"SIP/2.0 480 Temporarily Unavailable\r\nVia: SIP/2.0/UDP [2001:2::1]:5060;branch=z9hG4bK-x\r\n"
         b"From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>;tag=2\r\nCall-ID: only-ours\r\n"
         b"CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n", ("2001:2::1", 5060))'
	sleep 0.3
	grep -q "KAMAILIO-REPLY 480 ci=only-ours" "$work/kamailio.log"
}
check "... positive control: a reply whose only Via is ours reaches the stack (Kamailio saw it)" only_ours

jget() { /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin)
def find(o, k):
    if isinstance(o, dict):
        for a, b in o.items():
            if a == k or a.endswith(":" + k): return b
            r = find(b, k)
            if r is not None: return r
    return None
print(find(d, sys.argv[1]))' "$1" <<<"$json"; }
n4=$((n / 2))
check "dp:fwd_forwarded = $((n + n4))" test "$(jget fwd_forwarded)" = "$((n + n4))"
# per family: single comma compact3 folded received portless lf noreason
# before -> 404, decline -> 603; unchanged is not rewritten
check "dp:fwd_rewritten = $((n + n4 - 3))" test "$(jget fwd_rewritten)" = "$((n + n4 - 3))"
check "rewrite hits since the reload: hide-unavailable 9, decline 1" rewrite_hits 9 1
check "dp:fwd_unresolvable = 0, dp:fwd_passed = 0" \
	test "$(jget fwd_unresolvable)/$(jget fwd_passed)" = "0/0"
check "Kamailio's sl counters do not move: sent_replies = 0" \
	test "$(jget sent_replies)" = 0
check "the responder saw no reply (dp:redirected = 0)" test "$(jget redirected)" = 0
json=$(nsenter_s "$SLCTL" stats "$IF_S" --json 2>&1)
check "the reply whose only Via is ours: counted in dp:fwd_passed" test "$(jget fwd_passed)" = 1

# ---- stats --reset zeroes every family: first give each a value
# (rewrite hits are non-zero since the last round): an OPTIONS (200), an
# INVITE (486, a reply-window entry), an OPTIONS without Via (the
# responder cannot answer it) from the UAS to sl-xdp's rules
requests() {
	run_c /usr/bin/python3 - <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.18.0.2", 0))
s.settimeout(3)
def req(m, n, via=True):
    v = "Via: SIP/2.0/UDP 198.18.0.2:%d;branch=z9hG4bK-reset-%d\r\n" % (s.getsockname()[1], n) if via else ""
    return ("%s sip:x@198.18.0.1 SIP/2.0\r\n%sFrom: <sip:a@198.18.0.2>;tag=r%d\r\n"
            "To: <sip:x@198.18.0.1>\r\nCall-ID: reset-%d\r\nCSeq: 1 %s\r\n"
            "Content-Length: 0\r\n\r\n" % (m, v, n, n, m)).encode()
got = []
for m, n, via in (("OPTIONS", 1, True), ("INVITE", 2, True), ("OPTIONS", 3, False)):
    s.sendto(req(m, n, via), ("198.18.0.1", 5060))
    if via:
        got.append(s.recv(65535).split(b"\r\n")[0].decode())
print(got)
sys.exit(got != ["SIP/2.0 200 OK", "SIP/2.0 486 Busy Here"])
PY
}
check "sl-xdp's rules answer the UAS: OPTIONS 200, INVITE 486" requests
sleep 0.3
nsenter_s "$SLCTL" stats "$IF_S" --json > "$work/before-reset.json" 2>&1
nsenter_s "$SLCTL" stats "$IF_S" --reset > "$work/reset.out" 2>&1
reset_rc=$?
nsenter_s "$SLCTL" stats "$IF_S" --json > "$work/after-reset.json" 2>&1
names() { for g in sl dp resp; do sl_counter_names $g | sed "s/^/$g:/"; done; }
# FILE ALL|SOME: every counter of every family in the JSON of FILE is 0
# (ALL), or each family has a non-zero one (SOME); the names must be
# exactly those of include/sl_counters.h, and both rule and rewrite hits
# present.  resp:busy_ns and resp:sleeps grow at rest (the queue threads'
# CPU time and idle polls), so ALL asks only that they fell below their
# value in before-reset.json.
families() {
	names > "$work/names"
	/usr/bin/python3 - "$1" "$2" "$work/names" "$work/before-reset.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
before = json.load(open(sys.argv[4]))["resp"]
at_rest = ("busy_ns", "sleeps")
want = [l.strip() for l in open(sys.argv[3])]
have = ["%s:%s" % (g, k) for g in ("sl", "dp", "resp") for k in d[g]]
if have != want:
    print("names differ from include/sl_counters.h:", set(have) ^ set(want))
    sys.exit(1)
fam = {g: list(d[g].values()) for g in ("sl", "dp")}
if sys.argv[2] == "ALL":
    for k in at_rest:
        if d["resp"][k] >= before[k]:
            print("resp:%s not reset: %d before, %d after" % (k, before[k], d["resp"][k]))
            sys.exit(1)
    fam["resp"] = [v for k, v in d["resp"].items() if k not in at_rest]
else:
    fam["resp"] = list(d["resp"].values())
fam["rule hits"] = [r["hits"] for r in d["rules"]]
fam["rewrite hits"] = [r["hits"] for r in d["rewrites"]]
print({k: sum(v) for k, v in fam.items()})
if sys.argv[2] == "SOME":
    sys.exit(not all(len(v) and sum(v) > 0 for v in fam.values()))
sys.exit(not all(len(v) and not any(v) for v in fam.values()))
PY
}
check "before --reset every family has a non-zero counter: sl:, dp:, resp:, rule and rewrite hits" \
	families "$work/before-reset.json" SOME
check "stats --reset: exit 0, the counters printed before zeroing" \
	bash -c "[ $reset_rc = 0 ] && grep -qx 'sl:200_replies = 1' '$work/reset.out'"
check "after --reset every counter of every family is 0 (sl:, dp:, resp:, rule and rewrite hits)" \
	families "$work/after-reset.json" ALL
check "after --reset the data plane counts again: an OPTIONS is answered and counted once" \
	bash -c "nsenter --net=/run/netns/$NS_C /usr/bin/python3 '$SL_ROOT/tests/tools/sip_udp.py' ping 198.18.0.1 5060 1 50 | grep -q '\"answered\": 1' &&
		nsenter --net=/run/netns/$NS_S '$SLCTL' stats '$IF_S' | grep -qx 'sl:200_replies = 1'"

# a neighbour sl-xdp does not know: the reply goes to the stack (Kamailio
# forwards it, and the kernel resolves the neighbour on the way), the
# responder's sync learns the neighbour from the kernel's event, and the
# replies after that are forwarded in XDP again
check "the UAC's IPv6 neighbour entry removed" \
	ip -n "$NS_S" -6 neigh del 2001:2:0:2::2 dev "$IF_T"
sleep 0.3
round "$work/noneigh" 6
json=$(nsenter_s "$SLCTL" stats "$IF_S" --json 2>&1)
u1=$(jget fwd_unresolvable)
f1=$(jget fwd_forwarded)
check "... the first reply to it passed to the stack (dp:fwd_unresolvable $u1), each of the 11 passed or forwarded ($f1)" \
	test "$u1" -ge 1 -a "$((u1 + f1))" = 11
check "... all 11 reached the UAC as Kamailio sends them (same bytes)" compare_round 6 "$work/noneigh"
learned() {
	for _ in $(seq 30); do
		ip -n "$NS_S" -6 neigh show 2001:2:0:2::2 dev "$IF_T" | grep -qE 'REACHABLE|STALE|DELAY|PROBE' &&
			return 0
		sleep 0.1
	done
	ip -n "$NS_S" -6 neigh show dev "$IF_T"
	return 1
}
check "... the kernel resolved the UAC again" learned
sleep 0.3
round "$work/relearned" 6
json=$(nsenter_s "$SLCTL" stats "$IF_S" --json 2>&1)
check "... the sync learned it: the next 11 are all forwarded in XDP" \
	test "$(jget fwd_unresolvable)" = "$u1" -a "$(jget fwd_forwarded)" = "$((f1 + 11))"
check "... byte-identical to Kamailio's" compare_round 6 "$work/relearned"

check "detach" nsenter_s "$SLCTL" detach "$IF_S"
tap_done
