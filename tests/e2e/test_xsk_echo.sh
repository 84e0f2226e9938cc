#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# AF_XDP I/O (user/dp/xsk_io.c) and frame building (user/dp/frame_io.c) on real
# packets through the real XDP program: sl-ctl attaches with
# default_action = reply, tests/tools/xsk_echo answers every redirected
# datagram with "ECHO " + its payload.  The client checks the echoes
# (IPv4 and IPv6) and, from an AF_PACKET capture, every header field and
# checksum with its own code; the driver reports whether the XDP metadata
# (struct sl_xdp_meta) reached userspace.  Killing the driver makes the
# requests reach the kernel stack again (fail open).  Native XDP with
# copy-mode sockets on two queues first (the veth is made with two: a
# machine with one CPU must not shrink the test to one queue), then generic (skb) XDP with a
# small ring (many wrap-arounds) under ASan/LSan, then error paths.
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SL_BUILD=${SL_BUILD:-$SL_ROOT/build}
. "$SL_ROOT/tests/lib/netns.sh"
. "$SL_ROOT/tests/lib/sl.sh"
tap_plan 49
SLCTL="$SL_BUILD/sl-ctl"
XDP_PASS="$SL_BUILD/xdp_pass.bpf.o"
UDP="/usr/bin/python3 $SL_ROOT/tests/tools/sip_udp.py"
PY=/usr/bin/python3

NETNS_QUEUES=2
netns_setup || { not_ok "namespace setup"; tap_done; }
work=$(mktemp -d)
netns_defer "rm -rf '$work'"
netns_defer "nsenter_s '$SLCTL' detach '$IF_S' >/dev/null 2>&1"

# ---- the driver: build/xsk_echo, else built here; plus an ASan build ----
ECHO_SRCS="$SL_ROOT/tests/tools/xsk_echo.c $SL_ROOT/user/dp/xsk_io.c $SL_ROOT/user/dp/xsk_loop.c $SL_ROOT/user/dp/iface.c $SL_ROOT/user/dp/frame_io.c"
ECHO_FLAGS="-std=gnu11 -Wall -Wextra -Werror -I$SL_ROOT/include -I$SL_ROOT/user"
ECHO_LIBS="-lxdp -lbpf -lpthread"
ECHO="$SL_BUILD/xsk_echo"
if [ ! -x "$ECHO" ]; then
	ECHO="$work/xsk_echo"
	# shellcheck disable=SC2086
	check "build the echo driver (gcc)" \
		gcc $ECHO_FLAGS -O2 -g $ECHO_SRCS -o "$ECHO" $ECHO_LIBS
fi
ECHO_ASAN="$work/xsk_echo_asan"
# shellcheck disable=SC2086
if gcc $ECHO_FLAGS -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	$ECHO_SRCS -o "$ECHO_ASAN" $ECHO_LIBS >"$work/asan-build.log" 2>&1; then
	ok "build the echo driver with -fsanitize=address,undefined"
else
	not_ok "build the echo driver with -fsanitize=address,undefined" "$(tail -n 5 "$work/asan-build.log")"
	ECHO_ASAN=$ECHO
fi
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=98

# ---- client: sends requests, checks echoes and the captured frames ----
cat > "$work/client.py" <<'PYEOF'
"""client.py echo DST COUNT IFACE METHOD | burst DST COUNT SOCKS | silent DST COUNT TAG

echo:   COUNT requests one by one; each must be echoed back from DST:5060,
        and each echo frame, captured on IFACE, must have correct headers
        and checksums (computed here).
burst:  COUNT requests over SOCKS sockets (one in flight per socket):
        all must be echoed.
silent: COUNT requests tagged TAG; none may be answered within 1 s.
"""
import os
import socket
import struct
import sys
import time

ETH_P_ALL = 3


def fold(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def request(method, n, tag):
    return ("%s sip:x@198.18.0.1 SIP/2.0\r\n"
            "Via: SIP/2.0/UDP client;branch=z9hG4bK-%s-%d\r\n"
            "Call-ID: %s-%d@client\r\nCSeq: 1 %s\r\n"
            "Content-Length: 0\r\n\r\n" % (method, tag, n, tag, n, method)).encode()


def family(dst):
    return socket.AF_INET6 if ":" in dst else socket.AF_INET


def check_frame(f, dst, cport):
    """None if f is not an echo to cport, else a list of problems."""
    v6 = ":" in dst
    if len(f) < 14 or f[12:14] != (b"\x86\xdd" if v6 else b"\x08\x00"):
        return None
    ip = f[14:]
    if v6:
        if len(ip) < 48 or ip[6] != 17:
            return None
        src, dstip, l4 = ip[8:24], ip[24:40], 40
        if src != socket.inet_pton(socket.AF_INET6, dst):
            return None
    else:
        if len(ip) < 28 or ip[9] != 17:
            return None
        ihl = (ip[0] & 15) * 4
        src, dstip, l4 = ip[12:16], ip[16:20], ihl
        if src != socket.inet_pton(socket.AF_INET, dst):
            return None
    udp = ip[l4:]
    sport, dport, ulen, ucs = struct.unpack("!HHHH", udp[:8])
    if sport != 5060 or dport != cport:
        return None
    bad = []
    if v6:
        if ip[0] != 0x60 or ip[1] != 0 or ip[2:4] != b"\0\0":
            bad.append("version/traffic class/flow label %s" % ip[:4].hex())
        if ip[7] != 64:
            bad.append("hop limit %d" % ip[7])
        if struct.unpack("!H", ip[4:6])[0] != ulen:
            bad.append("payload length")
        pseudo = src + dstip + struct.pack("!IxxxB", ulen, 17)
    else:
        if ip[0] != 0x45:
            bad.append("version/ihl %#x" % ip[0])
        if ip[8] != 64:
            bad.append("ttl %d" % ip[8])
        if struct.unpack("!H", ip[6:8])[0] != 0x4000:
            bad.append("flags/fragment offset (want DF)")
        if struct.unpack("!H", ip[2:4])[0] != 20 + ulen:
            bad.append("total length")
        if fold(ip[:20]) != 0xFFFF:
            bad.append("IPv4 header checksum")
        pseudo = src + dstip + struct.pack("!xBH", 17, ulen)
    if ucs == 0:
        bad.append("UDP checksum field is 0")
    if fold(pseudo + udp[:ulen]) != 0xFFFF:
        bad.append("UDP checksum")
    return bad


def main():
    mode, dst, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    fam = family(dst)
    tag = "%d-%x" % (os.getpid(), int(time.time() * 1000) & 0xFFFFFF)
    if mode == "echo":
        iface, method = sys.argv[4], sys.argv[5]
        raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        raw.bind((iface, 0))
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", 0))
        cport = s.getsockname()[1]
        s.settimeout(2)
        for n in range(count):
            p = request(method, n, tag)
            s.sendto(p, (dst, 5060))
            try:
                d, a = s.recvfrom(65535)
            except socket.timeout:
                print("no echo for request %d" % n)
                return 1
            if a[0] != dst or a[1] != 5060 or d != b"ECHO " + p:
                print("wrong echo from %s: %r" % (a, d[:60]))
                return 1
        raw.settimeout(0.5)
        good = 0
        while True:
            try:
                f, meta = raw.recvfrom(65535)
            except socket.timeout:
                break
            if meta[2] == socket.PACKET_OUTGOING:
                continue
            bad = check_frame(f, dst, cport)
            if bad is None:
                continue
            if bad:
                print("bad echo frame: %s\n%s" % (", ".join(bad), f.hex()))
                return 1
            good += 1
        print("%d echoes, %d captured frames checked" % (count, good))
        return 0 if good == count else 1
    if mode == "burst":
        nsocks = int(sys.argv[4])
        socks = []
        for _ in range(nsocks):
            socks.append(socket.socket(fam, socket.SOCK_DGRAM))
        sent = got = 0
        t = time.time()
        while sent < count:
            batch = []
            for s in socks[:count - sent]:
                p = request("OPTIONS", sent, tag)
                sent += 1
                s.sendto(p, (dst, 5060))
                batch.append((s, p))
            lost = 0
            deadline = time.time() + 2
            for s, p in batch:
                s.settimeout(max(0.001, deadline - time.time()))
                try:
                    d = s.recv(65535)
                except socket.timeout:
                    lost += 1
                    continue
                got += d == b"ECHO " + p
            if lost == len(batch):
                break       # nothing answers: do not wait for every round
        print("%d/%d over %d sockets in %.2f s"
              % (got, count, nsocks, time.time() - t))
        return 0 if got == count else 1
    if mode == "silent":
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.settimeout(1)
        for n in range(count):
            s.sendto(request("OPTIONS", n, sys.argv[4]), (dst, 5060))
        try:
            d = s.recv(65535)
            print("unexpected answer: %r" % d[:60])
            return 1
        except socket.timeout:
            return 0
    return 2


sys.exit(main())
PYEOF

# ---- helpers ----
ECHO_PID=""
ECHO_JOB=""
ECHO_LOG=""

# echo_start LOG BINARY ARGS...: runs the driver in the server namespace,
# waits until its sockets are in the map.
echo_start()
{
	local log=$1

	shift
	ECHO_LOG=$log
	# a queue stays taken until the kernel has released the socket of
	# the previous owner (deferred work): retry a busy bind for a while
	for _ in $(seq 30); do
		nsenter_s "$@" >"$log" 2>&1 &
		ECHO_JOB=$!
		netns_track_pid "$ECHO_JOB"
		ECHO_PID=""
		for _ in $(seq 100); do
			ECHO_PID=$(sed -n 's/^xsk_echo: .* pid=\([0-9]*\)$/\1/p' "$log")
			[ -n "$ECHO_PID" ] && return 0
			kill -0 "$ECHO_JOB" 2>/dev/null || break
			sleep 0.1
		done
		wait "$ECHO_JOB"
		grep -q 'Device or resource busy' "$log" || return 1
		sleep 0.2
	done
	return 1
}

# attach_quiet ARGS...: sl-ctl attach, then stop the responder it
# started (this test brings its own), waiting until it is gone
# shellcheck disable=SC2317  # called through check
attach_quiet()
{
	local rpid=""

	nsenter_s "$SLCTL" attach "$IF_S" "$@" || return 1
	for _ in $(seq 50); do
		# first line: the pid (then queues, mode)
		rpid=$(awk 'NR == 1 && /^[0-9]+$/ { print }' "/run/sl-xdp/$IF_S.pid" 2>/dev/null)
		[ -n "$rpid" ] && break
		sleep 0.1
	done
	[ -n "$rpid" ] || return 0	# an sl-ctl that starts none
	kill -TERM "$rpid" 2>/dev/null
	for _ in $(seq 50); do
		kill -0 "$rpid" 2>/dev/null || return 0
		sleep 0.1
	done
	echo "the responder ($rpid) did not stop" >&2
	return 1
}

# echo_stop: SIGTERM, wait; $? = the driver's exit status.
echo_stop()
{
	[ -n "$ECHO_PID" ] && kill -TERM "$ECHO_PID" 2>/dev/null
	wait "$ECHO_JOB"
}

stat_sum()
{
	sed -n "s/^xsk_echo: queue=.* $1=\([0-9]*\).*/\1/p" "$ECHO_LOG" |
		awk '{ s += $1 } END { print s + 0 }'
}

san_clean()
{
	! grep -q 'Sanitizer\|runtime error' "$1"
}

active_bank()
{
	bpftool map dump pinned "/sys/fs/bpf/sl-xdp/$IF_S/sl_active" -j |
		$PY -c 'import json,sys; print(json.load(sys.stdin)[0]["formatted"]["value"]["bank"])'
}

dp_stat()
{
	nsenter_s "$SLCTL" stats "$IF_S" | sed -n "s/^dp:$1 = //p"
}

# client_check DESC CLIENT-ARGS...: ok with the client's summary line
client_check()
{
	local desc=$1 out

	shift
	if out=$(run_c $PY "$work/client.py" "$@" 2>&1); then
		ok "$desc${out:+ ($out)}"
	else
		not_ok "$desc" "$out"
	fi
}

# echo and metadata checks for one address family
echo_checks()
{
	local what=$1 dst=$2 out

	client_check "$what: OPTIONS to $dst echoed; headers and checksums verified" \
		echo "$dst" 2 "$IF_C" OPTIONS
	client_check "$what: INFO to $dst echoed; headers and checksums verified" \
		echo "$dst" 1 "$IF_C" INFO
}

meta_checks()
{
	local what=$1 bank

	bank=$(active_bank)
	echo "# $what: XDP metadata seen by the driver:"
	sed -n 's/^rx queue=[0-9]* len=[0-9]* \(meta=.*\)/\1/p' "$ECHO_LOG" |
		sort | uniq -c | sed 's/^/#   /'
	check "$what: metadata reaches the AF_XDP socket: OPTIONS -> rule 0, bank $bank" \
		grep -q "meta=rule:0,bank:$bank word=OPTIONS$" "$ECHO_LOG"
	check "$what: metadata: INFO -> default rule (65535), bank $bank" \
		grep -q "meta=rule:65535,bank:$bank word=INFO$" "$ECHO_LOG"
	check "$what: no frame without metadata" \
		test "$(grep -c 'meta=none' "$ECHO_LOG")" = 0
}

# ---- setup: two queues if the veth allows, dummy XDP on the client ----
cat > "$work/sl.conf" <<CONF
[sl]
ports = 5060
tag_addr = 198.18.0.1:5060
default_action = reply
rate_limit = 0		; bursts of 5000 from one address: no per-source limit

[rule options]
method = OPTIONS
reply = 200 OK
CONF

# two queues, or the multi-queue part fails: never silently one
NQ=2
two_queues() {
	run_s ethtool -L "$IF_S" rx 2 tx 2 && run_c ethtool -L "$IF_C" rx 2 tx 2 &&
		run_s ethtool -l "$IF_S" |
		awk '/^Current/ { c = 1 } c && /^RX:/ { print; exit }' | grep -qw 2
}
check "two RX and TX queues on both veth ends (ethtool -L)" two_queues
check "dummy XDP_PASS program on the client end $IF_C" \
	ip -n "$NS_C" link set dev "$IF_C" xdp obj "$XDP_PASS" sec xdp
check "sl-ctl attach (native XDP, default_action = reply), its responder stopped" \
	attach_quiet -c "$work/sl.conf"

# server-side sockets: what the kernel stack gets
for addr in 198.18.0.1 2001:2::1; do
	# shellcheck disable=SC2086
	run_s $UDP listen "$addr" 5060 600 "$work/stack-$addr" &
	netns_track_pid $!
done
for addr in 198.18.0.1 2001:2::1; do
	for _ in $(seq 50); do [ -e "$work/stack-$addr.ready" ] && break; sleep 0.1; done
done

# ---- phase 1: native XDP, default ring (2048), all queues ----
if echo_start "$work/echo1.log" "$ECHO" "$IF_S" 120 --verbose; then
	ok "driver started: $(head -n 1 "$work/echo1.log")"
else
	not_ok "driver started" "$(cat "$work/echo1.log")"
fi
check "one socket per RX queue discovered with ETHTOOL_GCHANNELS ($NQ)" \
	grep -q "queues=$NQ mode=" "$work/echo1.log"
mode=$(sed -n 's/.* mode=\([a-z-]*\) .*/\1/p' "$work/echo1.log")
check "veth: zero-copy refused, copy mode used (mode=$mode)" test "$mode" = copy
echo_checks "native" 198.18.0.1
echo_checks "native" 2001:2::1
meta_checks "native XDP + copy-mode AF_XDP"
nsock=32
client_check "native: 5000 IPv4 requests in a burst all echoed" \
	burst 198.18.0.1 5000 $nsock
client_check "native: 1000 IPv6 requests in a burst all echoed" \
	burst 2001:2::1 1000 $nsock
sleep 0.2
check "nothing reached the stack's sockets while the driver answered" \
	test ! -s "$work/stack-198.18.0.1" -a ! -s "$work/stack-2001:2::1"
check "... positive control: a response sent now reaches the IPv4 listener" \
	sl_stack_marker 198.18.0.1 "$work/stack-198.18.0.1" marker-xsk4
check "... and the IPv6 listener" \
	sl_stack_marker 2001:2::1 "$work/stack-2001:2::1" marker-xsk6
echo_stop
rc=$?
check "driver stops on SIGTERM, exit status 0 (was $rc)" test "$rc" = 0
sed -n 's/^\(xsk_echo: queue=.*\)/# \1/p; s/^\(xsk_echo: meta.*\)/# \1/p' "$work/echo1.log"
rx=$(stat_sum rx)
check "driver counters: every frame answered (rx $rx = tx $(stat_sum tx), 6006 expected)" \
	test "$rx" = 6006 -a "$(stat_sum tx)" = 6006
check "driver counters: no TX ring full, no UMEM exhaustion, no handler refusals" \
	test "$(stat_sum tx_ring_full)" = 0 -a "$(stat_sum umem_exhausted)" = 0 -a "$(stat_sum handler_zero)" = 0
busy=$(sed -n 's/^xsk_echo: queue=[0-9]* rx=\([0-9]*\) .*/\1/p' "$work/echo1.log" | awk '$1 > 0' | wc -l)
check "all $NQ queues received and answered frames ($busy busy)" test "$busy" = "$NQ"

# fail open: no socket in the map, requests reach the stack again
fb0=$(dp_stat redirect_fallback)
check "driver gone: IPv4 requests get no echo" \
	run_c $PY "$work/client.py" silent 198.18.0.1 3 failopen4
check "driver gone: IPv6 requests get no echo" \
	run_c $PY "$work/client.py" silent 2001:2::1 3 failopen6
sleep 0.3
check "driver gone: IPv4 requests reach the stack's socket (fail open)" \
	test "$(grep -c 'Call-ID: failopen4-' "$work/stack-198.18.0.1")" = 3
check "driver gone: IPv6 requests reach the stack's socket (fail open)" \
	test "$(grep -c 'Call-ID: failopen6-' "$work/stack-2001:2::1")" = 3
fb1=$(dp_stat redirect_fallback)
check "data plane counts 6 redirect fallbacks (${fb0:-?} -> ${fb1:-?})" \
	test "$((fb1 - fb0))" = 6

# ---- phase 2: generic (skb) XDP, ring 64, ASan/LSan build ----
check "sl-ctl detach" nsenter_s "$SLCTL" detach "$IF_S"
check "sl-ctl attach --skb-mode (generic XDP), its responder stopped" \
	attach_quiet -c "$work/sl.conf" --skb-mode
if echo_start "$work/echo2.log" "$ECHO_ASAN" "$IF_S" 120 --skb --ring 64 --verbose; then
	ok "driver (ASan build, --skb, ring 64) started: $(head -n 1 "$work/echo2.log")"
else
	not_ok "driver (ASan build, --skb, ring 64) started" "$(cat "$work/echo2.log")"
fi
echo_checks "generic" 198.18.0.1
echo_checks "generic" 2001:2::1
meta_checks "generic XDP + copy-mode AF_XDP"
client_check "generic, ring 64 (frames reused dozens of times): 3000 requests in a burst all echoed" \
	burst 198.18.0.1 3000 $nsock
echo_stop
rc=$?
check "ASan driver exits 0 after SIGTERM (was $rc)" test "$rc" = 0
check "no ASan/UBSan/LeakSanitizer report after xsk_io_close" san_clean "$work/echo2.log"
sed -n 's/^\(xsk_echo: queue=.*\)/# \1/p' "$work/echo2.log"
check "driver counters: rx = tx = 3006" \
	test "$(stat_sum rx)" = 3006 -a "$(stat_sum tx)" = 3006
check "generic, driver gone: requests reach the stack (fail open)" \
	run_c $PY "$work/client.py" silent 198.18.0.1 2 failopen-skb
sleep 0.3
check "generic, driver gone: both seen by the stack's socket" \
	test "$(grep -c 'Call-ID: failopen-skb-' "$work/stack-198.18.0.1")" = 2

# ---- phase 3: errors are reported, and nothing leaks on the way out ----
out=$(nsenter_s "$ECHO_ASAN" "$IF_S" 1 --queues $((NQ + 1)) 2>&1); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q "queue $NQ: " && san_clean <(echo "$out"); then
	ok "one queue more than the device has: queue $NQ named, cleaned up without leaks"
else
	not_ok "one queue more than the device has: queue $NQ named, cleaned up without leaks" "$rc $out"
fi
out=$(nsenter_s "$ECHO_ASAN" "$IF_S" 1 --ring 100 2>&1); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q "ring size 100" && san_clean <(echo "$out"); then
	ok "bad ring size refused"
else
	not_ok "bad ring size refused" "$rc $out"
fi
out=$(nsenter_s "$ECHO_ASAN" "$IF_S" 1 --frame 1000 2>&1); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q "frame size 1000" && san_clean <(echo "$out"); then
	ok "bad frame size refused"
else
	not_ok "bad frame size refused" "$rc $out"
fi
# the socket of a closed driver is out of the map: the stack gets requests
check "after the failed starts: requests still reach the stack" \
	run_c $PY "$work/client.py" silent 198.18.0.1 1 after-errors
sleep 0.3
check "after the failed starts: seen by the stack's socket" \
	grep -q 'Call-ID: after-errors-' "$work/stack-198.18.0.1"
tap_done
