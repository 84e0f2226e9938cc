#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# The Debian package (make deb) end to end: built from this tree into a
# temporary directory, its metadata (version = VERSION, Depends only
# shared libraries, the conffile) and files, lintian clean (errors and
# warnings; the documented overrides in debian/ allowed); then installed
# with dpkg into a fresh root: a minimal Debian made by debootstrap from
# the host's apt mirror with nothing but the package's Depends added (so
# the installed sl-ctl runs with only what Depends pulls in).  There the
# installed sl-ctl answers --help and --version, iproute2 loads the
# installed XDP object on a veth in a namespace, the installed sl-ctl takes
# it over with the installed configuration and answers OPTIONS.  The
# maintainer scripts meet a stand-in systemctl: install enables and starts
# nothing, removal stops the running sl-xdp@ instances and leaves the
# interface attached by hand alone; after removal nothing is left but the
# conffile; a reinstall keeps an edited conffile and try-restarts running
# instances; purge leaves nothing at all.
#
# Without debootstrap or a reachable mirror (SL_DEB_ROOT=host forces it)
# the package goes onto this machine (dpkg -i, then dpkg -P), only if no
# sl-xdp is installed here, and the systemd checks are skipped.
# SL_DEB_MIRROR overrides the mirror (default: the host's apt source for
# its release).  1.5 to 3 minutes: debootstrap (downloading and unpacking
# a minimal Debian) takes half or more, make deb about 25 s.
#
# Everything runs in a private mount namespace with its own bpffs: the
# pins (iproute2's and sl-ctl's) never reach the host's /sys/fs/bpf and
# vanish with the namespace.
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SL_ROOT/tests/lib/netns.sh"
UDP="/usr/bin/python3 $SL_ROOT/tests/tools/sip_udp.py"
t_start=$(date +%s)

VERSION=$(cat "$SL_ROOT/VERSION")
TRIPLET=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
ARCH=$(dpkg --print-architecture)
SBIN=/usr/sbin/sl-ctl
OBJ=/usr/lib/$TRIPLET/sl-xdp/sl_xdp.bpf.o
UNIT=/lib/systemd/system/sl-xdp@.service
MUNIT=/lib/systemd/system/sl-xdp-metrics@.service
MAN=/usr/share/man/man8/sl-ctl.8.gz
EXDIR=/usr/share/doc/sl-xdp/examples
CONF=/etc/sl-xdp/sl-xdp.conf
FAKE_UNIT=sl-xdp@eth7.service	# the "running instance" the stand-in systemctl lists

for tool in dpkg-buildpackage dh lintian; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		not_ok "$tool is installed (make deps installs it)"
		tap_done
	fi
done
if [ ! -f "$SL_ROOT/build/xdp_pass.bpf.o" ]; then
	not_ok "build/xdp_pass.bpf.o exists (run 'make' first)"
	tap_done
fi

netns_setup || { not_ok "network namespaces"; tap_done; }
tmp=$(mktemp -d /tmp/slx-deb.XXXXXX) || exit 1
R=$tmp/root		# the fresh root (host mode: /)
holder=""		# the process holding the private mount namespace
host_installed=0	# host mode: the package is on this machine

# Cleanup, pass or fail (netns_cleanup runs the deferred commands first,
# then kills the tracked pids and removes the namespaces).
cleanup_deb()
{
	local p

	if [ "$host_installed" -eq 1 ]; then
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin dpkg -P sl-xdp >/dev/null 2>&1
	fi
	# whatever still runs inside the fresh root (the responder)
	if [ "$R" != / ]; then
		for p in /proc/[0-9]*; do
			[ "$(readlink "$p/root" 2>/dev/null)" = "$R" ] && kill -KILL "${p#/proc/}" 2>/dev/null
		done
	fi
	[ -n "$holder" ] && kill -KILL "$holder" 2>/dev/null
	sleep 0.2
	# Every mount is made in a private mount namespace (debootstrap's
	# too): here these are plain directories.  Should one show here all
	# the same, unmount it; --one-file-system in any case.
	awk -v t="$tmp/" 'index($2, t) == 1 { print $2 }' /proc/self/mounts | sort -r |
		while read -r m; do umount -l "$m"; done
	# A whole root takes seconds to remove on a busy disk, more than the
	# runner allows after a signal (timeout -k 10 kills the process
	# group): a session of its own removes it.  At the normal end of the
	# test the root is already gone.
	setsid rm -rf --one-file-system "$tmp" </dev/null >/dev/null 2>&1 &
}
netns_defer cleanup_deb

mk()	# make with nothing of a surrounding make (make test)
{
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -C "$SL_ROOT" "$@"
}

# ---- build
t0=$(date +%s)
build_deb() { mk deb DEB_DIR="$tmp/deb" DEB_OUT="$tmp/out" >"$tmp/build.log" 2>&1; }
if ! check "make deb (in a temporary directory)" build_deb; then
	tail -n 30 "$tmp/build.log" | sed 's/^/#   /'
	tap_done
fi
echo "# make deb: $(($(date +%s) - t0)) s"
DEB=$tmp/out/sl-xdp_${VERSION}_$ARCH.deb
check "the package is named for VERSION ($VERSION) and the architecture" test -f "$DEB" || tap_done
field() { dpkg-deb -f "$DEB" "$1"; }

# ---- metadata and contents
check "Version: $VERSION (from VERSION)" test "$(field Version)" = "$VERSION"
depends_ok()
{
	local d
	d=$(field Depends | tr ',' '\n' | sed -E 's/\(.*\)//; s/\|.*//; s/^ +//; s/ +$//' | grep -v '^$')
	echo "Depends: $d"
	[ -n "$d" ] && ! printf '%s\n' "$d" | grep -vE '^lib[a-z0-9.+-]+$' &&
		printf '%s\n' "$d" | grep -qx libbpf1 && printf '%s\n' "$d" | grep -qx libxdp1
}
check "Depends: shared libraries only (libbpf1, libxdp1, ...)" depends_ok
check "no Pre-Depends, Recommends" test -z "$(field Pre-Depends)$(field Recommends)"
dpkg-deb -c "$DEB" | awk '{ print $1, $NF }' | sed 's| \./| /|' > "$tmp/contents"
has()	# MODE PATH
{
	grep -qx -- "$1 $2" "$tmp/contents" || { grep -F -- "$2" "$tmp/contents"; return 1; }
}
check "$SBIN, mode 755" has -rwxr-xr-x "$SBIN"
check "the XDP object in $(dirname "$OBJ")/" has -rw-r--r-- "$OBJ"
check "$UNIT" has -rw-r--r-- "$UNIT"
check "$MUNIT" has -rw-r--r-- "$MUNIT"
check "$MAN" has -rw-r--r-- "$MAN"
check "$CONF" has -rw-r--r-- "$CONF"
for f in "$SL_ROOT"/examples/*.conf; do
	check "example $(basename "$f") in $EXDIR (not compressed)" has -rw-r--r-- "$EXDIR/$(basename "$f")"
done
check "/usr/share/doc/sl-xdp/copyright" has -rw-r--r-- /usr/share/doc/sl-xdp/copyright
check "conffiles: $CONF only" \
	bash -c "dpkg-deb --ctrl-tarfile '$DEB' | tar -xO ./conffiles | grep -vx '' | tee /dev/stderr | grep -qx '$CONF' &&
		test \$(dpkg-deb --ctrl-tarfile '$DEB' | tar -xO ./conffiles | grep -c .) -eq 1"
lintian_ok()
{
	# as root lintian says so on stderr; anything else it says is a tag
	lintian --fail-on error,warning "$tmp/out/sl-xdp_${VERSION}_$ARCH.changes" 2>&1 |
		grep -v 'running with root privileges' | tee "$tmp/lintian.out"
	[ "${PIPESTATUS[0]}" -eq 0 ] && ! grep -qE '^[EW]: ' "$tmp/lintian.out"
}
check "lintian: no error, no warning (overrides documented in debian/)" lintian_ok

# ---- a fresh root
mode=${SL_DEB_ROOT:-auto}
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
mirror=${SL_DEB_MIRROR:-$(apt-cache policy 2>/dev/null |
	awk -v c="$codename" '$3 == c "/main" && $2 ~ /^https?:/ { print $2; exit }')}
mirror=${mirror:-http://deb.debian.org/debian}
includes=$(field Depends | tr ',' '\n' | sed -E 's/\(.*\)//; s/\|.*//; s/ //g' | grep -v '^$' | paste -sd, -)
if [ "$mode" != host ]; then
	if ! command -v debootstrap >/dev/null 2>&1; then
		echo "# debootstrap not installed"
		mode=host
	else
		t0=$(date +%s)
		# its own mount namespace: the proc and sys it mounts in the
		# root go away with it, even when it is killed
		if unshare --mount --propagation private -- \
			debootstrap --variant=minbase --include="$includes" "$codename" "$R" "$mirror" \
			>"$tmp/debootstrap.log" 2>&1; then
			ok "debootstrap --variant=minbase $codename from $mirror, plus Depends ($includes)"
			echo "# debootstrap: $(($(date +%s) - t0)) s"
			mode=chroot
		else
			tail -n 5 "$tmp/debootstrap.log" | sed 's/^/# debootstrap: /'
			if [ "$mode" = chroot ]; then
				not_ok "debootstrap from $mirror (SL_DEB_ROOT=chroot)"
				tap_done
			fi
			mode=host
		fi
	fi
fi
if [ "$mode" = host ]; then
	R=/
	if dpkg-query -W sl-xdp >/dev/null 2>&1 || [ -e "$SBIN" ] || [ -e /etc/sl-xdp ] ||
		[ -e "$(dirname "$OBJ")" ] || [ -e "$UNIT" ]; then
		not_ok "no fresh root (debootstrap failed) and this machine has sl-xdp already: not installing over it"
		tap_done
	fi
	echo "# no fresh root: installing on this machine (dpkg -i, then dpkg -P)"
fi
# The plan, now that the kind of root is known: 14 checks of the
# package plus one per example file before this point (and the
# debootstrap one), then 34 in a fresh root or 28 on this machine.
n_examples=$(find "$SL_ROOT/examples" -maxdepth 1 -name '*.conf' | wc -l)
if [ "$mode" = chroot ]; then
	tap_plan $((14 + n_examples + 1 + 34))
else
	tap_plan $((14 + n_examples + 28))
fi
P=${R%/}	# prefix of the root's paths as seen from here

# A private mount namespace: its own bpffs on /sys/fs/bpf; in the fresh
# root, /sys (with that bpffs), /proc and /dev.
unshare --mount --propagation private -- /bin/sh -c '
	R=$1
	mount -t bpf bpf /sys/fs/bpf || exit 1
	if [ "$R" != / ]; then
		mount --rbind /sys "$R/sys" && mount -t proc proc "$R/proc" &&
			mount --rbind /dev "$R/dev" || exit 1
	fi
	: > "$2"
	exec sleep 1000000' sh "$R" "$tmp/ready" &
holder=$!
netns_track_pid "$holder"
holder_ready()
{
	local i
	for i in $(seq 100); do
		[ -e "$tmp/ready" ] && return 0
		kill -0 "$holder" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
check "private mount namespace with its own bpffs" holder_ready || tap_done
in_ns()		# CMD...: in the private mount namespace and the server's netns
{
	nsenter --mount="/proc/$holder/ns/mnt" --net="/run/netns/$NS_S" -- "$@"
}
in_root()	# CMD...: the same, chrooted into the fresh root, clean environment
{
	in_ns chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		LC_ALL=C DEBIAN_FRONTEND=noninteractive "$@"
}

# The maintainer scripts run systemd's paths when /run/systemd/system
# exists: in the fresh root a stand-in systemctl logs what it is asked and
# lists $FAKE_UNIT as running.
systemd_checks=0
if [ "$mode" = chroot ]; then
	mkdir -p "$R/run/systemd/system"
	cat > "$R/usr/bin/systemctl" <<EOF
#!/bin/sh
# stand-in for systemctl (tests/e2e/test_deb.sh)
echo "\$*" >> /tmp/systemctl.log
case " \$* " in
*" list-units "*) echo "$FAKE_UNIT loaded active running sl-xdp on eth7" ;;
esac
exit 0
EOF
	chmod 755 "$R/usr/bin/systemctl"
	systemd_checks=1
fi

# files of the root, dpkg's and the kernel's own places left out
snapshot()
{
	[ "$mode" = chroot ] || return 0
	(cd "$R" && find . \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./run \
		-o -path ./tmp -o -path ./var/lib/dpkg -o -path ./var/log -o -path ./var/cache \) -prune \
		-o -print | sort)
}
snapshot > "$tmp/before"
# the package where dpkg in the root finds it (host mode: in $tmp)
if [ "$mode" = chroot ]; then DEB_IN=/tmp/sl-xdp.deb; else DEB_IN=$tmp/sl-xdp.deb; fi
cp "$DEB" "$P$DEB_IN"
if [ "$mode" = host ]; then
	host_installed=1
	check "dpkg -i on this machine" in_root dpkg -i "$DEB_IN" || tap_done
else
	check "dpkg -i in the fresh root: Depends satisfied by what debootstrap pulled in" \
		in_root dpkg -i "$DEB_IN" || tap_done
fi
check "installed: dpkg-query says $VERSION" \
	test "$(in_root dpkg-query -W -f '${Status} ${Version}' sl-xdp)" = "install ok installed $VERSION"
if [ "$systemd_checks" -eq 1 ]; then
	check "install: systemctl asked for daemon-reload only (nothing enabled or started)" \
		bash -c "test \"\$(cat '$P/tmp/systemctl.log')\" = '--system daemon-reload'"
	check "install: no unit enabled" \
		bash -c "! ls '$P'/etc/systemd/system/*.wants/sl-xdp* 2>/dev/null | grep ."
fi

# ---- the installed sl-ctl
help_ok() { in_root "$SBIN" --help | grep -q 'usage: sl-ctl attach'; }
check "installed sl-ctl --help (runs with the package's Depends only)" help_ok
check "installed sl-ctl --version: sl-ctl (sl-xdp) $VERSION" \
	test "$(in_root $SBIN --version)" = "sl-ctl (sl-xdp) $VERSION"
embedded()	# the object sl-ctl has built in (skeleton) is the installed file
{
	/usr/bin/python3 -c 'import sys; o = open(sys.argv[1], "rb").read(); b = open(sys.argv[2], "rb").read(); sys.exit(0 if o in b else 1)' \
		"$P$OBJ" "$P$SBIN"
}
check "the installed object is the one built into the installed sl-ctl" embedded
check "the installed unit runs the installed sl-ctl" grep -qx "ExecStop=$SBIN detach %I" "$P$UNIT"
check "the installed man page names the installed object" \
	bash -c "zcat '$P$MAN' | grep -qx '.ds ol /usr/lib/${TRIPLET//-/\\\\-}/sl\\\\-xdp'"

# ---- attach the installed object on a veth, the installed sl-ctl answers
check "client end: xdp_pass (frames from the responder need an XDP peer)" \
	nsenter_c ip link set dev "$IF_C" xdp obj "$SL_ROOT/build/xdp_pass.bpf.o" sec xdp
prog_id() { ip -n "$NS_S" -d link show dev "$IF_S" | sed -nE 's/.*prog\/xdp[a-z]* id ([0-9]+).*/\1/p' | head -n 1; }
check "iproute2 loads the installed object ($OBJ)" \
	in_ns ip link set dev "$IF_S" xdp obj "$P$OBJ" sec xdp
id_ip=$(prog_id)
check "installed sl-ctl attach $IF_S with the installed $CONF" in_root "$SBIN" attach "$IF_S"
check "... took over the program iproute2 loaded (same program id $id_ip)" \
	test -n "$id_ip" -a "$(prog_id)" = "$id_ip"
r=$(run_c $UDP ping "$NETNS_ADDR_S" 5060 20 200)
echo "# ping: $r"
check "OPTIONS answered: 20 of 20, 200 OK" \
	test "$(echo "$r" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["answered"], list(d["shapes"]))')" = "20 ['SIP/2.0 200 OK']"
status_ok() { in_root "$SBIN" status "$IF_S" | grep -q 'responder: pid'; }
check "installed sl-ctl status: responder running" status_ok

# ---- remove
[ "$systemd_checks" -eq 1 ] && : > "$P/tmp/systemctl.log"
dpkg -c "$DEB" | awk '{ print $NF }' | sed 's|^\./|/|; s|/$||' | grep -v '^$' | grep -vx / > "$tmp/paths"
in_root dpkg -r sl-xdp > "$tmp/dpkg-r.log" 2>&1
check "dpkg -r sl-xdp" test $? -eq 0 || sed 's/^/#   /' "$tmp/dpkg-r.log"
if [ "$systemd_checks" -eq 1 ]; then
	check "removal: the running instance stopped (deb-systemd-invoke stop $FAKE_UNIT)" \
		bash -c "grep -qx 'stop $FAKE_UNIT' '$P/tmp/systemctl.log' || { cat '$P/tmp/systemctl.log'; exit 1; }"
	check "removal: nothing else stopped, started or disabled" \
		bash -c "! grep -vE '^(list-units --plain --no-legend sl-xdp@\*\.service sl-xdp-metrics@\*\.service|stop $FAKE_UNIT|--system daemon-reload)\$' '$P/tmp/systemctl.log'"
fi
check "removal: says the interface attached by hand stays attached" grep -q "still attached on $IF_S" "$tmp/dpkg-r.log"
check "removal detached nothing it did not start: the program is still on $IF_S" \
	test "$(prog_id)" = "$id_ip"
r=$(run_c $UDP ping "$NETNS_ADDR_S" 5060 5 200)
check "... and the responder still answers (5 of 5)" \
	test "$(echo "$r" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["answered"])')" = 5
check "removed: dpkg says config-files" \
	test "$(in_root dpkg-query -W -f '${Status}' sl-xdp)" = "deinstall ok config-files"
left_after_remove()
{
	local p bad=0
	while read -r p; do
		[ "$p" = "$CONF" ] && continue
		[ "$p" = /etc/sl-xdp ] && continue
		# directories: the whole-root comparison below (chroot) or
		# the check after this one (host)
		if [ -e "$P$p" ] && [ ! -d "$P$p" ]; then
			echo "left: $p"
			bad=1
		fi
	done < "$tmp/paths"
	return $bad
}
check "removed: every file of the package gone but the conffile" left_after_remove
if [ "$mode" = host ]; then
	check "removed: its directories gone" \
		test ! -e "$(dirname "$OBJ")" -a ! -e /usr/share/doc/sl-xdp
fi
check "removed: the conffile $CONF kept" test -f "$P$CONF"
if [ "$mode" = chroot ]; then
	only_conf_new()
	{
		local new
		new=$(snapshot | comm -13 "$tmp/before" -)
		echo "$new"
		[ "$new" = "$(printf './etc/sl-xdp\n./etc/sl-xdp/sl-xdp.conf')" ]
	}
	check "removed: the root holds nothing new but /etc/sl-xdp/sl-xdp.conf" only_conf_new
fi

# ---- reinstall over the kept configuration, then purge
echo "; edited by the admin" >> "$P$CONF"
cp "$P$CONF" "$tmp/conf.edited"
if [ "$systemd_checks" -eq 1 ]; then
	: > "$P/tmp/systemctl.log"
	# what 'systemctl enable sl-xdp@eth7' leaves (purge removes it)
	mkdir -p "$P/etc/systemd/system/multi-user.target.wants"
	ln -s "$UNIT" "$P/etc/systemd/system/multi-user.target.wants/$FAKE_UNIT"
fi
check "dpkg -i again (over the kept conffile)" in_root dpkg -i "$DEB_IN"
check "reinstall kept the edited conffile" cmp "$tmp/conf.edited" "$P$CONF"
if [ "$systemd_checks" -eq 1 ]; then
	check "reinstall (an upgrade): the running instance try-restarted, nothing started" \
		bash -c "grep -qx 'try-restart $FAKE_UNIT' '$P/tmp/systemctl.log' &&
			! grep -qE '^(start|enable|restart) ' '$P/tmp/systemctl.log' || { cat '$P/tmp/systemctl.log'; exit 1; }"
fi
check "dpkg -P sl-xdp" in_root dpkg -P sl-xdp
host_installed=0
purged_ok() { ! in_root dpkg-query -W -f '${Status}' sl-xdp 2>/dev/null | grep -q ok; }
check "purged: dpkg no longer knows sl-xdp" purged_ok
check "purged: /etc/sl-xdp gone" test ! -e "$P/etc/sl-xdp"
if [ "$systemd_checks" -eq 1 ]; then
	check "purged: the 'systemctl enable' link of the removed unit gone" \
		test ! -L "$P/etc/systemd/system/multi-user.target.wants/$FAKE_UNIT"
	(cd "$R" && rmdir -p --ignore-fail-on-non-empty etc/systemd/system/multi-user.target.wants)
	as_before() { snapshot | diff "$tmp/before" -; }
	check "purged: the root is as before the installation" as_before
else
	check "purged: no file of the package left" bash -c "
		while read -r p; do [ -e \"\$p\" ] && [ ! -d \"\$p\" ] && { echo \"left: \$p\"; exit 1; }; done < '$tmp/paths'; exit 0"
fi

if [ "$mode" = chroot ]; then
	rm -rf --one-file-system "$R"
fi
echo "# test_deb.sh: $(($(date +%s) - t_start)) s ($mode)"
tap_done
