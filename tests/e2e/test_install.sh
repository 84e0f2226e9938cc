#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# make install / make uninstall into a temporary DESTDIR: every file in its
# place with sane modes, the systemd unit pointing at the installed sl-ctl
# (and clean under systemd-analyze verify when that is available), the man
# page gzip'd with the prefix filled in and rendering, an existing
# /etc/sl-xdp/sl-xdp.conf never overwritten, uninstall removing everything
# but that config.  No network, no namespaces, no root needed.
#
# It installs what 'make all' already built and never compiles: make runs
# with '-o build/sl-ctl -o build/sl_xdp.bpf.o' (those two are taken as they
# are, whatever the sources' timestamps), and with MAKEFLAGS, MFLAGS and
# MAKELEVEL unset, so a 'make test' around it (its jobserver, -k, -n, or
# variables given on its command line) does not leak into the sub-make.
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SL_ROOT/tests/lib/tap.sh"	# tap_plan / ok / not_ok / check / tap_done
n_examples=$(find "$SL_ROOT/examples" -maxdepth 1 -name '*.conf' | wc -l)
tap_plan $((51 + n_examples))

tmp=$(mktemp -d /tmp/slx-install.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

D=$tmp/root		# DESTDIR, PREFIX=/usr
L=$tmp/local		# DESTDIR, PREFIX=/usr/local
SBIN=/usr/sbin/sl-ctl
BPFO=/usr/lib/sl-xdp/sl_xdp.bpf.o
UNIT=/lib/systemd/system/sl-xdp@.service
MUNIT=/lib/systemd/system/sl-xdp-metrics@.service
MAN=/usr/share/man/man8/sl-ctl.8.gz
EXDIR=/usr/share/doc/sl-xdp/examples
CONF=/etc/sl-xdp/sl-xdp.conf

mk()	# DESTDIR PREFIX TARGET: make without building anything
{
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		make --no-print-directory -C "$SL_ROOT" \
		-o build/sl-ctl -o build/sl_xdp.bpf.o \
		"$3" DESTDIR="$1" PREFIX="$2"
}

mode_is()	# FILE MODE
{
	[ -f "$1" ] && [ ! -L "$1" ] && [ "$(stat -c %a "$1")" = "$2" ] || {
		echo "$1: want a regular file with mode $2, have: $(stat -c '%F %a' "$1" 2>&1)"
		return 1
	}
}

if [ ! -x "$SL_ROOT/build/sl-ctl" ] || [ ! -f "$SL_ROOT/build/sl_xdp.bpf.o" ]; then
	not_ok "build/sl-ctl and build/sl_xdp.bpf.o exist (run 'make' first)"
	tap_done
fi

# What must not change: the build tree (no recompiling) and the host.
built_before=$(stat -c %Y "$SL_ROOT/build/sl-ctl" "$SL_ROOT/build/sl_xdp.bpf.o")
host_before=$(ls -ld /etc/sl-xdp /usr/sbin/sl-ctl /usr/lib/sl-xdp \
	/lib/systemd/system/sl-xdp@.service /usr/local/sbin/sl-ctl 2>&1)

check "make install DESTDIR=... PREFIX=/usr" mk "$D" /usr install

# ---- files and modes
check "sbin/sl-ctl, mode 755" mode_is "$D$SBIN" 755
check "lib/sl-xdp/sl_xdp.bpf.o, mode 644" mode_is "$D$BPFO" 644
check "the BPF object is the one built" cmp "$SL_ROOT/build/sl_xdp.bpf.o" "$D$BPFO"
check "the BPF object is a BPF ELF file with an xdp section" \
	bash -c "readelf -h '$D$BPFO' | grep -q 'Linux BPF' && readelf -S '$D$BPFO' | grep -qw xdp"
check "the installed sl-ctl runs (--help)" bash -c "'$D$SBIN' --help | grep -q 'sl-ctl attach'"
check "unit in /lib/systemd/system (PREFIX=/usr), mode 644" mode_is "$D$UNIT" 644
check "metrics unit in /lib/systemd/system, mode 644, runs the installed serve-metrics" \
	bash -c "$(declare -f mode_is); mode_is '$D$MUNIT' 644 && grep -qF 'exec $SBIN serve-metrics' '$D$MUNIT' && ! grep -n '@[A-Z]*@' '$D$MUNIT'"
check "man page sl-ctl.8.gz, mode 644" mode_is "$D$MAN" 644
check "config $CONF installed, mode 644" mode_is "$D$CONF" 644
check "config is examples/sl-xdp.conf" cmp "$SL_ROOT/examples/sl-xdp.conf" "$D$CONF"
n_ex=0
for f in "$SL_ROOT"/examples/*.conf; do
	n_ex=$((n_ex + 1))
	b=$(basename "$f")
	check "example $b installed, mode 644, same content" \
		bash -c "$(declare -f mode_is); mode_is '$D$EXDIR/$b' 644 && cmp '$f' '$D$EXDIR/$b'"
done
check "at least the five shipped examples" test "$n_ex" -ge 5
check "nothing installed but those files" bash -c "
	cd '$D' && find . -type f -o -type l | sort > '$tmp/files' &&
	test \$(wc -l < '$tmp/files') -eq $((n_ex + 6))"

# ---- the unit
unit=$D$UNIT
check "unit: no @PLACEHOLDER@ left" bash -c "! grep -n '@[A-Z]*@' '$unit'"
exec_start_ok()
{
	grep '^ExecStart=/bin/sh -c ' "$unit" |
		grep -qF "exec $SBIN attach \"\$\$1\" -c \"\$\$c\" --foreground' sl-xdp %I"
}
# every sl-ctl an Exec line names is the installed one, and there are 3
exec_paths_ok()
{
	local paths
	paths=$(grep '^Exec' "$unit" | grep -oE '[^ =]*sl-ctl')
	printf '%s\n' "$paths"
	[ "$(printf '%s\n' "$paths" | grep -cx "$SBIN")" -eq 3 ] &&
		! printf '%s\n' "$paths" | grep -vqx "$SBIN"
}
check "unit: ExecStart execs the installed sl-ctl attach %I --foreground" exec_start_ok
check "unit: ExecStop is the installed sl-ctl detach %I" grep -qx "ExecStop=$SBIN detach %I" "$unit"
check "unit: ExecReload is the installed sl-ctl reload %I" grep -qx "ExecReload=$SBIN reload %I" "$unit"
check "unit: every sl-ctl it runs is $SBIN" exec_paths_ok
check "unit: Restart=on-failure, LimitMEMLOCK=infinity, XDP capabilities" bash -c "
	grep -qx 'Restart=on-failure' '$unit' && grep -qx 'LimitMEMLOCK=infinity' '$unit' &&
	for c in CAP_BPF CAP_NET_ADMIN CAP_SYS_ADMIN CAP_NET_RAW CAP_IPC_LOCK; do
		grep -q \"^CapabilityBoundingSet=.*\$c\" '$unit' || exit 1
	done"
check "unit: ordered after the interface's device and network-online.target" \
	grep -qx 'After=sys-subsystem-net-devices-%i.device network-online.target' "$unit"

# The ExecStart shell picks /etc/sl-xdp/IFACE.conf, else sl-xdp.conf: run
# it with a stand-in sl-ctl that prints its arguments.
pick_config()	# IFACE -> the sl-ctl arguments ExecStart would use
{
	local cmd
	cmd=$(sed -n "s/^ExecStart=\/bin\/sh -c '\(.*\)' sl-xdp %I\$/\1/p" "$unit" |
		sed -e 's/\$\$/$/g' -e "s|$SBIN|$tmp/fake-sl-ctl|" -e "s|/etc/sl-xdp|$tmp/etc|g")
	[ -n "$cmd" ] && /bin/sh -c "$cmd" sl-xdp "$1"
}
mkdir -p "$tmp/etc" && printf '#!/bin/sh\necho "$@"\n' > "$tmp/fake-sl-ctl" &&
	chmod +x "$tmp/fake-sl-ctl" && touch "$tmp/etc/eth1.conf"
check "unit: ExecStart uses /etc/sl-xdp/IFACE.conf when it exists" \
	test "$(pick_config eth1)" = "attach eth1 -c $tmp/etc/eth1.conf --foreground"
check "unit: ... else /etc/sl-xdp/sl-xdp.conf" \
	test "$(pick_config eth0)" = "attach eth0 -c $tmp/etc/sl-xdp.conf --foreground"

if command -v systemd-analyze >/dev/null 2>&1; then
	# verify wants the binaries it names to exist: point them into DESTDIR
	mkdir -p "$tmp/verify"
	sed "s|$SBIN|$D$SBIN|g" "$unit" > "$tmp/verify/sl-xdp@.service"
	sed "s|$SBIN|$D$SBIN|g" "$D$MUNIT" > "$tmp/verify/sl-xdp-metrics@.service"
	verify()
	{
		local out
		out=$(cd "$tmp/verify" && systemd-analyze verify --man=no \
			"$tmp/verify/sl-xdp@eth0.service" \
			"$tmp/verify/sl-xdp-metrics@eth0.service" 2>&1) && [ -z "$out" ] || {
			echo "$out"
			return 1
		}
	}
	check "systemd-analyze verify sl-xdp@eth0.service, sl-xdp-metrics@eth0.service: no complaint" verify
else
	skip "systemd-analyze verify" "systemd-analyze not installed"
fi

# ---- the man page
check "man page is gzip data" gzip -t "$D$MAN"
check "man page: PREFIX and unit directory filled in" bash -c "
	zcat '$D$MAN' | grep -qx '.ds pf /usr' && zcat '$D$MAN' | grep -qx '.ds ud /lib/systemd/system'"
check "man page renders with groff, no warnings" bash -c "
	out=\$(zcat '$D$MAN' | groff -man -Tascii -ww -z 2>&1) && [ -z \"\$out\" ] || { echo \"\$out\"; exit 1; }"
man_text()
{
	MANPAGER=cat PAGER=cat MANWIDTH=100 man -l "$D$MAN" 2>&1 | col -b
}
man_sections_ok()
{
	local t s
	t=$(man_text) || return 1
	for s in NAME SYNOPSIS DESCRIPTION COMMANDS CONFIGURATION COUNTERS FILES \
		 'EXIT STATUS' EXAMPLES 'SEE ALSO'; do
		printf '%s\n' "$t" | grep -qx "$s" || { echo "no section $s"; return 1; }
	done
	for s in attach detach reload status stats block top; do
		printf '%s\n' "$t" | grep -qE "^ +$s " || { echo "command $s not described"; return 1; }
	done
}
man_paths_ok()
{
	local t
	t=$(man_text) || return 1
	printf '%s\n' "$t" | grep -q '/usr/lib/sl-xdp/sl_xdp.bpf.o' &&
		printf '%s\n' "$t" | grep -q '/lib/systemd/system/sl-xdp@.service' &&
		printf '%s\n' "$t" | grep -q '/usr/sbin/sl-ctl' &&
		! printf '%s\n' "$t" | grep -n '/usr/local'
}
if command -v man >/dev/null 2>&1; then
	check "man -l renders it: every section and command" man_sections_ok
	check "man -l: the installed paths, not /usr/local" man_paths_ok
else
	skip "man -l renders it: every section and command" "man not installed"
	skip "man -l: the installed paths, not /usr/local" "man not installed"
fi

# ---- an existing config is kept
echo "; edited by the admin" >> "$D$CONF"
cp "$D$CONF" "$tmp/conf.edited"
check "make install again" mk "$D" /usr install
check "make install again keeps the edited $CONF" cmp "$tmp/conf.edited" "$D$CONF"

# ---- PREFIX=/usr/local: unit under the prefix, pointing there
check "make install DESTDIR=... PREFIX=/usr/local" mk "$L" /usr/local install
check "PREFIX=/usr/local: sl-ctl in /usr/local/sbin" mode_is "$L/usr/local/sbin/sl-ctl" 755
check "PREFIX=/usr/local: unit in /usr/local/lib/systemd/system" \
	mode_is "$L/usr/local/lib/systemd/system/sl-xdp@.service" 644
check "PREFIX=/usr/local: unit runs /usr/local/sbin/sl-ctl" \
	grep -qx 'ExecStop=/usr/local/sbin/sl-ctl detach %I' "$L/usr/local/lib/systemd/system/sl-xdp@.service"
check "PREFIX=/usr/local: config still in /etc/sl-xdp" mode_is "$L/etc/sl-xdp/sl-xdp.conf" 644
check "PREFIX=/usr/local: man page says /usr/local" \
	bash -c "zcat '$L/usr/local/share/man/man8/sl-ctl.8.gz' | grep -qx '.ds pf /usr/local'"

# ---- uninstall
check "make uninstall DESTDIR=... PREFIX=/usr" mk "$D" /usr uninstall
for f in "$SBIN" "$BPFO" "$UNIT" "$MAN" "$EXDIR" /usr/lib/sl-xdp /usr/share/doc/sl-xdp; do
	check "uninstall removed $f" test ! -e "$D$f"
done
check "uninstall kept the config $CONF" cmp "$tmp/conf.edited" "$D$CONF"
check "uninstall left no other file" bash -c "
	cd '$D' && test \"\$(find . -type f -o -type l)\" = './etc/sl-xdp/sl-xdp.conf'"
check "make uninstall twice is fine" mk "$D" /usr uninstall
check "make uninstall DESTDIR=... PREFIX=/usr/local" mk "$L" /usr/local uninstall
check "PREFIX=/usr/local: only the config left" bash -c "
	cd '$L' && test \"\$(find . -type f -o -type l)\" = './etc/sl-xdp/sl-xdp.conf'"

# ---- nothing outside DESTDIR, nothing rebuilt
check "the build tree was not rebuilt" \
	test "$(stat -c %Y "$SL_ROOT/build/sl-ctl" "$SL_ROOT/build/sl_xdp.bpf.o")" = "$built_before"
check "nothing installed on the host" test "$(ls -ld /etc/sl-xdp /usr/sbin/sl-ctl /usr/lib/sl-xdp \
	/lib/systemd/system/sl-xdp@.service /usr/local/sbin/sl-ctl 2>&1)" = "$host_before"
tap_done
