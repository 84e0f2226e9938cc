# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck shell=bash
#
# What bench/capacity.sh, bench/scale.sh and bench/run.sh share; the
# functions that run things in the namespaces need tests/lib/netns.sh
# (NS_S, IF_S, run_s, nsenter_s, netns_track_pid) sourced too.  Nothing
# here needs more than bash, coreutils, awk and what the caller found
# (ip, jq, kamailio: from the machine or from the kit).
#
#   bench_locate                      BIN, SLCTL, BENCH, XDP_PASS under
#                                     SL_ROOT: a kit's bin/ (make bench-kit;
#                                     its env.sh sourced, Kamailio's modules
#                                     there too) or the tree's build/
#   bench_commit                      the commit measured: a kit's VERSION,
#                                     else git describe
#   bench_kam_cfg CHILDREN MPATH [forward]   Kamailio's config on stdout:
#                                     sl only, the same rules as sl-xdp's;
#                                     forward: sl_forward_reply of responses
#                                     too (480 as 404)
#   bench_kam_start CHILDREN DIR CPUS start it in NS_S (taskset -a CPUS when
#                                     not empty; KAM_FORWARD=1: with reply
#                                     forwarding); KAM_PID
#   bench_kam_stop
#   bench_cpu_ticks CPULIST           "busy total" jiffies of those CPUs
#                                     (/proc/stat: busy = all but idle and
#                                     iowait; softirq included)
#   bench_ns_ticks                    user+system jiffies of every process
#                                     in NS_S (all threads)
#   bench_pin_ns CPULIST              every thread of every process of NS_S
#                                     onto CPULIST
#   bench_sl_conf FILE [LINES]        sl-xdp's config: the same rules
#   bench_rcvbuf_errors               UDP RcvbufErrors of NS_S: datagrams the
#                                     kernel dropped at a full socket buffer
#   bench_json FILE FILTER            jq -r FILTER FILE (0 when unreadable)
#   bench_load                        the 1-minute load average
#   bench_median                      median of the numbers on stdin

bench_locate()
{
	if [ -x "$SL_ROOT/bin/sl-ctl" ]; then
		BIN=$SL_ROOT/bin
		# shellcheck disable=SC1091
		. "$SL_ROOT/env.sh"
		export KAM_MPATH="$BIN/"
	else
		BIN=$SL_ROOT/build
	fi
	SLCTL="$BIN/sl-ctl"
	BENCH="$BIN/sl-bench"
	XDP_PASS="$BIN/xdp_pass.bpf.o"
}

bench_commit()
{
	if [ "$BIN" = "$SL_ROOT/bin" ]; then
		cat "$SL_ROOT/VERSION"
	else
		git -C "$SL_ROOT" describe --always --dirty
	fi 2>/dev/null || echo unknown
}

bench_kam_cfg()
{
	cat <<KCFG
#!KAMAILIO
debug=0
log_stderror=yes
memdbg=5
memlog=5
children=$1
disable_tcp=yes
disable_sctp=yes
auto_aliases=no
dns=no
rev_dns=no
use_dns_cache=off
server_signature=yes
server_header="Server: kamailio"
sip_warning=0
listen=udp:198.18.0.1:5060
mpath="$2"
loadmodule "sl.so"
loadmodule "pv.so"
request_route {
	if (\$rm == "ACK") { drop; }
	if (\$rm == "OPTIONS") { sl_send_reply("200", "OK"); exit; }
	if (\$rm == "REGISTER") { sl_send_reply("403", "Forbidden"); exit; }
	if (\$rm == "INVITE") { sl_send_reply("486", "Busy Here"); exit; }
	sl_send_reply("404", "Not Found");
	exit;
}
KCFG
	[ "${3:-}" = forward ] && cat <<'KFWD'
onreply_route {
	if ($rs == "480") { sl_forward_reply("404", "Not Found"); }
	else { sl_forward_reply(); }
	drop;
}
KFWD
	return 0
}

bench_sl_conf()
{
	cat > "$1" <<CONF
[sl]
ports = 5060
server_header = Server: sl-xdp
tag_addr = 198.18.0.1:5060
ack_window = 2s
default_action = pass
rate_limit = 0                    ; one load generator address: no per-source limit
${2:-}

[rule options]
method = OPTIONS
reply = 200 OK

[rule register]
method = REGISTER
reply = 403 Forbidden

[rule invite]
method = INVITE
reply = 486 Busy Here
CONF
}

KAM_PID=""
bench_kam_start()
{
	local children=$1 dir=$2 cpus=${3:-} mpath i

	mpath=${KAM_MPATH:-/usr/lib/x86_64-linux-gnu/kamailio/modules/}
	bench_kam_cfg "$children" "$mpath" ${KAM_FORWARD:+forward} > "$dir/kam.cfg"
	mkdir -p "$dir/kamrun"
	run_s kamailio -f "$dir/kam.cfg" -DD -E -Y "$dir/kamrun" -m 64 -M 8 \
		> "$dir/kamailio.log" 2>&1 &
	KAM_PID=$!
	netns_track_pid "$KAM_PID"
	for i in $(seq 100); do
		# the UDP socket is up once /proc/net/udp of the namespace has
		# port 5060 (13C4) bound
		if run_s awk 'NR > 1 && $2 ~ /:13C4$/ { f = 1 } END { exit !f }' \
			/proc/net/udp 2>/dev/null; then
			sleep 0.3	# the children
			[ -n "$cpus" ] && bench_pin_ns "$cpus"
			return 0
		fi
		sleep 0.05
	done
	echo "kamailio did not start: $(tail -n 5 "$dir/kamailio.log")" >&2
	return 1
}

bench_kam_stop()
{
	[ -n "$KAM_PID" ] && _netns_kill "$KAM_PID"
	KAM_PID=""
	netns_kill_matching "$NS_S" kamailio
	sleep 0.3
}

bench_cpu_ticks()
{
	awk -v list=",$1," '
		/^cpu[0-9]/ {
			n = substr($1, 4)
			if (index(list, "," n ",")) {
				t = 0	# user .. steal; guest is in user
				for (i = 2; i <= 9 && i <= NF; i++) t += $i
				busy += t - $5 - $6
				total += t
			}
		}
		END { print busy + 0, total + 0 }' /proc/stat
}

bench_ns_ticks()
{
	local p t=0 v

	for p in $(ip netns pids "$NS_S" 2>/dev/null); do
		v=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null)
		t=$((t + ${v:-0}))
	done
	echo "$t"
}

bench_pin_ns()
{
	local p

	for p in $(ip netns pids "$NS_S" 2>/dev/null); do
		taskset -a -p -c "$1" "$p" >/dev/null 2>&1
	done
}

bench_rcvbuf_errors()
{
	run_s awk '/^Udp:/ {
		if (!n++) { for (i = 1; i <= NF; i++) if ($i == "RcvbufErrors") c = i }
		else if (c) v = $c
	} END { print v + 0 }' /proc/net/snmp 2>/dev/null || echo 0
}

bench_json()
{
	jq -r "$2 // 0" "$1" 2>/dev/null || echo 0
}

bench_load()
{
	cut -d' ' -f1 /proc/loadavg
}

bench_median()
{
	sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print 0 }'
}
