#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""bench/run.sh's report: medians and ranges from OUT/raw.tsv, a Markdown
table (OUT/results.md, also on stdout) and OUT/reply_rate.png."""
import csv
import os
import statistics
import sys

LOSS_OK = 1.0
out = sys.argv[1] if len(sys.argv) > 1 else "bench/results"
rows = list(csv.DictReader(open(os.path.join(out, "raw.tsv")), delimiter="\t"))
for r in rows:
    for k, v in r.items():
        if k not in ("config", "kind"):
            try:
                r[k] = float(v)
            except (TypeError, ValueError):
                r[k] = 0.0

order = ["kamailio-c1", "kamailio-c2", "sl-xdp-native", "sl-xdp-skb", "xdp-drop"]
configs = [c for c in order if any(r["config"] == c for r in rows)]


def read_tsv(name):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return []
    rs = list(csv.DictReader(open(path), delimiter="\t"))
    for r in rs:
        for k, v in r.items():
            if k != "config":
                try:
                    r[k] = float(v)
                except (TypeError, ValueError):
                    r[k] = 0.0
    return rs


flood = read_tsv("flood.tsv")


def med(v):
    return statistics.median(v) if v else None


def rng(v, fmt="{:.0f}"):
    if not v:
        return "-"
    if len(v) == 1:
        return fmt.format(v[0])
    return (fmt + " ({}-{})").format(med(v), fmt.format(min(v)), fmt.format(max(v)))


def good(r):
    return r["loss_pct"] < LOSS_OK and r["offered"] >= 0.9 * r["target"]


def best_per_rep(c, kind):
    """Each repeat's highest passing point of a search."""
    best = []
    for rep in sorted({r["rep"] for r in rows if r["config"] == c and r["kind"] == kind}):
        ok = [r for r in rows if r["config"] == c and r["kind"] == kind
              and r["rep"] == rep and good(r)]
        if ok:
            best.append(max(ok, key=lambda r: r["reply_rate"]))
    return best


res = {}
for c in configs:
    d = {}
    best = best_per_rep(c, "search")
    d["max"] = [r["reply_rate"] for r in best]
    d["proc"] = [r["proc_cpu_s"] / r["replies"] * 1e6 for r in best if r["replies"]]
    d["sirq"] = [r["softirq_s"] / r["replies"] * 1e6 for r in best if r["replies"]]
    d["busy"] = [r["busy_s"] / r["replies"] * 1e6 for r in best if r["replies"]]
    lat = [r for r in rows if r["config"] == c and r["kind"] == "latency"]
    d["lat_rate"] = [r["target"] for r in lat]
    d["p50"] = [r["p50_us"] for r in lat]
    d["p99"] = [r["p99_us"] for r in lat]
    d["p999"] = [r["p999_us"] for r in lat]
    inv = [r for r in rows if r["config"] == c and r["kind"] == "invite"]
    d["inv_rate"] = [r["reply_rate"] for r in inv]
    d["inv_loss"] = [r["loss_pct"] for r in inv]
    if c.startswith("sl-xdp"):
        d["acks"] = [r["acks_absorbed"] / r["duration_s"] for r in inv if r["duration_s"]]
    else:
        d["acks"] = [r["acks_sent"] / r["duration_s"] for r in inv if r["duration_s"]]
    drop = [r for r in rows if r["config"] == c and r["kind"] == "drop"]
    if drop:
        d["acks"] = [r["offered"] for r in drop]
        d["sirq_ack"] = [r["softirq_s"] / (r["offered"] * r["duration_s"]) * 1e6
                         for r in drop if r["offered"]]
    res[c] = d

lines = []
mach = os.path.join(out, "machine.txt")
if os.path.exists(mach):
    lines.append("```")
    lines += open(mach).read().strip().splitlines()
    lines.append("```")
    lines.append("")
has_search = any(r["kind"] in ("search", "drop") for r in rows)
if configs and has_search:
    lines.append("Medians, (min-max) over the repeats.  CPU per 1 M replies at the "
                 "highest passing OPTIONS step: server processes' user+system "
                 "time; softirq and busy are the whole machine's (client included).")
    lines.append("")
    lines.append("| server | OPTIONS max replies/s (<1 % loss) | server CPU s / 1M | "
                 "softirq s / 1M (machine) | busy s / 1M (machine) | "
                 "latency at 50 % of max, pinned: p50 / p99 / p99.9 us | "
                 "INVITE->486 replies/s (flat out) | ACKs absorbed/s |")
    lines.append("|---|---:|---:|---:|---:|---|---:|---:|")
    for c in configs:
        d = res[c]
        if not any(r["config"] == c and r["kind"] in ("search", "drop")
                   for r in rows):
            continue            # reply forwarding only (BENCH_ONLY=forward)
        if c == "xdp-drop":
            lines.append("| trivial XDP drop (stand-alone ACKs) | - | - | - | - | - | - | %s |"
                         % rng(d["acks"]))
            continue
        lat = "-"
        if d["p50"]:
            lat = "%.0f / %.0f / %.0f (at %.0f/s)" % (med(d["p50"]), med(d["p99"]),
                                                     med(d["p999"]), med(d["lat_rate"]))
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            c, rng(d["max"]), rng(d["proc"], "{:.2f}"), rng(d["sirq"], "{:.2f}"),
            rng(d["busy"], "{:.2f}"), lat, rng(d["inv_rate"]), rng(d["acks"])))
    lines.append("")

pairs = [(x, k) for x in ("sl-xdp-native", "sl-xdp-skb")
         for k in ("kamailio-c1", "kamailio-c2")
         if x in res and k in res and res[x]["max"] and res[k]["max"]]
if pairs:
    lines.append("Ratios sl-xdp / Kamailio (medians):")
    lines.append("")
    lines.append("| ratio | OPTIONS max reply rate | server CPU / 1M | "
                 "busy CPU / 1M | p50 latency | p99 latency | ACKs/s |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|")

    def ratio(a, b):
        ma, mb = med(a), med(b)
        if not ma or not mb:
            return "-"
        return "%.2fx" % (ma / mb)
    for x, k in pairs:
        a, b = res[x], res[k]
        lines.append("| %s / %s | %s | %s | %s | %s | %s | %s |" % (
            x, k, ratio(a["max"], b["max"]), ratio(a["proc"], b["proc"]),
            ratio(a["busy"], b["busy"]), ratio(a["p50"], b["p50"]),
            ratio(a["p99"], b["p99"]), ratio(a["acks"], b["acks"])))
    lines.append("")

# reply forwarding: sl-bench -m reply, 480s forwarded back as 404s
fwd = {}
for c in configs:
    best = best_per_rep(c, "forward")
    if best:
        fwd[c] = {
            "max": [r["reply_rate"] for r in best],
            "proc": [r["proc_cpu_s"] / r["replies"] * 1e6 for r in best if r["replies"]],
            "busy": [r["busy_s"] / r["replies"] * 1e6 for r in best if r["replies"]],
        }
fprog = {r["config"]: r for r in read_tsv("forward_prog.tsv")}
if fwd:
    lines.append("Reply forwarding (`sl-bench -m reply`: 480s with the server's Via "
                 "on top and the client's below, forwarded back as 404 by Kamailio's "
                 "`sl_forward_reply(\"404\", \"Not Found\")` or sl-xdp's `[forward]` "
                 "+ `[rewrite]`): max forwarded replies/s with < 1 % loss, CPU per "
                 "1 M at that step (server processes' user+system; busy: the whole "
                 "machine, client included); XDP ns per run: sl-xdp's program, "
                 "run_time_ns / run_cnt (bpf_stats) over all its searches.")
    lines.append("")
    lines.append("| server | forwarded replies/s | server CPU s / 1M | busy s / 1M (machine) "
                 "| XDP ns per run | / kamailio-c1 | / kamailio-c2 |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|")
    for c in configs:
        if c not in fwd:
            continue
        rat = []
        for k in ("kamailio-c1", "kamailio-c2"):
            if k in fwd and c != k and med(fwd[k]["max"]):
                rat.append("%.1fx" % (med(fwd[c]["max"]) / med(fwd[k]["max"])))
            else:
                rat.append("-")
        fp = fprog.get(c)
        nsrun = "%.0f" % (fp["prog_ns"] / fp["prog_runs"]) if fp and fp["prog_runs"] else "-"
        lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            c, rng(fwd[c]["max"]), rng(fwd[c]["proc"], "{:.2f}"),
            rng(fwd[c]["busy"], "{:.2f}"), nsrun, rat[0], rat[1]))
    lines.append("")

latc = [c for c in configs if res[c]["p99"]]
if latc:
    lines.append("Latency at 50 %% of each server's own median max (OPTIONS, fixed "
                 "rate, %d rounds, each running every server once, after all other "
                 "points): server processes on CPU 0, sl-bench (1 thread) on "
                 "CPU 1 (taskset).  XDP and the veth receive path of a packet run "
                 "in softirq on the CPU that sent it.  Client CPU: sl-bench's "
                 "user+system time (the softirq work done in its context "
                 "included) / run time." % max(len(res[c]["p99"]) for c in latc))
    lines.append("")
    lines.append("| server | rate/s | p50 us | p99 us | p99.9 us | client CPU | "
                 "p99 / kamailio-c1 | p99 / kamailio-c2 |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for c in latc:
        lat = [r for r in rows if r["config"] == c and r["kind"] == "latency"]
        ccpu = [100 * r.get("client_cpu_s", 0) / (r["duration_s"] + 0.5)
                for r in lat if r["duration_s"]]
        rat = []
        for k in ("kamailio-c1", "kamailio-c2"):
            if k in res and res[k]["p99"] and c != k:
                rat.append("%.2fx" % (med(res[c]["p99"]) / med(res[k]["p99"])))
            else:
                rat.append("-")
        lines.append("| %s | %.0f | %s | %s | %s | %s | %s | %s |" % (
            c, med(res[c]["lat_rate"]), rng(res[c]["p50"]), rng(res[c]["p99"]),
            rng(res[c]["p999"]), rng(ccpu, "{:.0f} %") if ccpu else "-",
            rat[0], rat[1]))
    lines.append("")

forder = ["sl-xdp-native", "sl-xdp-skb", "xdp-drop", "xdp-drop-generic"]
fconf = [c for c in forder if any(r["config"] == c for r in flood)]
if fconf:
    fl = {c: [r for r in flood if r["config"] == c] for c in fconf}

    def fmed(c, k):
        v = [r[k] for r in fl.get(c, [])]
        return med(v) if v else None
    lines.append("ACK flood (`sl-bench --ack-flood %d`: the ACKs of %d answered "
                 "INVITEs, over and over, flat out; xdp-drop gets same-size "
                 "ACKs).  Counted: sl-xdp's `acks_absorbed`, xdp_drop's "
                 "run_cnt (bpf_stats) less the INVITEs.  ns/run: the "
                 "program's run_time_ns / run_cnt over the flood." % (
                     flood[0]["acks_kept"] + flood[0]["acks_synthetic"],
                     flood[0]["acks_kept"] + flood[0]["acks_synthetic"])
                 if flood[0]["acks_kept"] + flood[0]["acks_synthetic"] else
                 "ACK flood (`sl-bench --ack-flood`).")
    lines.append("")
    lines.append("| program | ACKs sent/s (client) | ACKs absorbed or dropped/s "
                 "| of sent | ns per run (bpf_stats) | ratio to xdp_drop, same mode |")
    lines.append("|---|---:|---:|---:|---:|---:|")
    base = {"sl-xdp-native": "xdp-drop", "sl-xdp-skb": "xdp-drop-generic"}
    for c in fconf:
        rs = fl[c]
        ratio = "-"
        b = base.get(c)
        if b in fl and fmed(b, "counted_rate"):
            ratio = "%.2f (%.0f %%)" % (fmed(c, "counted_rate") / fmed(b, "counted_rate"),
                                        100 * fmed(c, "counted_rate") / fmed(b, "counted_rate"))
        part = ["%.1f" % (100 * r["counted"] / r["acks_sent"]) for r in rs if r["acks_sent"]]
        lines.append("| %s | %s | %s | %s %% | %s | %s |" % (
            c, rng([r["sent_rate"] for r in rs]), rng([r["counted_rate"] for r in rs]),
            "/".join(part) if part else "-",
            rng([r["ns_per_run"] for r in rs], "{:.0f}"), ratio))
    if "sl-xdp-skb" in fl and "xdp-drop" in fl and fmed("xdp-drop", "counted_rate"):
        lines.append("")
        lines.append("sl-xdp-skb / native xdp-drop: %.2f" % (
            fmed("sl-xdp-skb", "counted_rate") / fmed("xdp-drop", "counted_rate")))
    lines.append("")

png = os.path.join(out, "reply_rate.png")


def chart():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 5))
    for c in configs:
        pts = sorted((r["offered"], r["reply_rate"]) for r in rows
                     if r["config"] == c and r["kind"] == "search")
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], "o-", ms=3,
                    label=c, alpha=0.8)
    lim = max([r["offered"] for r in rows if r["kind"] == "search"] + [1])
    ax.plot([0, lim], [0, lim], "k:", lw=0.8, label="reply = offered")
    ax.set_xlabel("offered OPTIONS/s")
    ax.set_ylabel("200 OK replies/s")
    ax.set_title("OPTIONS -> 200: reply rate vs offered rate (veth, namespaces)")
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(png, dpi=100)
    lines.append("Chart: %s" % png)


if any(r["kind"] == "search" for r in rows):
    try:
        chart()
    except ImportError:
        lines.append("Chart skipped: python3-matplotlib is not installed")

text = "\n".join(lines) + "\n"
open(os.path.join(out, "results.md"), "w").write(text)
sys.stdout.write(text)
