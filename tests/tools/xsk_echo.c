// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Test driver for xsk_io + frame_io (tests/e2e/test_xsk_echo.sh): on an
 * interface that `sl-ctl attach` set up, answers every redirected UDP
 * datagram with "ECHO " + its payload, back to its source port.
 *
 *   xsk_echo IFACE SECONDS [--skb] [--queues N] [--ring N] [--frame N]
 *            [--verbose]
 *
 * Runs until SECONDS pass or SIGINT/SIGTERM, then prints per-queue
 * counters and how many frames carried valid XDP metadata.  --verbose:
 * one line per frame (queue, length, metadata, first word of the
 * payload).  Exit status 0, or 1 on a setup error.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "dp/frame_io.h"
#include "sl_xdp_shared.h"
#include "dp/xsk_io.h"

#define ECHO_PREFIX	"ECHO "
#define ECHO_PREFIX_LEN	(sizeof(ECHO_PREFIX) - 1)

static volatile int stop;
static int verbose;
static __u64 meta_valid, meta_missing, not_udp;

static void on_signal(int sig)
{
	(void)sig;
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
}

static size_t echo(void *user, unsigned int queue, const __u8 *frame,
		   size_t len, const struct sl_xdp_meta *meta, __u8 *tx_buf,
		   size_t tx_cap)
{
	struct frame_info fi;
	size_t hdr, plen;
	char word[17];
	unsigned int i;

	(void)user;
	if (frame_parse(frame, len, &fi)) {
		__atomic_fetch_add(&not_udp, 1, __ATOMIC_RELAXED);
		return 0;
	}
	__atomic_fetch_add(meta ? &meta_valid : &meta_missing, 1,
			   __ATOMIC_RELAXED);
	if (verbose) {
		for (i = 0; i < sizeof(word) - 1 && i < fi.payload_len; i++) {
			char c = frame[fi.payload_off + i];

			if (c <= ' ' || c > '~')
				break;
			word[i] = c;
		}
		word[i] = 0;
		if (meta)
			printf("rx queue=%u len=%zu meta=rule:%u,bank:%u word=%s\n",
			       queue, len, meta->rule, meta->bank, word);
		else
			printf("rx queue=%u len=%zu meta=none word=%s\n",
			       queue, len, word);
	}
	hdr = frame_reply_hdr_len(&fi);
	plen = ECHO_PREFIX_LEN + fi.payload_len;
	if (hdr > tx_cap || plen > tx_cap - hdr)
		return 0;
	memcpy(tx_buf + hdr, ECHO_PREFIX, ECHO_PREFIX_LEN);
	memcpy(tx_buf + hdr + ECHO_PREFIX_LEN, frame + fi.payload_off,
	       fi.payload_len);
	return frame_build_reply(frame, &fi, fi.sport, plen, tx_buf, tx_cap);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: xsk_echo IFACE SECONDS [--skb] [--queues N] [--ring N] [--frame N] [--verbose]\n");
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "skb", no_argument, NULL, 's' },
		{ "queues", required_argument, NULL, 'q' },
		{ "ring", required_argument, NULL, 'r' },
		{ "frame", required_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct xsk_io_opts o = {};
	struct sigaction sa = {};
	struct xsk_io_stats st;
	struct xsk_io *x;
	char path[256], err[256];
	unsigned int i, secs;
	int c, map_fd, ret;

	while ((c = getopt_long(argc, argv, "sq:r:f:vh", lopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o.skb_mode = true;
			break;
		case 'q':
			o.n_queues = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'r':
			o.ring_size = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'f':
			o.frame_size = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return 2;
	}
	o.ifname = argv[optind];
	secs = (unsigned int)strtoul(argv[optind + 1], NULL, 10);
	setvbuf(stdout, NULL, _IOLBF, 0);

	snprintf(path, sizeof(path), "%s/%s/sl_xsks", SL_PIN_BASE, o.ifname);
	map_fd = bpf_obj_get(path);
	if (map_fd < 0) {
		fprintf(stderr, "xsk_echo: cannot open %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	o.xsks_map_fd = map_fd;
	o.handler = echo;
	if (xsk_io_open(&o, &x, err, sizeof(err))) {
		fprintf(stderr, "xsk_echo: %s\n", err);
		close(map_fd);
		return 1;
	}
	/* the sockets are in the map: from here on requests are answered */
	printf("xsk_echo: %s queues=%u mode=%s pid=%d\n", o.ifname,
	       xsk_io_queues(x), xsk_io_mode(x), (int)getpid());

	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	if (secs)
		alarm(secs);
	ret = xsk_io_run(x, &stop);
	if (ret)
		fprintf(stderr, "xsk_io_run: %s\n", strerror(-ret));

	for (i = 0; i < xsk_io_queues(x); i++) {
		xsk_io_get_stats(x, i, &st);
		printf("xsk_echo: queue=%u rx=%llu tx=%llu tx_ring_full=%llu umem_exhausted=%llu handler_zero=%llu\n",
		       i, (unsigned long long)st.rx, (unsigned long long)st.tx,
		       (unsigned long long)st.tx_ring_full,
		       (unsigned long long)st.umem_exhausted,
		       (unsigned long long)st.handler_zero);
	}
	printf("xsk_echo: meta_valid=%llu meta_missing=%llu not_udp=%llu\n",
	       (unsigned long long)meta_valid, (unsigned long long)meta_missing,
	       (unsigned long long)not_udp);
	xsk_io_close(x);
	close(map_fd);
	return ret ? 1 : 0;
}
