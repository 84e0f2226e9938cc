#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# The live blocklist and automatic bans (issue 16 items 1-2), with real
# traffic between two namespaces: sl-ctl block add / del / list / flush,
# an entry with --ttl that stops matching and is swept by the responder,
# import of a plain list and of an APIBAN answer (all or nothing: a bad
# line refuses the whole file with its line number), the list kept over a reload, a flood that
# gets its source banned for [ban] time and the ban lifted after it, a
# trusted source never banned, and sl-ctl top.
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SL_ROOT/tests/lib/netns.sh"
. "$SL_ROOT/tests/lib/sl.sh"
tap_plan 41
SLCTL="$SL_ROOT/build/sl-ctl"
UDP="/usr/bin/python3 $SL_ROOT/tests/tools/sip_udp.py"

sl_need "$SLCTL"
sl_setup "$SLCTL"
sl_conf "$work/a.conf" OK "
[ban]
rate = 50/s
burst = 50
time = 2s
trusted = 2001:2::2"
answers() { run_c $UDP ping 198.18.0.1 5060 "$1" "${2:-50}" | sl_json /dev/stdin 'd["answered"]'; }
blk() { nsenter_s "$SLCTL" block "$IF_S" "$@"; }
counter() {
	nsenter_s "$SLCTL" stats "$IF_S" --json > "$work/stats.json"
	sl_json "$work/stats.json" "d[\"dp\"][\"$1\"]"
}
listed() { blk list --json > "$work/list.json" && sl_json "$work/list.json" "$1"; }
# polls (5 s at most) until the prefix is no longer listed
gone_within_5s() {
	for _ in $(seq 50); do
		blk list | grep -q "^$1 " || return 0
		sleep 0.1
	done
	return 1
}

check "attach with [ban]" nsenter_s "$SLCTL" attach "$IF_S" -c "$work/a.conf"
check "before any entry: 5 OPTIONS answered" test "$(answers 5)" = 5

# --- add, list, del
check "block add 198.18.0.2 --comment" blk add 198.18.0.2 --comment "a scanner"
check "a blocked source gets no answer" test "$(answers 5)" = 0
check "dp:blocked counts its datagrams" test "$(counter blocked)" = 5
check "list --json: the prefix, its 5 hits, reason manual, no expiry, the comment" \
	test "$(listed '[(e["prefix"], e["hits"], e["reason"], e["expires_in_s"], e["comment"]) for e in d]')" = \
	"[('198.18.0.2/32', 5, 'manual', None, 'a scanner')]"
check "list (text) shows it" bash -c "nsenter --net=/run/netns/$NS_S $SLCTL block $IF_S list | grep -q '^198.18.0.2/32 .* 5 .*never .*manual .*a scanner'"
check "block del" blk del 198.18.0.2
check "answered again after del" test "$(answers 5)" = 5
blk del 198.18.0.2 > "$work/out" 2>&1; rc=$?
check "del of a prefix not listed: exit 1, says so" \
	bash -c "[ $rc = 1 ] && grep -q 'is not in the blocklist' '$work/out'"
blk add 198.18.0.7/24 > "$work/out" 2>&1; rc=$?
check "a prefix with host bits set is refused (exit 2)" \
	bash -c "[ $rc = 2 ] && grep -q 'host bits set' '$work/out'"

# --- ttl: stops matching, then swept by the responder
check "block add 198.18.0.0/24 --ttl 1s" blk add 198.18.0.0/24 --ttl 1s
check "blocked while it lasts" test "$(answers 3)" = 0
check "after its ttl the responder's sweep removes it from the list" gone_within_5s 198.18.0.0/24
check "and the source is answered again" test "$(answers 5)" = 5

# --- flush
blk add 198.18.1.0/24 > /dev/null
blk add 2001:2:0:1::/64 > /dev/null
check "flush removes both entries" bash -c "nsenter --net=/run/netns/$NS_S $SLCTL block $IF_S flush | grep -q 'removed 2 entries'"
check "the list is empty after flush" test "$(listed 'len(d)')" = 0

# --- import: all or nothing
cat > "$work/feed.txt" <<'FEED'
# a feed
198.18.2.0/24
198.18.3.4      # one host
2001:2:0:2::/64

198.18.0.2
FEED
check "import of a plain list" blk import "$work/feed.txt"
check "the 4 prefixes are listed with reason import" \
	test "$(listed 'sorted((e["prefix"], e["reason"]) for e in d)')" = \
	"[('198.18.0.2/32', 'import'), ('198.18.2.0/24', 'import'), ('198.18.3.4/32', 'import'), ('2001:2:0:2::/64', 'import')]"
check "an imported source is dropped" test "$(answers 3)" = 0
printf '198.18.4.0/24\n# ok so far\nnot-an-address\n198.18.5.0/24\n' > "$work/bad.txt"
blk import "$work/bad.txt" > "$work/out" 2>&1; rc=$?
check "a bad line refuses the whole file with its line number (exit 1)" \
	bash -c "[ $rc = 1 ] && grep -q 'bad.txt:3: .*not-an-address.*nothing imported' '$work/out'"
check "... and nothing of it was added" test "$(listed 'len(d)')" = 4

# --- import: an APIBAN answer
printf '{"ipaddress":["198.18.6.1","198.18.6.2","2001:2:0:3::5"],"ID":"1234567"}\n' > "$work/apiban.json"
blk import "$work/apiban.json" --ttl 1h > "$work/out" 2>&1; rc=$?
check "import of an APIBAN answer: its ID printed for the next query" \
	bash -c "[ $rc = 0 ] && grep -qx 'apiban ID: 1234567' '$work/out' && grep -q 'imported 3 prefix' '$work/out'"
check "its addresses are listed as hosts, with the ttl" \
	test "$(listed 'sorted((e["prefix"], e["expires_in_s"] > 3500) for e in d if e["prefix"].startswith(("198.18.6.", "2001:2:0:3:")))')" = \
	"[('198.18.6.1/32', True), ('198.18.6.2/32', True), ('2001:2:0:3::5/128', True)]"
printf '{"ipaddress":["no new bans"], "ID":"none"}' > "$work/none.json"
check "APIBAN's 'no new bans' imports nothing, and is no error" \
	bash -c "nsenter --net=/run/netns/$NS_S $SLCTL block $IF_S import '$work/none.json' | grep -q 'imported 0 prefix'"
printf '{"ipaddress":["198.18.7.1","198.18.7.300"],"ID":"9"}' > "$work/badban.json"
blk import "$work/badban.json" > "$work/out" 2>&1; rc=$?
check "an APIBAN answer with a bad address is refused whole, the entry named (exit 1)" \
	bash -c "[ $rc = 1 ] && grep -q 'badban.json: ipaddress\[1\]: .*198.18.7.300.*nothing imported' '$work/out' && ! grep -q 'apiban ID' '$work/out'"
printf '{"ipaddress":["198.18.7.1"' > "$work/cut.json"
blk import "$work/cut.json" > "$work/out" 2>&1; rc=$?
check "a cut-off JSON answer is refused (exit 1)" \
	bash -c "[ $rc = 1 ] && grep -q 'cut.json: not an APIBAN answer' '$work/out'"
check "... and neither added anything" test "$(listed 'len(d)')" = 7

# --- the APIBAN feeder example (packaging/apiban), with curl stubbed:
# it asks from the last ID, follows the IDs until "none", keeps the last
mkdir -p "$work/bin" "$work/state"
echo testkey > "$work/key"
cat > "$work/bin/curl" <<STUB
#!/bin/sh
# the stub of the feeder's curl: answers from files by the ID asked for
for a; do url=\$a; done
echo "\$url" >> "$work/urls"
case "\$url" in
*/testkey/banned/100) body='{"ipaddress":["198.18.8.1"],"ID":"200"}' ;;
*/testkey/banned/200) body='{"ipaddress":["198.18.8.2"],"ID":"300"}' ;;
*) body='{"ipaddress":["no new bans"],"ID":"none"}' ;;
esac
while [ \$# -gt 0 ]; do [ "\$1" = -o ] && out=\$2; shift; done
printf '%s' "\$body" > "\$out"
STUB
chmod +x "$work/bin/curl"
ln -s "$SLCTL" "$work/bin/sl-ctl"
feeder() {
	nsenter --net="/run/netns/$NS_S" -- env PATH="$work/bin:$PATH" \
		SL_XDP_APIBAN_KEY="$work/key" SL_XDP_APIBAN_STATE="$work/state" \
		sh "$SL_ROOT/packaging/apiban/sl-xdp-apiban" "$IF_S"
}
feeder > "$work/feeder.out" 2>&1; rc=$?
check "the feeder imports each page and keeps the last ID" \
	bash -c "[ $rc = 0 ] && [ \"\$(cat '$work/state/apiban.$IF_S.id')\" = 300 ]"
check "... both pages' addresses are blocked" \
	test "$(listed 'sorted(e["prefix"] for e in d if e["prefix"].startswith("198.18.8."))')" = \
	"['198.18.8.1/32', '198.18.8.2/32']"
feeder > /dev/null 2>&1
check "the next run asks from the kept ID" test "$(tail -1 "$work/urls" | sed 's|.*/banned/||')" = 300
blk del 198.18.8.1 > /dev/null
blk del 198.18.8.2 > /dev/null

# --- reload keeps the list
check "reload" nsenter_s "$SLCTL" reload "$IF_S" -c "$work/a.conf"
check "the list survives the reload" test "$(listed 'len(d)')" = 7
blk flush > /dev/null

# --- a flood: banned for [ban] time, then lifted
banned0=$(counter banned)
run_c $UDP ping 198.18.0.1 5060 300 2000 > "$work/flood.json"
check "a flood of 300 at 2000/s (over 50/s, burst 50) is cut short" \
	test "$(sl_json "$work/flood.json" 'd["answered"] < 300')" = True
check "dp:banned counts the ban; the list says why" \
	bash -c "[ $(counter banned) = $((banned0 + 1)) ] && [ \"\$(nsenter --net=/run/netns/$NS_S $SLCTL block $IF_S list --json | /usr/bin/python3 -c 'import json,sys; print([e[\"reason\"] for e in json.load(sys.stdin) if e[\"prefix\"] == \"198.18.0.2/32\"])')\" = \"['ban']\" ]"
nsenter_s "$SLCTL" top "$IF_S" --json > "$work/top.json"
check "top: the flooding source first, over its burst of datagrams in the last minute, banned" \
	test "$(sl_json "$work/top.json" '(d[0]["source"], d[0]["requests_last_minute"] > 50, d[0]["banned"])')" = \
	"('198.18.0.2', True, True)"
check "the ban is lifted after time (2 s): gone from the list" gone_within_5s 198.18.0.2/32
check "the source is answered again" test "$(answers 5 20)" = 5

# --- a trusted source is never banned
before=$(counter banned)
run_c $UDP ping 2001:2::1 5060 300 2000 > /dev/null
check "a flood from the trusted 2001:2::2 bans nothing and blocks nothing" \
	bash -c "[ $(counter banned) = $before ] && [ \"\$(nsenter --net=/run/netns/$NS_S $SLCTL block $IF_S list --json)\" = '[]' ]"

check "detach removes the blocklist with the rest" nsenter_s "$SLCTL" detach "$IF_S"
check "nothing left" sl_nothing_left
tap_done
