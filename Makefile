# sl-xdp — stateless SIP responder in the XDP fast path.
# make deps | make | make test | make bench-xdp | make clean | make install

PREFIX    ?= /usr/local
DESTDIR   ?=
CC        ?= gcc
CLANG     ?= clang
BPFTOOL   ?= bpftool
BUILD     := build

CFLAGS    ?= -O2 -g
CFLAGS    += -std=gnu11 -Wall -Wextra -Werror -Iinclude -Iuser -I$(BUILD)
BPF_CFLAGS := -O2 -g -target bpf -D__TARGET_ARCH_x86 -Wall -Wextra -Werror \
	      -Wno-unused-parameter -Iinclude -I.
LIBS      := -lbpf -lxdp -lelf -lz -linih -lmd -lpthread
TEST_LIBS := $(LIBS) -lcmocka

BPF_SRCS  := $(wildcard bpf/*.bpf.c)
BPF_OBJS  := $(patsubst bpf/%.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRCS))
SKELS     := $(BUILD)/sl_xdp.skel.h $(BUILD)/xdp_pass.skel.h

# Everything in user/ but the CLI's main() is a library that the tests
# link too: the SIP engine (plain C, no I/O) and the thin BPF/AF_XDP layers.
CTL_SRCS  := user/sl_ctl.c
CORE_SRCS := $(filter-out $(CTL_SRCS),$(wildcard user/*.c))
CORE_OBJS := $(patsubst user/%.c,$(BUILD)/user/%.o,$(CORE_SRCS))
CTL_OBJS  := $(patsubst user/%.c,$(BUILD)/user/%.o,$(CTL_SRCS))

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
BPFT_SRCS := $(wildcard tests/bpf/test_*.c)
BPFT_BINS := $(patsubst tests/bpf/%.c,$(BUILD)/tests/%,$(BPFT_SRCS))
TEST_HELPERS := tests/bpf/frame.c tests/bpf/fixture_env.c

DEPS_PKGS := clang llvm libbpf-dev libxdp-dev bpftool libelf-dev zlib1g-dev \
	     libinih-dev libcmocka-dev libmd-dev pkg-config make gcc \
	     iproute2 ethtool tshark python3-scapy sip-tester kamailio \
	     libclang-rt-14-dev xdp-tools

.PHONY: all deps test clean install bench-xdp
all: $(BPF_OBJS) $(SKELS) $(BUILD)/sl-ctl $(UNIT_BINS) $(BPFT_BINS)

deps:
	@missing=""; for p in $(DEPS_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "all build and test dependencies are installed"; fi

$(BUILD)/%.bpf.o: bpf/%.bpf.c include/*.h bpf/*.h | $(BUILD)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $* > $@

$(BUILD)/user/%.o: user/%.c include/*.h user/*.h $(SKELS) | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/sl-ctl: $(CTL_OBJS) $(CORE_OBJS)
	$(CC) $(CFLAGS) $^ -o $@ $(LIBS)

$(BUILD)/tests/test_%: tests/unit/test_%.c $(CORE_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/bpf $^ -o $@ $(TEST_LIBS)

$(BUILD)/tests/test_%: tests/bpf/test_%.c $(TEST_HELPERS) $(CORE_OBJS) $(SKELS) tests/bpf/*.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/bpf $(filter %.c,$^) $(CORE_OBJS) -o $@ $(TEST_LIBS)

$(BUILD):
	mkdir -p $(BUILD)/user $(BUILD)/tests

test: all
	@tests/run_tests.sh

bench-xdp: all $(BUILD)/tests/bench_xdp
	$(BUILD)/tests/bench_xdp

clean:
	rm -rf $(BUILD)

install: all
	install -D -m 0755 $(BUILD)/sl-ctl $(DESTDIR)$(PREFIX)/sbin/sl-ctl
	install -D -m 0644 $(BUILD)/sl_xdp.bpf.o $(DESTDIR)$(PREFIX)/lib/sl-xdp/sl_xdp.bpf.o

$(BUILD)/tests/bench_xdp: tests/bpf/bench_xdp.c $(TEST_HELPERS) $(CORE_OBJS) $(SKELS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/bpf $(filter %.c,$^) $(CORE_OBJS) -o $@ $(TEST_LIBS)
