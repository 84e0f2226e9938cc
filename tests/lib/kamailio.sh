# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck shell=bash
#
# Kamailio as a reference peer in the server namespace of tests/lib/netns.sh
# (source netns.sh first).
#
#   kamailio_start CFG WORKDIR PORT [kamailio args...]
#       runs kamailio -f CFG in the foreground (-DD) of $NS_S with its log
#       on stderr (-E) in WORKDIR/kamailio.log, tracked for cleanup; waits
#       until it listens on UDP PORT twice (IPv4 and IPv6); prints an
#       ok/not ok line and returns 1 if it did not come up.

kamailio_start()
{
	local cfg=$1 work=$2 port=$3 up=0 desc

	shift 3
	desc="Kamailio $(kamailio -v 2>/dev/null | sed -n 's/^version: kamailio \([0-9.]*\).*/\1/p') listens on udp 198.18.0.1:$port and [2001:2::1]:$port"
	mkdir -p "$work/run"
	run_s kamailio -f "$cfg" -DD -E -Y "$work/run" -m 32 -M 8 "$@" \
		> "$work/kamailio.log" 2>&1 &
	netns_track_pid $!
	for _ in $(seq 100); do
		if [ "$(run_s ss -Hlun 2>/dev/null | grep -c ":$port ")" -ge 2 ]; then
			up=1
			break
		fi
		sleep 0.05
	done
	if [ "$up" -eq 1 ]; then
		ok "$desc"
		return 0
	fi
	not_ok "$desc" "$(tail -n 20 "$work/kamailio.log")"
	return 1
}
