// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sl-ctl serve-metrics: HTTP GET /metrics for Prometheus, served by
 * libmicrohttpd in a process of its own (the responder never waits for a
 * scrape, however slow or hostile the client): the families of `sl-ctl
 * stats --prometheus`, read from the pinned maps at each request, plus
 * sl_xdp_build_info.  Bounded: a few connections, a few per client, a
 * short timeout, little memory each.  Sandboxed once listening, like the
 * responder.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <pthread.h>
#include <microhttpd.h>
#include <bpf/libbpf.h>

#include "ctl/ctl.h"
#include "dp/pins.h"
#include "run/run_dir.h"
#include "run/sandbox.h"

#define METRICS_CONNECTIONS	16	/* at once, all clients */
#define METRICS_PER_CLIENT	4	/* at once, one address */
#define METRICS_TIMEOUT_S	5	/* idle connections closed after */
#define METRICS_CONN_MEMORY	(32 * 1024)

struct metrics_server {
	char ifname[16];
	char dir[PATH_MAX];
};

/* The text a scrape gets: every family of the interface, then the
 * build; NULL when the interface is not (or no longer) attached. */
static char *render(const struct metrics_server *ms, size_t *len)
{
	char *buf = NULL, err[1024];
	struct sl_maps m;
	FILE *out;
	int ret;

	if (sl_maps_open_pinned(&m, ms->dir, err, sizeof(err)))
		return NULL;
	out = open_memstream(&buf, len);
	if (!out) {
		sl_maps_close(&m);
		return NULL;
	}
	ret = ctl_stats_render(out, CTL_FMT_PROM, ms->ifname, &m);
	fprintf(out,
		"# HELP sl_xdp_build_info The sl-xdp version serving these metrics.\n"
		"# TYPE sl_xdp_build_info gauge\n"
		"sl_xdp_build_info{version=\"%s\"} 1\n", ctl_version);
	sl_maps_close(&m);
	if (fclose(out) || ret) {
		free(buf);
		return NULL;
	}
	return buf;
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int status,
			     char *body, size_t len, enum MHD_ResponseMemoryMode mode,
			     const char *type)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, mode);
	enum MHD_Result ret;

	if (!r) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_len, void **state)
{
	static const char text[] = "text/plain; charset=utf-8";
	static int first_call;
	const struct metrics_server *ms = cls;
	char *body;
	size_t len;

	(void)version;
	(void)upload;
	/* anything but GET and HEAD is refused at once, its body unread */
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
			     (char *)"only GET /metrics\n", 18,
			     MHD_RESPMEM_PERSISTENT, text);
	/* the first call only announces the request; answer on the second,
	 * when an upload (none is wanted) would have been read */
	if (!*state) {
		*state = &first_call;
		return MHD_YES;
	}
	if (*upload_len)
		return MHD_NO;	/* a body on a GET: drop the connection */
	if (strcmp(url, "/metrics"))
		return reply(conn, MHD_HTTP_NOT_FOUND, (char *)"GET /metrics\n", 13,
			     MHD_RESPMEM_PERSISTENT, text);
	body = render(ms, &len);
	if (!body)
		return reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
			     (char *)"sl-xdp is not attached on this interface\n",
			     41, MHD_RESPMEM_PERSISTENT, text);
	return reply(conn, MHD_HTTP_OK, body, len, MHD_RESPMEM_MUST_FREE,
		     "text/plain; version=0.0.4; charset=utf-8");
}

/* IPv4:PORT or [IPv6]:PORT (what [metrics] listen accepts) */
static int parse_listen(const char *text, struct sockaddr_storage *ss)
{
	char host[64];
	const char *port;
	unsigned long p;
	char *end;

	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		if (!close || close[1] != ':' || (size_t)(close - text - 1) >= sizeof(host))
			return -1;
		memcpy(host, text + 1, close - text - 1);
		host[close - text - 1] = 0;
		port = close + 2;
	} else {
		const char *colon = strrchr(text, ':');

		if (!colon || (size_t)(colon - text) >= sizeof(host))
			return -1;
		memcpy(host, text, colon - text);
		host[colon - text] = 0;
		port = colon + 1;
	}
	errno = 0;
	p = strtoul(port, &end, 10);
	if (!*port || *end || errno || !p || p > 65535)
		return -1;
	memset(ss, 0, sizeof(*ss));
	if (text[0] == '[') {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(p);
		return inet_pton(AF_INET6, host, &s6->sin6_addr) == 1 ? 0 : -1;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(p);
		return inet_pton(AF_INET, host, &s4->sin_addr) == 1 ? 0 : -1;
	}
}

/* --listen, else [metrics] listen of FILE (-c), of the file the
 * responder runs with, or of the default file */
static int listen_address(const char *ifname, const char *opt_listen,
			  const char *opt_config, char *out, size_t len)
{
	static struct sl_settings s;
	char path[PATH_MAX], err[512];
	const char *file = opt_config;

	if (opt_listen) {
		snprintf(out, len, "%s", opt_listen);
		return 0;
	}
	if (!file)
		file = sl_run_read_config_path(ifname, path, sizeof(path)) == 0 ?
			       path : CTL_DEFAULT_CONFIG;
	if (sl_settings_load_file(file, &s, err, sizeof(err))) {
		fprintf(stderr, "sl-ctl: %s\n", err);
		return -1;
	}
	if (!s.metrics_listen[0]) {
		fprintf(stderr,
			"sl-ctl: %s has no [metrics] listen = ADDR:PORT (metrics are off): add one, or give --listen\n",
			file);
		return -1;
	}
	snprintf(out, len, "%s", s.metrics_listen);
	return 0;
}

static int cmd_serve_metrics(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static struct metrics_server ms;
	const char *opt_config = NULL, *opt_listen = NULL;
	char listen_text[64], err[512];
	struct sockaddr_storage ss;
	struct MHD_Daemon *d;
	bool kept_bpf;
	sigset_t stop;
	int c, sig;

	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			opt_config = optarg;
			break;
		case 'l':
			opt_listen = optarg;
			break;
		case 'h':
			fputs(ctl_cmd_serve_metrics.usage, stdout);
			return 0;
		default:
			fputs(ctl_cmd_serve_metrics.usage, stderr);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fputs(ctl_cmd_serve_metrics.usage, stderr);
		return CTL_EXIT_USAGE;
	}
	if (!ctl_ifname_ok(argv[optind]))
		return CTL_EXIT_USAGE;
	snprintf(ms.ifname, sizeof(ms.ifname), "%s", argv[optind]);
	if (sl_check_env(err, sizeof(err))) {
		fprintf(stderr, "sl-ctl: %s\n", err);
		return CTL_EXIT_ERR;
	}
	if (listen_address(ms.ifname, opt_listen, opt_config, listen_text,
			   sizeof(listen_text)))
		return CTL_EXIT_ERR;
	if (parse_listen(listen_text, &ss)) {
		fprintf(stderr, "sl-ctl: '%s' is not IPv4:PORT or [IPv6]:PORT\n",
			listen_text);
		return CTL_EXIT_USAGE;
	}
	sl_pin_dir(ms.ifname, ms.dir, sizeof(ms.dir));
	/* what the sandbox would not allow later: the layout of this
	 * build's maps and the CPU count, worked out once */
	if (!sl_maps_layout() || libbpf_num_possible_cpus() <= 0) {
		fprintf(stderr, "sl-ctl: cannot read the built-in XDP object\n");
		return CTL_EXIT_ERR;
	}
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);	/* the server thread too */
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			     (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
			     0, NULL, NULL, on_request, &ms,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)METRICS_CONNECTIONS,
			     MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)METRICS_PER_CLIENT,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)METRICS_TIMEOUT_S,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)METRICS_CONN_MEMORY,
			     MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "sl-ctl: cannot listen on %s: %s\n", listen_text,
			strerror(errno));
		return CTL_EXIT_ERR;
	}
	if (sl_sandbox_enter(SL_SANDBOX_METRICS, -1, &kept_bpf, err, sizeof(err))) {
		fprintf(stderr, "sl-ctl: %s\n", err);
		MHD_stop_daemon(d);
		return CTL_EXIT_ERR;
	}
	fprintf(stderr, "sl-ctl: serving http://%s/metrics for %s\n", listen_text,
		ms.ifname);
	while (sigwait(&stop, &sig))
		;
	MHD_stop_daemon(d);
	return 0;
}

const struct ctl_cmd ctl_cmd_serve_metrics = {
	.name = "serve-metrics",
	.run = cmd_serve_metrics,
	.usage =
	"usage: sl-ctl serve-metrics IFACE [-c FILE] [--listen ADDR:PORT]\n"
	"  Serve HTTP GET /metrics (the families of 'stats --prometheus' and\n"
	"  sl_xdp_build_info) for IFACE until SIGTERM, on [metrics] listen of the\n"
	"  configuration (FILE, else the responder's) or on --listen.\n",
};
