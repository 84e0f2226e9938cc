# sl-xdp — stateless SIP responder in the XDP fast path.
# make deps | make | make test | make bench-xdp | make clean | make install | make deb

PREFIX    ?= /usr/local
DESTDIR   ?=
CC        ?= gcc
CLANG     ?= clang
BPFTOOL   ?= bpftool
BUILD     := build

CFLAGS    ?= -O2 -g
CFLAGS    += -std=gnu11 -Wall -Wextra -Werror -Iinclude -Iuser -I$(BUILD)
BPF_CFLAGS := -O2 -g -target bpf -D__TARGET_ARCH_x86 -Wall -Wextra -Werror \
	      -Wno-unused-parameter -Iinclude -I. -Ibpf
LIBS      := -lbpf -lxdp -lelf -lz -linih -lmd -lseccomp -lmicrohttpd -ljson-c -lpthread
TEST_LIBS := $(LIBS) -lcmocka

# The version lives in one place: VERSION (one line).  sl-ctl --version
# prints it (-DSL_XDP_VERSION for user/ctl/main.c only), the Debian package
# carries it (debian/rules refuses a debian/changelog that says otherwise).
# A tree without .git (a tarball) has it too.
VERSION   := $(shell cat VERSION 2>/dev/null)
ifeq ($(shell printf '%s' '$(VERSION)' | grep -Ex '[0-9][0-9A-Za-z.+~]*'),)
$(error VERSION must hold one version such as 1.2.3 (digits, letters, . + ~), not '$(VERSION)')
endif
VERSION_DEF := -DSL_XDP_VERSION='"$(VERSION)"'

BPF_SRCS  := $(wildcard bpf/*.bpf.c)
BPF_OBJS  := $(patsubst bpf/%.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRCS))
SKELS     := $(BUILD)/sl_xdp.skel.h $(BUILD)/xdp_pass.skel.h

# Everything in user/ but the CLI's main() is a library that the tests
# link too: the SIP engine (plain C, no I/O) and the thin BPF/AF_XDP layers.
USER_HDRS := $(shell find user include -name '*.h')
CTL_SRCS  := $(wildcard user/ctl/*.c)
CORE_SRCS := $(filter-out $(CTL_SRCS),$(wildcard user/*/*.c))
CORE_OBJS := $(patsubst user/%.c,$(BUILD)/user/%.o,$(CORE_SRCS))
CTL_OBJS  := $(patsubst user/%.c,$(BUILD)/user/%.o,$(CTL_SRCS))

# Tests mirror the layout: tests/sip, tests/conf, tests/dp, tests/run are
# plain C (cmocka); tests/bpf runs the XDP program (bpf_prog_test_run_opts).
# tests/run builds its frames with tests/bpf/frame.c (UNIT_EXTRA_<dir>).
UNIT_DIRS := tests/sip tests/conf tests/dp tests/run
UNIT_EXTRA_tests/run := tests/bpf/frame.c
UNIT_SRCS := $(wildcard $(addsuffix /test_*.c,$(UNIT_DIRS)))
UNIT_BINS := $(patsubst %.c,$(BUILD)/tests/%,$(notdir $(UNIT_SRCS)))
TEST_INC  := -Itests/bpf -Itests/lib
BPFT_SRCS := $(wildcard tests/bpf/test_*.c)
BPFT_BINS := $(patsubst tests/bpf/%.c,$(BUILD)/tests/%,$(BPFT_SRCS))
TEST_HELPERS := tests/bpf/frame.c tests/bpf/fixture_env.c

DEPS_PKGS := clang llvm libbpf-dev libxdp-dev bpftool libelf-dev zlib1g-dev \
	     libinih-dev libcmocka-dev libmd-dev libseccomp-dev libmicrohttpd-dev libjson-c-dev pkg-config make gcc \
	     iproute2 ethtool tshark python3-scapy python3-prometheus-client sip-tester kamailio \
	     libclang-rt-14-dev xdp-tools man-db groff-base util-linux jq \
	     debhelper lintian debootstrap

# XDP programs the tests load next to the product's (tests/bpf/*.bpf.c)
TEST_BPF_OBJS := $(patsubst tests/bpf/%.bpf.c,$(BUILD)/tests/%.bpf.o,$(wildcard tests/bpf/*.bpf.c))

.PHONY: all deps test clean install bench-xdp bench-block check-layers
all: $(BPF_OBJS) $(SKELS) $(BUILD)/sl-ctl $(UNIT_BINS) $(BPFT_BINS) $(BUILD)/xsk_echo \
     $(BUILD)/unit_seccomp $(TEST_BPF_OBJS)

deps:
	@missing=""; for p in $(DEPS_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "all build and test dependencies are installed"; fi

# every header under bpf/ (bpf/net/, bpf/sip/, ...) and include/
BPF_HDRS  := $(shell find bpf include -name '*.h')

$(BUILD)/%.bpf.o: bpf/%.bpf.c $(BPF_HDRS) vmlinux.h | $(BUILD)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/tests/%.bpf.o: tests/bpf/%.bpf.c $(BPF_HDRS) vmlinux.h | $(BUILD)
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $* > $@

$(BUILD)/user/%.o: user/%.c $(USER_HDRS) $(SKELS) | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

# the one object that knows the version; rebuilt when VERSION changes
$(BUILD)/user/ctl/main.o: CFLAGS += $(VERSION_DEF)
$(BUILD)/user/ctl/main.o: VERSION

$(BUILD)/sl-ctl: $(CTL_OBJS) $(CORE_OBJS)
	$(CC) $(CFLAGS) $^ -o $@ $(LIBS)

define unit_test_rule
$(BUILD)/tests/test_%: $(1)/test_%.c $(CORE_OBJS) $(UNIT_EXTRA_$(1)) tests/lib/corpus_files.h
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) $$(TEST_INC) $$(filter %.c %.o,$$^) -o $$@ $$(TEST_LIBS)
endef
$(foreach d,$(UNIT_DIRS),$(eval $(call unit_test_rule,$(d))))

$(BUILD)/tests/test_%: tests/bpf/test_%.c $(TEST_HELPERS) $(CORE_OBJS) $(SKELS) tests/bpf/*.h tests/lib/corpus_files.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(TEST_INC) $(filter %.c,$^) $(CORE_OBJS) -o $@ $(TEST_LIBS)

$(BUILD):
	mkdir -p $(BUILD)/user $(BUILD)/tests

test: all check-layers
	@$(MAKE) --no-print-directory test-extra
	@tests/run_tests.sh

# every #include "..." in include/ bpf/ user/ must point down the layers
# (tests/tools/check_layers.sh says which)
check-layers:
	@tests/tools/check_layers.sh

# make mutate [MUTANTS="01 ack"]: tests/mutants/mutate.py plants each bug of
# tests/mutants/*.mut (or those whose names contain a MUTANTS word) in a
# copy of the tree, one at a time, runs the tests named for it and writes
# the table to docs/MUTATION.md; exit 0 only if every mutant was killed.
# Slow (minutes per mutant), root, not part of make test.
# make mutate-check: only whether each mutant still applies (seconds).
.PHONY: mutate mutate-check
mutate:
	tests/mutants/mutate.py $(MUTANTS)

mutate-check:
	tests/mutants/mutate.py --check $(MUTANTS)

bench-xdp: all $(BUILD)/tests/bench_xdp
	$(BUILD)/tests/bench_xdp

# the request path with an empty and a full (1M entries) blocklist
bench-block: all $(BUILD)/tests/bench_block
	$(BUILD)/tests/bench_block

clean:
	rm -rf $(BUILD)

# make install [PREFIX=/usr/local] [DESTDIR=]    (make uninstall: the same, reversed)
#   $(SBINDIR)/sl-ctl
#   $(PKGLIBDIR)/sl_xdp.bpf.o        for 'ip link set dev IF xdp obj ... sec xdp'
#                                    (sl-ctl has the same object built in and
#                                    takes over a program loaded from it);
#                                    the Debian package sets PKGLIBDIR to
#                                    /usr/lib/<multiarch triplet>/sl-xdp
#   $(UNITDIR)/sl-xdp@.service       /lib/systemd/system when PREFIX=/usr (Debian's
#                                    systemdsystemunitdir), else $(PREFIX)/lib/systemd/system
#                                    (systemd also reads /usr/local/lib/systemd/system);
#                                    made from packaging/sl-xdp@.service.in, @SBINDIR@ filled in
#   $(MANDIR)/man8/sl-ctl.8.gz       its PREFIX, unit and object paths filled in
#                                    (.ds pf / .ds ud / .ds ol)
#   $(DOCDIR)/examples/*.conf
#   $(CONFDIR)/sl-xdp.conf           from examples/sl-xdp.conf, only when it does not exist;
#                                    uninstall keeps it.  Always /etc/sl-xdp (sl-ctl's
#                                    built-in default), under $(DESTDIR) like everything else.
# DESTDIR is prepended to every path written, never to the paths written into
# the unit and the man page; the *DIR variables can be set on the command
# line.  install builds only what it installs (sl-ctl and
# the BPF object), not the tests; 'make -o build/sl-ctl -o build/sl_xdp.bpf.o
# install' installs what is built without looking at the sources.
SBINDIR    = $(PREFIX)/sbin
PKGLIBDIR  = $(PREFIX)/lib/sl-xdp
MANDIR     = $(PREFIX)/share/man
DOCDIR     = $(PREFIX)/share/doc/sl-xdp
ifeq ($(PREFIX),/usr)
UNITDIR    = /lib/systemd/system
else
UNITDIR    = $(PREFIX)/lib/systemd/system
endif
CONFDIR   := /etc/sl-xdp
INSTALL    = install
EXAMPLES  := $(wildcard examples/*.conf)

.PHONY: uninstall
UNITS     := sl-xdp@.service sl-xdp-metrics@.service

install: $(BUILD)/sl-ctl $(BUILD)/sl_xdp.bpf.o $(UNITS:%=packaging/%.in) doc/sl-ctl.8 $(EXAMPLES)
	$(INSTALL) -D -m 0755 $(BUILD)/sl-ctl "$(DESTDIR)$(SBINDIR)/sl-ctl"
	$(INSTALL) -D -m 0644 $(BUILD)/sl_xdp.bpf.o "$(DESTDIR)$(PKGLIBDIR)/sl_xdp.bpf.o"
	$(INSTALL) -d -m 0755 "$(DESTDIR)$(UNITDIR)" "$(DESTDIR)$(MANDIR)/man8" \
		"$(DESTDIR)$(DOCDIR)/examples" "$(DESTDIR)$(CONFDIR)"
	for u in $(UNITS); do \
		sed -e 's|@SBINDIR@|$(SBINDIR)|g' packaging/$$u.in > "$(DESTDIR)$(UNITDIR)/$$u" && \
		chmod 0644 "$(DESTDIR)$(UNITDIR)/$$u" || exit 1; \
	done
	sed -e 's|^\.ds pf .*|.ds pf $(PREFIX)|' -e 's|^\.ds ud .*|.ds ud $(UNITDIR)|' \
		-e 's|^\.ds ol .*|.ds ol $(subst -,\\-,$(PKGLIBDIR))|' \
		doc/sl-ctl.8 > "$(DESTDIR)$(MANDIR)/man8/sl-ctl.8"
	gzip -9 -n -f "$(DESTDIR)$(MANDIR)/man8/sl-ctl.8"
	chmod 0644 "$(DESTDIR)$(MANDIR)/man8/sl-ctl.8.gz"
	$(INSTALL) -m 0644 $(EXAMPLES) "$(DESTDIR)$(DOCDIR)/examples/"
	@if [ -e "$(DESTDIR)$(CONFDIR)/sl-xdp.conf" ]; then \
		echo "keeping $(DESTDIR)$(CONFDIR)/sl-xdp.conf (new example: $(DOCDIR)/examples/sl-xdp.conf)"; \
	else \
		echo "$(INSTALL) -m 0644 examples/sl-xdp.conf $(DESTDIR)$(CONFDIR)/sl-xdp.conf"; \
		$(INSTALL) -m 0644 examples/sl-xdp.conf "$(DESTDIR)$(CONFDIR)/sl-xdp.conf"; \
	fi

uninstall:
	rm -f "$(DESTDIR)$(SBINDIR)/sl-ctl" "$(DESTDIR)$(PKGLIBDIR)/sl_xdp.bpf.o" \
		$(UNITS:%="$(DESTDIR)$(UNITDIR)/%") "$(DESTDIR)$(MANDIR)/man8/sl-ctl.8.gz"
	rm -f $(addprefix "$(DESTDIR)$(DOCDIR)/examples/,$(addsuffix ",$(notdir $(EXAMPLES))))
	for d in "$(DESTDIR)$(PKGLIBDIR)" "$(DESTDIR)$(DOCDIR)/examples" "$(DESTDIR)$(DOCDIR)"; do \
		if [ -d "$$d" ]; then rmdir --ignore-fail-on-non-empty "$$d"; fi; \
	done
	@echo "kept $(DESTDIR)$(CONFDIR) (configuration): remove it by hand if it is no longer wanted"

# make deb: the Debian package (debian/), built with 'dpkg-buildpackage -us
# -uc -b' in a copy of the source tree under DEB_DIR (default build/deb/;
# the files git would commit, or in a tree without .git everything but
# build/), so its 'debian/rules clean' cannot touch this build/.  The
# package's version is VERSION.  The .deb, the -dbgsym .deb, .buildinfo and
# .changes are copied to DEB_OUT (default build/).  Check it with
# 'lintian build/sl-xdp_$(VERSION)_*.changes'.
DEB_DIR ?= $(BUILD)/deb
DEB_OUT ?= $(BUILD)
DEB_SRC  = $(DEB_DIR)/sl-xdp-$(VERSION)

.PHONY: deb
deb:
	rm -rf "$(DEB_DIR)"
	mkdir -p "$(DEB_SRC)" "$(DEB_OUT)"
	if [ "$$(git rev-parse --show-toplevel 2>/dev/null)" = "$(CURDIR)" ]; then \
		git ls-files -z --cached --others --exclude-standard | \
			xargs -0 sh -c 'for f; do [ -e "$$f" ] && printf "%s\0" "$$f"; done' sh | \
			tar -c --null -T - -f - | tar -x -C "$(DEB_SRC)"; \
	else \
		tar -c --exclude=./$(BUILD) -f - . | tar -x -C "$(DEB_SRC)"; \
	fi
	cd "$(DEB_SRC)" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		dpkg-buildpackage -us -uc -b
	cp "$(DEB_DIR)"/*.deb "$(DEB_DIR)"/*.buildinfo "$(DEB_DIR)"/*.changes "$(DEB_OUT)"/

$(BUILD)/tests/bench_xdp: tests/bpf/bench_xdp.c tests/bpf/bench_common.c $(TEST_HELPERS) $(CORE_OBJS) $(SKELS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(TEST_INC) $(filter %.c,$^) $(CORE_OBJS) -o $@ $(TEST_LIBS)

$(BUILD)/tests/bench_block: tests/bpf/bench_block.c tests/bpf/bench_common.c $(TEST_HELPERS) $(CORE_OBJS) $(SKELS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(TEST_INC) $(filter %.c,$^) $(CORE_OBJS) -o $@ $(TEST_LIBS)

$(BUILD)/tests/bench_engine: tests/sip/bench_engine.c $(CORE_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $^ -o $@ $(LIBS)

.PHONY: bench-engine
bench-engine: $(BUILD)/tests/bench_engine
	$(BUILD)/tests/bench_engine

$(BUILD)/tests/bench_hep: tests/run/bench_hep.c tests/bpf/frame.c $(CORE_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(TEST_INC) $^ -o $@ $(LIBS)

.PHONY: bench-hep
bench-hep: $(BUILD)/tests/bench_hep
	$(BUILD)/tests/bench_hep

# AF_XDP echo driver of tests/e2e/test_xsk_echo.sh
XSK_SRCS := user/dp/xsk_io.c user/dp/xsk_loop.c user/dp/frame_io.c user/dp/iface.c
$(BUILD)/xsk_echo: tests/tools/xsk_echo.c $(XSK_SRCS) $(USER_HDRS) | $(BUILD)
	$(CC) $(CFLAGS) tests/tools/xsk_echo.c $(XSK_SRCS) -o $@ -lxdp -lbpf -lpthread

# the seccomp directives of packaging/sl-xdp@.service.in without systemd,
# for tests/e2e/test_unit_hardening.sh
$(BUILD)/unit_seccomp: tests/tools/unit_seccomp.c | $(BUILD)
	$(CC) $(CFLAGS) $< -o $@ -lseccomp

# SIP load generator of the benchmarks (and of some e2e tests); the
# benchmarks are not part of 'all' nor of 'make test' (docs/BENCHMARKS.md).
$(BUILD)/sl-bench: $(wildcard bench/*.c) | $(BUILD)
	$(CC) $(CFLAGS) $(filter %.c,$^) -o $@ -lpthread

# make bench: one server core each, sl-xdp against Kamailio, an evenly
# paced client on its own core (bench/capacity.sh; BENCH_ONLY=spin: spin_us,
# BENCH_ONLY=explain: the old harness's Kamailio figure, BENCH_ONLY=hep: the
# reply rate with HEP3 mirroring at 0, 1 and 100 %).  bench-flood,
# bench-forward: the ACK flood and reply forwarding (bench/run.sh).
.PHONY: bench bench-flood bench-forward
BENCH_DEPS := $(BUILD)/sl-bench $(BUILD)/sl-ctl $(BUILD)/sl_xdp.bpf.o $(BUILD)/xdp_pass.bpf.o
bench: $(BENCH_DEPS)
	@case "$(BENCH_ONLY)" in \
	flood|forward) BENCH_QUICK=$(BENCH_QUICK) BENCH_ONLY=$(BENCH_ONLY) bench/run.sh ;; \
	*) BENCH_QUICK=$(BENCH_QUICK) BENCH_ONLY=$(BENCH_ONLY) bench/capacity.sh ;; \
	esac
bench-flood: $(BENCH_DEPS)
	BENCH_QUICK=$(BENCH_QUICK) BENCH_ONLY=flood bench/run.sh
bench-forward: $(BENCH_DEPS)
	BENCH_QUICK=$(BENCH_QUICK) BENCH_ONLY=forward bench/run.sh

# The scaling run for a many-core machine, carried there as a kit (no
# compiler, iproute2, jq, ethtool or Kamailio needed on it):
#   make bench-kit                 build/bench-kit/ and build/bench-kit.tar.gz:
#                                  sl-ctl, sl-bench, xdp_pass.bpf.o, ip, ethtool,
#                                  jq, nsenter, taskset, ps, Kamailio and its sl and
#                                  pv modules with their libraries (../shared/tools/
#                                  carry-kit.sh), bench/scale.sh, bench/capacity.sh and
#                                  what they source (KIT/run-capacity: make bench there)
#   make bench-scale QUEUES="1 2 4 8" [SPREAD="1 2 4 8"]   the kit's run-scale,
#                                  results in bench/results-scale/
#   there: tar xzf bench-kit.tar.gz && bench-kit/run-scale QUEUES="1 2 4 8"
#   make bench-kit-check           the kit, QUEUES="1 2" once, with a PATH of
#                                  bash, coreutils, awk, sed and grep only
CARRY_KIT ?= ../shared/tools/carry-kit.sh
KIT       := $(BUILD)/bench-kit
KAM_MODS  := $(wildcard /usr/lib/x86_64-linux-gnu/kamailio/modules/sl.so \
		       /usr/lib/x86_64-linux-gnu/kamailio/modules/pv.so)
KIT_TOOLS := $(shell for t in ip ethtool jq nsenter taskset ps kamailio; do \
		command -v $$t; done 2>/dev/null)
QUEUES    ?= 1 2 4 8
SPREAD    ?=
.PHONY: bench-kit bench-scale bench-kit-check
bench-kit: $(BUILD)/sl-ctl $(BUILD)/sl-bench $(BUILD)/xdp_pass.bpf.o bench/scale.sh bench/lib.sh tests/lib/netns.sh
	rm -rf $(KIT) $(KIT).tar.gz
	@# carry-kit.sh stops (set -o pipefail, grep -v finding nothing) at a
	@# file that needs glibc alone: those are copied here, the rest carried
	set -e; carry=""; mkdir -p $(KIT)/bin; \
	for f in $(BUILD)/sl-ctl $(BUILD)/sl-bench $(BUILD)/xdp_pass.bpf.o $(KIT_TOOLS) $(KAM_MODS); do \
		if ldd $$f 2>/dev/null | awk '/=> \// { print $$3 }' | \
		   grep -qvE '/lib(c|m|pthread|dl|rt|resolv)\.so'; then carry="$$carry $$f"; \
		else cp -L $$f $(KIT)/bin/; fi; \
	done; \
	$(CARRY_KIT) $(KIT) $$carry
	mkdir -p $(KIT)/bench $(KIT)/tests/lib
	cp bench/scale.sh bench/capacity.sh bench/lib.sh bench/report_capacity.py $(KIT)/bench/
	cp tests/lib/netns.sh $(KIT)/tests/lib/
	git describe --always --dirty > $(KIT)/VERSION 2>/dev/null || echo unknown > $(KIT)/VERSION
	printf '%s\n' '#!/bin/bash' \
		'# KIT/run-scale [QUEUES="1 2 4 8"] [SPREAD="1 2 4 8"] [REPS=3] [BENCH_OUT=DIR] ...' \
		'kit=$$(cd "$$(dirname "$$0")" && pwd)' \
		'for a in "$$@"; do export "$$a"; done' \
		'export SL_ROOT="$$kit" BENCH_OUT="$${BENCH_OUT:-$$PWD/results-scale}"' \
		'exec bash "$$kit/bench/scale.sh"' > $(KIT)/run-scale
	sed -e 's|bench/scale.sh|bench/capacity.sh|' -e 's|results-scale|results-capacity|' -e 's|KIT/run-scale|KIT/run-capacity|' \
		-e 's|QUEUES="1 2 4 8"\] \[SPREAD="1 2 4 8"\]|SRV_CPU=2] [CLI_CPUS="3,4"]|' \
		$(KIT)/run-scale > $(KIT)/run-capacity
	chmod +x $(KIT)/run-scale $(KIT)/run-capacity
	tar czf $(KIT).tar.gz -C $(BUILD) bench-kit
	@echo "bench-kit: $(KIT) and $(KIT).tar.gz ($$(du -sh $(KIT).tar.gz | cut -f1))"
bench-scale: bench-kit
	$(KIT)/run-scale QUEUES="$(QUEUES)" SPREAD="$(SPREAD)" BENCH_OUT=$(CURDIR)/bench/results-scale
bench-kit-check: bench-kit
	bench/kit_check.sh $(KIT)

# 10-minute soak at a fixed OPTIONS rate (SOAK_RATE, SOAK_SECONDS): bench/soak.sh
.PHONY: soak
soak: $(BUILD)/sl-bench $(BUILD)/sl-ctl $(BUILD)/sl_xdp.bpf.o $(BUILD)/xdp_pass.bpf.o
	bench/soak.sh

# ---- Robustness: libFuzzer targets and the tests under sanitizers ----
# make fuzz       each libFuzzer target (tests/fuzz/fuzz_*.c) for FUZZ_SECONDS
#                 (default 60) on the corpus kept in build/fuzz/corpus; a crash
#                 input is saved into tests/fuzz/regressions/TARGET/
# make fuzz-ci    the short pass: replay of the regressions + FUZZ_CI_SECONDS
#                 (default 10) of fuzzing per target
# make test-asan  tests/run_sanitizers.sh: every tests/{sip,conf,dp,run,bpf} test
#                 built with ASan + UBSan (+ LSan) into build/asan/ and run
# make asan-ctl   build/asan/sl-ctl: the controller and responder built the
#                 same way, for tests/e2e/test_asan_responder.sh (real
#                 traffic through the responder, LeakSanitizer at exit)
# make test builds all three (test-extra, one line of its recipe) and
# build/sl-bench (the load generator of the e2e tests); the runner then
# finds build/tests/test_fuzz (cmocka wrapper of tests/fuzz/run_fuzz.sh: per
# target a replay test and a SL_FUZZ_SECONDS fuzz test) and
# build/tests/test_asan_* (links to build/asan/test_*) like any other suite,
# so a crash or a sanitizer report fails make test and is counted.
SAN_CC          ?= $(CLANG)
FUZZ_SECONDS    ?= 60
FUZZ_CI_SECONDS ?= 10
export SL_FUZZ_SECONDS ?= $(FUZZ_CI_SECONDS)
SAN_FLAGS       := -std=gnu11 -O1 -g -fno-omit-frame-pointer \
		   -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -Wall -Wextra -Werror -Iinclude -Iuser -I$(BUILD)
FUZZ_TARGETS    := sip_msg sl_engine config answer_frame
FUZZ_BINS       := $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_TARGETS))
FUZZ_SRCS_sip_msg   := user/sip/sip_msg.c user/sip/start_line.c user/sip/via.c \
		       user/sip/name_addr.c
FUZZ_SRCS_sl_engine := $(wildcard user/sip/*.c)
FUZZ_SRCS_config    := $(wildcard user/conf/*.c) $(wildcard user/sip/*.c)
FUZZ_SRCS_answer_frame := user/run/answer.c user/dp/frame_io.c $(wildcard user/sip/*.c) \
			  tests/bpf/frame.c
SAN_CORE_OBJS   := $(patsubst user/%.c,$(BUILD)/asan/user/%.o,$(CORE_SRCS))
SAN_OPTS_OBJ    := $(BUILD)/asan/tests/sanitizer_options.o
SAN_HELPER_OBJS := $(patsubst tests/bpf/%.c,$(BUILD)/asan/tests/%.o,$(TEST_HELPERS))
SAN_TEST_BINS   := $(patsubst %.c,$(BUILD)/asan/%,$(notdir $(UNIT_SRCS))) \
		   $(patsubst tests/bpf/%.c,$(BUILD)/asan/%,$(BPFT_SRCS))
SAN_TEST_LINKS  := $(patsubst $(BUILD)/asan/test_%,$(BUILD)/tests/test_asan_%,$(SAN_TEST_BINS))
SAN_CTL_OBJS    := $(patsubst user/%.c,$(BUILD)/asan/user/%.o,$(CTL_SRCS))

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(CORE_SRCS) $(USER_HDRS) tests/bpf/frame.c tests/bpf/frame.h
	@mkdir -p $(dir $@)
	$(SAN_CC) $(SAN_FLAGS) $(TEST_INC) -fsanitize=fuzzer $< $(FUZZ_SRCS_$*) -o $@ -linih -lmd

$(BUILD)/tests/test_fuzz: tests/fuzz/test_fuzz.c | $(BUILD)
	$(CC) $(CFLAGS) $< -o $@ -lcmocka

$(BUILD)/asan/user/%.o: user/%.c $(USER_HDRS) $(SKELS)
	@mkdir -p $(dir $@)
	$(SAN_CC) $(SAN_FLAGS) -c $< -o $@

$(BUILD)/asan/tests/%.o: tests/bpf/%.c tests/bpf/*.h $(USER_HDRS) $(SKELS)
	@mkdir -p $(dir $@)
	$(SAN_CC) $(SAN_FLAGS) $(TEST_INC) -c $< -o $@

$(SAN_OPTS_OBJ): tests/fuzz/sanitizer_options.c
	@mkdir -p $(dir $@)
	$(SAN_CC) $(SAN_FLAGS) -c $< -o $@

define asan_unit_test_rule
$(BUILD)/asan/test_%: $(1)/test_%.c $(SAN_CORE_OBJS) $(SAN_OPTS_OBJ) $(patsubst tests/bpf/%.c,$(BUILD)/asan/tests/%.o,$(UNIT_EXTRA_$(1)))
	$$(SAN_CC) $$(SAN_FLAGS) $$(TEST_INC) $$^ -o $$@ $$(TEST_LIBS)
endef
$(foreach d,$(UNIT_DIRS),$(eval $(call asan_unit_test_rule,$(d))))

$(BUILD)/asan/test_%: tests/bpf/test_%.c $(SAN_HELPER_OBJS) $(SAN_CORE_OBJS) $(SAN_OPTS_OBJ) $(SKELS) tests/bpf/*.h
	$(SAN_CC) $(SAN_FLAGS) $(TEST_INC) $(filter %.c %.o,$^) -o $@ $(TEST_LIBS)

$(BUILD)/asan/user/ctl/main.o: SAN_FLAGS += $(VERSION_DEF)
$(BUILD)/asan/user/ctl/main.o: VERSION

$(BUILD)/asan/sl-ctl: $(SAN_CTL_OBJS) $(SAN_CORE_OBJS) $(SAN_OPTS_OBJ)
	$(SAN_CC) $(SAN_FLAGS) $^ -o $@ $(LIBS)

# what the runner runs: build/tests/test_asan_NAME -> ../asan/test_NAME
$(BUILD)/tests/test_asan_%: $(BUILD)/asan/test_%
	@mkdir -p $(dir $@)
	ln -sfn ../asan/test_$* $@

.PHONY: fuzz fuzz-build fuzz-ci asan-tests asan-ctl test-asan test-extra
fuzz-build: $(FUZZ_BINS) $(BUILD)/tests/test_fuzz

fuzz: fuzz-build
	tests/fuzz/run_fuzz.sh --keep --save -t $(FUZZ_SECONDS)

fuzz-ci: fuzz-build
	tests/fuzz/run_fuzz.sh -t $(FUZZ_CI_SECONDS)

asan-tests: $(SAN_TEST_LINKS)

asan-ctl: $(BUILD)/asan/sl-ctl

# built through pattern rules only: keep them (no intermediate-file removal)
.SECONDARY: $(SAN_CORE_OBJS) $(SAN_CTL_OBJS) $(SAN_HELPER_OBJS) $(SAN_OPTS_OBJ) \
	    $(SAN_TEST_BINS)

test-asan: asan-tests
	tests/run_sanitizers.sh --no-build

test-extra: asan-tests asan-ctl fuzz-build $(BUILD)/sl-bench
