# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck shell=bash
#
# Network-namespace fixture and the TAP helpers for tests/e2e/test_*.sh.
#
#   . "$(dirname "$0")/../lib/netns.sh"
#   tap_plan 12                      # FIRST: this script reports 12 results
#   netns_setup                      # NS_S, NS_C, IF_S, IF_C; cleanup trap set
#   run_s CMD...  / run_c CMD...     # ip netns exec in the server / client ns
#   nsenter_s CMD... / nsenter_c     # same via nsenter --net (keeps the host
#                                    # /sys, so bpffs pins work: use for sl-ctl)
#   CMD & netns_track_pid $!         # killed at cleanup
#   netns_defer "shell code"         # run at cleanup, last registered first
#   ok "desc" / not_ok "desc" [diag...] / skip "desc" "reason" /
#   check "desc" CMD...              # check returns CMD's exit status
#   tap_done                         # the tally; exit 1 if anything failed,
#                                    # nothing passed or the plan was missed
#
# The TAP helpers live in tests/lib/tap.sh, sourced here; read its header
# for the rules tests/run_tests.sh enforces.  In short: every script
# declares its plan with tap_plan N at the top and ends through tap_done;
# the runner counts only what ok/not_ok/skip/check record (not "ok -"
# lines in the log), fails a script whose count of results differs from
# its plan or whose own tally differs from the runner's, counts skips as
# skipped, and fails a script that skipped everything (tap_skip_all).
# Negative checks ("X never reached the stack") need a positive control
# right after them (the same listener did receive something it should),
# or they also pass when the listener died.
#
# Server side: $IF_S in $NS_S, 198.18.0.1/24 and 2001:2::1/64.
# Client side: $IF_C in $NS_C, 198.18.0.2/24 and 2001:2::2/64.
# NETNS_QUEUES=N before netns_setup: both veth ends are created with N RX
# and TX queues (default: the kernel's, one per possible CPU), so that
# ethtool -L can set up to N whatever the machine.
# Both ends have tx checksum offload off, so frames carry real checksums
# (what AF_XDP and XDP see).  No XDP program is attached here.
#
# netns_cleanup runs on EXIT, INT and TERM, pass or fail; it is quiet and
# may run more than once.

. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"

NETNS_ADDR_S=198.18.0.1
NETNS_ADDR_C=198.18.0.2
NETNS_ADDR6_S=2001:2::1
NETNS_ADDR6_C=2001:2::2

NS_S=""
NS_C=""
IF_S=""
IF_C=""
NETNS_PIDS=()
NETNS_DEFERRED=()
NETNS_OWN_S=0
NETNS_OWN_C=0

netns_track_pid()
{
	NETNS_PIDS+=("$@")
}

netns_defer()
{
	NETNS_DEFERRED+=("$1")
}

run_s()
{
	ip netns exec "$NS_S" "$@"
}

run_c()
{
	ip netns exec "$NS_C" "$@"
}

# ip netns exec mounts a fresh /sys for every call, which hides the host
# bpffs; nsenter only switches the network namespace.
nsenter_s()
{
	nsenter --net="/run/netns/$NS_S" -- "$@"
}

nsenter_c()
{
	nsenter --net="/run/netns/$NS_C" -- "$@"
}

# Kill the processes in namespace NS whose command line matches PATTERN
# (pkill would reach other tests' processes too).
netns_kill_matching()
{
	local ns=$1 pat=$2 p
	for p in $(ip netns pids "$ns" 2>/dev/null); do
		tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | grep -q -- "$pat" &&
			kill "$p" 2>/dev/null
	done
	return 0
}

_netns_run()
{
	local what=$1

	shift
	"$@" >/dev/null 2>&1 && return 0
	echo "netns_setup: $what failed: $*" >&2
	return 1
}

netns_setup()
{
	local id q

	# $$ (<= 7 digits) + 3 hex digits: "slx-s" + id fits IFNAMSIZ (15).
	printf -v id '%s%03x' "$$" $((RANDOM % 4096))
	NS_S=slx-$id-s
	NS_C=slx-$id-c
	IF_S=slx-s$id
	IF_C=slx-c$id
	export NS_S NS_C IF_S IF_C

	# Before anything exists, so a failure half-way is cleaned up too.
	trap netns_cleanup EXIT
	trap 'netns_cleanup; trap - INT; kill -INT $$' INT
	trap 'netns_cleanup; exit 143' TERM

	_netns_run "creating namespace $NS_S" ip netns add "$NS_S" || return 1
	NETNS_OWN_S=1
	_netns_run "creating namespace $NS_C" ip netns add "$NS_C" || return 1
	NETNS_OWN_C=1
	# NETNS_QUEUES: that many queues on both ends, whatever the CPUs
	q=()
	[ -n "${NETNS_QUEUES:-}" ] &&
		q=(numtxqueues "$NETNS_QUEUES" numrxqueues "$NETNS_QUEUES")
	_netns_run "creating veth $IF_S/$IF_C" \
		ip link add "$IF_S" "${q[@]}" netns "$NS_S" type veth \
		peer name "$IF_C" "${q[@]}" netns "$NS_C" || return 1

	_netns_run "address on $IF_S" ip -n "$NS_S" addr add \
		"$NETNS_ADDR_S/24" dev "$IF_S" || return 1
	_netns_run "address on $IF_C" ip -n "$NS_C" addr add \
		"$NETNS_ADDR_C/24" dev "$IF_C" || return 1
	_netns_run "IPv6 address on $IF_S" ip -n "$NS_S" -6 addr add \
		"$NETNS_ADDR6_S/64" dev "$IF_S" nodad || return 1
	_netns_run "IPv6 address on $IF_C" ip -n "$NS_C" -6 addr add \
		"$NETNS_ADDR6_C/64" dev "$IF_C" nodad || return 1

	_netns_run "tx offload off on $IF_S" \
		ip netns exec "$NS_S" ethtool -K "$IF_S" tx off || return 1
	_netns_run "tx offload off on $IF_C" \
		ip netns exec "$NS_C" ethtool -K "$IF_C" tx off || return 1

	_netns_run "lo up in $NS_S" ip -n "$NS_S" link set lo up || return 1
	_netns_run "lo up in $NS_C" ip -n "$NS_C" link set lo up || return 1
	_netns_run "$IF_S up" ip -n "$NS_S" link set "$IF_S" up || return 1
	_netns_run "$IF_C up" ip -n "$NS_C" link set "$IF_C" up || return 1
	return 0
}

# PIDs and all their descendants, parents first (a backgrounded function
# is a subshell whose child is the real program).  Killing the parent
# first keeps bash from reporting its child's death.
_netns_with_descendants()
{
	[ $# -gt 0 ] || return 0
	ps -e -o pid=,ppid= | awk -v roots="$*" '
		{ parent[$1] = $2; order[NR] = $1 }
		END {
			n = split(roots, r, " ")
			for (i = 1; i <= n; i++)
				if (!(r[i] in want)) { want[r[i]] = 1; out[++k] = r[i] }
			for (j = 1; j <= k; j++)
				for (i = 1; i in order; i++) {
					p = order[i]
					if (parent[p] == out[j] && !(p in want)) {
						want[p] = 1
						out[++k] = p
					}
				}
			for (j = 1; j <= k; j++)
				print out[j]
		}'
}

# Kill PIDs: TERM, up to 2 s of grace, then KILL.
_netns_kill()
{
	local pid i alive pids

	[ $# -gt 0 ] || return 0
	pids=$(_netns_with_descendants "$@")
	for pid in $pids; do
		# disowned: bash does not report the job's death
		disown "$pid" 2>/dev/null
		kill -TERM "$pid" 2>/dev/null
	done
	for i in $(seq 20); do
		alive=0
		for pid in $pids; do
			kill -0 "$pid" 2>/dev/null && alive=1
		done
		[ "$alive" -eq 0 ] && return 0
		sleep 0.1
	done
	for pid in $pids; do
		kill -KILL "$pid" 2>/dev/null
	done
	return 0
}

# XDP program ids on IF in NS, one per line.
_netns_xdp_ids()
{
	ip -n "$1" -d link show dev "$2" 2>/dev/null |
		sed -nE 's/.*prog\/xdp[a-z]* id ([0-9]+).*/\1/p'
}

_netns_cleanup_side()
{
	local ns=$1 ifname=$2 id

	[ -e "/run/netns/$ns" ] || return 0
	# anything still running inside (a daemonised responder, say) holds
	# the namespace and its AF_XDP sockets
	# shellcheck disable=SC2046
	_netns_kill $(ip netns pids "$ns" 2>/dev/null)
	for id in $(_netns_xdp_ids "$ns" "$ifname"); do
		# libxdp keeps a dispatcher pinned per attached program
		rm -rf /sys/fs/bpf/xdp/dispatch-*-"$id"
	done
	ip -n "$ns" link set dev "$ifname" xdpgeneric off 2>/dev/null
	ip -n "$ns" link set dev "$ifname" xdpdrv off 2>/dev/null
	ip -n "$ns" link del dev "$ifname" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
}

# Runs in an || list: set -e of the test script does not apply here.
_netns_cleanup_all()
{
	local i

	# last registered first, like a stack of defers
	for ((i = ${#NETNS_DEFERRED[@]} - 1; i >= 0; i--)); do
		eval "${NETNS_DEFERRED[i]}" >/dev/null 2>&1
	done
	NETNS_DEFERRED=()
	_netns_kill "${NETNS_PIDS[@]}"
	NETNS_PIDS=()
	# only what this script created: a name clash must not remove
	# another test's namespace
	if [ "$NETNS_OWN_S" -eq 1 ]; then
		_netns_cleanup_side "$NS_S" "$IF_S"
		rm -rf "/sys/fs/bpf/sl-xdp/$IF_S"
		NETNS_OWN_S=0
	fi
	if [ "$NETNS_OWN_C" -eq 1 ]; then
		_netns_cleanup_side "$NS_C" "$IF_C"
		rm -rf "/sys/fs/bpf/sl-xdp/$IF_C"
		NETNS_OWN_C=0
	fi
}

netns_cleanup()
{
	_netns_cleanup_all >/dev/null 2>&1 || true
}
