#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Kamailio 5.6.3 as the byte reference.  In the server namespace Kamailio
# (tests/e2e/kamailio/ref.cfg: sl only, first listen socket
# udp:198.18.0.1:5070, udp:[2001:2::1]:5070) and sl-xdp on the server veth
# (UDP 5060, the same reply policy, tag_seed/tag_addr = Kamailio's first
# socket, so the to-tag MD5 part is the same) answer the same requests:
# tests/tools/sip_compare.py in the client namespace sends each request to
# both from the same socket and compares the replies byte for byte after
# normalising only the two documented differences (the Server line; the
# place of `received` in the top Via: 5.6.3 appends it to the end of the Via
# line and keeps an old one, sl-xdp places it as Kamailio >= 5.8.5 does and
# drops an old one, with the line fold in front of it).
#
# Requests: the RFC 3261 example requests and RFC 4475 torture requests
# (where sl-xdp answers differently by design -- 400/505 for a broken
# request that 5.6.3's sl answers with the policy code, or an answer where
# 5.6.3 stays silent -- that documented reply is asserted instead), and our
# own Via/rport/received/To/Record-Route/compact/folded variations (folded
# Via and Contact lines, several Via values on one line, folds before,
# between and after params, tab and LF-only folds), over IPv4 and IPv6.
# One TAP line per request; the number of requests is pinned (CASES) and
# sip_compare.py's exit status checked.
#
# SL_KEEP=1 keeps a copy of the work directory (requests, both replies per
# case, Kamailio's log) in /tmp/slx-kamref-last; SIP_COMPARE_ONLY=REGEX runs
# only the matching cases.
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SL_ROOT/tests/lib/netns.sh"
. "$SL_ROOT/tests/lib/kamailio.sh"
. "$SL_ROOT/tests/lib/sl.sh"
# CASES is the number of requests sip_compare.py sends (RFC 3261 + RFC 4475
# requests and its own, IPv4 and IPv6), one result each: pinned, so that a
# case lost from its lists fails the test; 10 checks around them
CASES=233
tap_plan $((CASES + 10))
SLCTL="$SL_ROOT/build/sl-ctl"
KAM_CFG="$SL_ROOT/tests/e2e/kamailio/ref.cfg"
COMPARE="$SL_ROOT/tests/tools/sip_compare.py"
CORPUS=${SL_CORPUS_DIR:-}
for c in "$CORPUS" "$SL_ROOT/../shared/corpus" /work/shared/corpus; do
	[ -n "$c" ] && [ -e "$c/rfc4475/index.tsv" ] && { CORPUS=$c; break; }
done

if ! command -v kamailio >/dev/null 2>&1; then
	echo "1..0 # SKIP kamailio not installed"
	exit 0
fi

netns_setup || { not_ok "namespace setup"; tap_done; }
work=$(mktemp -d /tmp/slx-kamref.XXXXXX)
netns_defer "rm -rf '$work'"
netns_defer sl_kill_orphan_responder
netns_defer "nsenter_s '$SLCTL' detach '$IF_S' >/dev/null 2>&1"

# a second client address: Via host case tests (2001:2::AB vs 2001:2::ab)
ip -n "$NS_C" -6 addr add 2001:2::ab/64 dev "$IF_C" nodad
check "dummy XDP program on the client end" \
	nsenter_c ip link set dev "$IF_C" xdp obj "$SL_ROOT/build/xdp_pass.bpf.o" sec xdp

kamailio_start "$KAM_CFG" "$work" 5070 || tap_done

# sl-xdp: the policy of ref.cfg, rule for rule
cat > "$work/sl.conf" <<'CONF'
[sl]
ports = 5060
default_action = reply
default_code = 404
default_reason = Not Found
server_header = Server: sl-xdp-ref
tag_seed = KAMAILIO-stateless
tag_addr = 198.18.0.1:5070

[rule ack]
method = ACK
action = drop

[rule options]
method = OPTIONS
reply = 200 OK

[rule register]
method = REGISTER
reply = 403 Forbidden

[rule redirect]
method = INVITE
ruri_user_prefix = redir
reply = 302 Moved Temporarily
header = X-Redirect: ref
header = Contact: <sip:alt1@198.18.0.9:5099>, <sip:alt2@198.18.0.10>

[rule invite]
method = INVITE
reply = 486 Busy Here

[rule message]
method = MESSAGE
reply = 501 Not Implemented

[rule bye]
method = BYE
reply = 481 Call/Transaction Does Not Exist

[rule info]
method = INFO
reply = 100 Trying

[rule publish]
method = PUBLISH
reply = 180 Ringing

[rule subscribe]
method = SUBSCRIBE
reply = 200 OK

[rule notify]
method = NOTIFY
reply = 202 Accepted

[rule prack]
method = PRACK
reply = 299 Last Two Hundred

[rule update]
method = UPDATE
reply = 179 Almost Ringing
CONF

if ! check "sl-xdp attached with the same policy" \
	nsenter_s "$SLCTL" attach "$IF_S" -c "$work/sl.conf"; then
	tap_done
fi

# one TAP line per request (CASES of them), counted here
mkdir -p "$work/replies"
n=0
plan=-1
n_xdp=-1
n_err=-1
while IFS= read -r line; do
	case $line in
	"ok - "*) ok "${line#ok - }"; n=$((n + 1)) ;;
	"not ok - "*) not_ok "${line#not ok - }"; n=$((n + 1)) ;;
	"1.."*) plan=${line#1..} ;;
	"# sl-xdp replies: "*)
		n_xdp=$(sed -E 's/.*replies: ([0-9]+),.*/\1/' <<<"$line")
		n_err=$(sed -E 's/.*error replies: ([0-9]+).*/\1/' <<<"$line")
		printf '%s\n' "$line" ;;
	*) printf '%s\n' "$line" ;;
	esac
done < <(run_c /usr/bin/python3 "$COMPARE" "$CORPUS" "$work/replies" 2>&1
	 echo $? > "$work/compare.rc")
check "sip_compare.py exited 0 (every case passed)" \
	test "$(cat "$work/compare.rc" 2>/dev/null)" = 0
if [ -n "${SIP_COMPARE_ONLY:-}" ]; then
	check "sip_compare.py ran the $plan cases it planned ($n)" test "$n" = "$plan"
else
	check "sip_compare.py ran all $CASES cases (planned $plan, ran $n)" \
		test "$n" = "$CASES" -a "$plan" = "$CASES"
fi

stats=$(nsenter_s "$SLCTL" stats "$IF_S" 2>&1)
stat() { sed -n "s/^$1 = //p" <<<"$stats"; }
check "sl:sent_replies = $n_xdp (the replies the client got from sl-xdp)" \
	test "$(stat sl:sent_replies)" = "$n_xdp"
check "sl:sent_err_replies = $n_err (its 400/505 replies)" \
	test "$(stat sl:sent_err_replies)" = "$n_err"
check "sl:failures = 0" test "$(stat sl:failures)" = 0
kam_up() { run_s ss -Hlun 2>/dev/null | grep -q ':5070 '; }
check "Kamailio is still running" kam_up
check "detach" nsenter_s "$SLCTL" detach "$IF_S"
if [ "${SL_KEEP:-0}" = 1 ]; then
	rm -rf /tmp/slx-kamref-last
	cp -r "$work" /tmp/slx-kamref-last
fi
tap_done
