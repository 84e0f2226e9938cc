#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# sl-xdp@.service's hardening, as far as it can be checked without
# systemd running as PID 1 (there is none here):
#  - systemd-analyze verify accepts the unit made from
#    packaging/sl-xdp@.service.in, and systemd-analyze security --offline
#    rates its exposure 3.5 or better with the key directives in force;
#  - sl-ctl attach --foreground, the unit's ExecStart, answers under an
#    emulation of the directives that matter to it: the capability
#    bounding set (setpriv), NoNewPrivileges, SystemCallFilter= and
#    SystemCallErrorNumber=, RestrictAddressFamilies=,
#    MemoryDenyWriteExecute= and SystemCallArchitectures= (a seccomp
#    filter built from systemd-analyze's own group lists,
#    build/unit_seccomp), ProtectSystem=strict with /run/sl-xdp and
#    /sys/fs/bpf writable, PrivateTmp=, ProtectHome=, ProtectProc=invisible
#    and ProcSubset=pid (a mount namespace: the system read-only, tmpfs on
#    /tmp, /home and /root, a procfs with those options); ExecReload and
#    ExecStop run under the same emulation; the responder survives it
#    (no seccomp kill) and says it kept no capability.
# Not emulated: PrivateDevices=, PrivateIPC=, PrivateMounts=,
# ProtectKernel*/ProtectClock/ProtectHostname/ProtectControlGroups=,
# RestrictNamespaces/RestrictRealtime/RestrictSUIDSGID=, LockPersonality=,
# UMask=, LimitMEMLOCK= (none of them touches what sl-ctl does: no device,
# IPC, mount, namespace, realtime, personality call in its trace).
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SL_ROOT/tests/lib/netns.sh"
. "$SL_ROOT/tests/lib/sl.sh"
tap_plan 14
SLCTL="$SL_ROOT/build/sl-ctl"
SECCOMP="$SL_ROOT/build/unit_seccomp"
UDP="/usr/bin/python3 $SL_ROOT/tests/tools/sip_udp.py"

sl_need "$SLCTL" "$SECCOMP"
if ! command -v systemd-analyze >/dev/null 2>&1 || ! command -v setpriv >/dev/null 2>&1; then
	tap_skip_all "systemd-analyze or setpriv missing"
fi
sl_setup "$SLCTL"
sed "s|@SBINDIR@|$SL_ROOT/build|g" "$SL_ROOT/packaging/sl-xdp@.service.in" \
	> "$work/sl-xdp@.service"

# ---- the unit as systemd reads it
check "systemd-analyze verify accepts the unit" \
	bash -c "cd '$work' && systemd-analyze verify --man=no ./sl-xdp@.service"
( cd "$work" && systemd-analyze security --offline=true ./sl-xdp@.service ) \
	> "$work/security.txt" 2>&1
level=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' "$work/security.txt")
check "systemd-analyze security: exposure $level (3.5 or better)" \
	/usr/bin/python3 -c "import sys; sys.exit(not (0 < float('${level:-99}') <= 3.5))"
key_directives() {
	local d bad=0
	for d in 'SystemCallFilter=~@swap' 'SystemCallFilter=~@mount' \
		 'SystemCallFilter=~@module' 'SystemCallArchitectures=' \
		 'MemoryDenyWriteExecute=' 'NoNewPrivileges=' 'ProtectProc=' \
		 'ProcSubset=' 'ProtectHome=' 'PrivateTmp=' 'UMask=' \
		 'CapabilityBoundingSet=~CAP_SYS_MODULE' 'RestrictAddressFamilies=~AF_PACKET' \
		 'LockPersonality=' 'RestrictNamespaces=~user'; do
		grep -q "✓ $d" "$work/security.txt" || { echo "not in force: $d"; bad=1; }
	done
	return $bad
}
check "... the key directives are in force" key_directives

# ---- attach --foreground under the directives
# SystemCallFilter=@system-service bpf seccomp, expanded as systemd does
syscalls=$(/usr/bin/python3 - <<'PY'
import subprocess
out = subprocess.run(["systemd-analyze", "syscall-filter"], capture_output=True,
                     text=True).stdout
groups, cur = {}, None
for line in out.splitlines():
    if line.startswith("@"):
        cur = line.strip()
        groups[cur] = []
    elif cur and line.strip() and not line.strip().startswith("#"):
        groups[cur].append(line.strip())
def expand(g, seen):
    res = set()
    for x in groups.get(g, []):
        if x.startswith("@"):
            if x not in seen:
                seen.add(x)
                res |= expand(x, seen)
        else:
            res.add(x)
    return res
print(",".join(sorted(expand("@system-service", set()) | {"bpf", "seccomp"})))
PY
)
families=AF_UNIX,AF_NETLINK,AF_INET,AF_INET6,AF_XDP
bounding=-all,+bpf,+perfmon,+net_admin,+sys_admin,+net_raw,+ipc_lock,+setpcap
conf_dir=$(mktemp -d /run/slx-unit.XXXXXX)
netns_defer "rm -rf '$conf_dir'"
sl_conf "$conf_dir/sl.conf"
mkdir -p /run/sl-xdp
# as systemd would run CMD: mount namespace (ProtectSystem=strict,
# ReadWritePaths=, RuntimeDirectory=, PrivateTmp=, ProtectHome=,
# ProtectProc=, ProcSubset=), then the bounding set, no_new_privs and
# the seccomp filter
cat > "$work/unit-run.sh" <<EOF
set -e
mount --make-rslave /
findmnt -rno TARGET | sort -u | while read -r m; do
	case "\$m" in /dev|/dev/*|/proc|/proc/*|/sys|/sys/*) continue ;; esac
	mount -o remount,bind,ro "\$m" 2>/dev/null || true
done
mount --bind /run/sl-xdp /run/sl-xdp
mount -o remount,bind,rw /run/sl-xdp
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o ro tmpfs /home
mount -t tmpfs -o ro tmpfs /root
mount -t proc -o hidepid=invisible,subset=pid proc /proc
exec setpriv --bounding-set $bounding --no-new-privs -- \\
	"$SECCOMP" -s "$syscalls" -f $families -w -- "\$@"
EOF
unit() { nsenter --net="/run/netns/$NS_S" -- unshare -m -- /bin/bash "$work/unit-run.sh" "$@"; }
# the emulation bites: no write to /etc, no mount(2), no /proc/uptime,
# no AF_PACKET socket, no CAP_SYS_MODULE; while a plain command runs
bites() {
	unit /bin/true || { echo "a plain command does not run"; return 1; }
	! unit /bin/sh -c 'echo x > /etc/slx-unit-probe' 2>/dev/null &&
	! unit /bin/mount -t tmpfs none /mnt 2>/dev/null &&
	! unit /bin/cat /proc/uptime >/dev/null 2>&1 &&
	! unit /usr/bin/python3 -c 'import socket; socket.socket(socket.AF_PACKET, socket.SOCK_RAW)' 2>/dev/null &&
	unit /bin/grep -q '^NoNewPrivs:.*1' /proc/self/status || return 1
	# the bounding set: CAP_BPF (39) kept, CAP_SYS_MODULE (16) gone
	bnd=$(unit /bin/sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status)
	echo "CapBnd $bnd"
	[ -n "$bnd" ] && [ $(( (0x$bnd >> 39) & 1 )) = 1 ] &&
		[ $(( (0x$bnd >> 16) & 1 )) = 0 ]
}
check "the emulation holds: no write to /etc, no mount, no /proc/uptime, no AF_PACKET, no_new_privs, the bounding set" bites

unit "$SLCTL" attach "$IF_S" -c "$conf_dir/sl.conf" --foreground > "$work/fg.out" 2>&1 &
fg=$!
netns_track_pid $fg
for _ in $(seq 200); do
	grep -q "answering on" "$work/fg.out" 2>/dev/null && break
	kill -0 "$fg" 2>/dev/null || break
	sleep 0.1
done
check "ExecStart (attach --foreground) under the emulated unit: answering" \
	grep -q "answering on $IF_S" "$work/fg.out" || { cat "$work/fg.out"; tap_done; }
check "... with no capabilities left (or CAP_BPF only, where the kernel needs it)" \
	grep -qE "no capabilities|no capability but CAP_BPF" "$work/fg.out"
r=$(run_c $UDP ping 198.18.0.1 5060 20 100)
check "answers: 20 of 20 OPTIONS" grep -q '"answered": 20' <<<"$r"
check "the pins are visible outside the unit: sl-ctl stats" \
	bash -c "nsenter --net=/run/netns/$NS_S '$SLCTL' stats '$IF_S' | grep -qx 'sl:200_replies = 20'"
sed -i 's/^reply = 200 OK$/reply = 200 Fine/' "$conf_dir/sl.conf"
check "ExecReload (sl-ctl reload) under the emulated unit" unit "$SLCTL" reload "$IF_S"
r=$(run_c $UDP ping 198.18.0.1 5060 5 100)
check "... the new rule set answers: 200 Fine" grep -q '"SIP/2.0 200 Fine": 5' <<<"$r"
pid=$(head -n1 "/run/sl-xdp/$IF_S.pid" 2>/dev/null)
check "the responder (pid $pid) alive, no seccomp kill of it in the kernel log" \
	bash -c "[ -n '$pid' ] && kill -0 '$pid' && ! dmesg | grep 'type=1326' | grep -q ' pid=$pid '"
check "ExecStop (sl-ctl detach) under the emulated unit" unit "$SLCTL" detach "$IF_S"
for _ in $(seq 50); do kill -0 "$fg" 2>/dev/null || break; sleep 0.1; done
wait "$fg"
rc=$?
check "... the foreground attach ended with status 0 ($rc)" test "$rc" = 0
check "... nothing of sl-xdp left on $IF_S" sl_nothing_left "$pid"
tap_done
