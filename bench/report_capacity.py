#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""results.md and capacity.png from bench/capacity.sh's capacity.tsv.

    report_capacity.py DIR

Tables: the highest paced rate with < 1 % loss per server core (the
headline), the flat-out rate and loss, one 5-tuple beside many flows,
loss and latency at 25/50/75/90 % of each server's own maximum, spin_us
and the old harness's Kamailio figure when those were run.  Medians over
the repeats, (min-max) beside them.  The chart: reply rate, loss and p99
against the offered (paced) rate, one line per server and flow mode.
"""
import csv
import os
import statistics
import sys


def med(v):
    return statistics.median(v) if v else 0


def rng(v, fmt="%.0f"):
    if not v:
        return "-"
    return (fmt + " (" + fmt + "-" + fmt + ")") % (med(v), min(v), max(v))


def load(path):
    with open(path) as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    for r in rows:
        for k in list(r):
            if k not in ("server", "flows", "kind"):
                r[k] = float(r[k])
    return rows


def best_per_rep(rows, server, flows):
    """The best passing search point of each repeat (loss < 1 %, the
    client offered >= 95 % of the target)."""
    best = {}
    for r in rows:
        if r["server"] != server or r["flows"] != flows or r["kind"] != "search":
            continue
        if r["loss_pct"] < 1.0 and r["offered"] >= 0.95 * r["target"]:
            b = best.get(r["rep"])
            if b is None or r["reply_rate"] > b["reply_rate"]:
                best[r["rep"]] = r
    return [best[k] for k in sorted(best)]


def cores(server):
    return 1


def main():
    out = sys.argv[1]
    rows = load(os.path.join(out, "capacity.tsv"))
    servers = []
    for r in rows:
        if r["server"] not in servers:
            servers.append(r["server"])
    flows_of = {s: [] for s in servers}
    for r in rows:
        if r["flows"] not in flows_of[r["server"]]:
            flows_of[r["server"]].append(r["flows"])
    md = []
    try:
        md.append("```\n" + open(os.path.join(out, "machine.txt")).read() + "```\n")
    except OSError:
        pass
    loads = []
    try:
        for line in open(os.path.join(out, "load.tsv")):
            loads.append(float(line.split()[1]))
    except (OSError, IndexError, ValueError):
        pass
    if loads:
        md.append("Load average during the run (sampled every 10 s, this run's "
                  "own client and server included): median %.2f, %.2f-%.2f.\n"
                  % (med(loads), min(loads), max(loads)))

    maxes = {}
    for s in servers:
        for f in flows_of[s]:
            b = best_per_rep(rows, s, f)
            maxes[(s, f)] = b

    kam = [s for s in servers if s.startswith("kamailio-n1")]
    ref = med([b["reply_rate"] for b in maxes.get((kam[0], "many"), [])]) if kam else 0

    md.append("### Highest evenly paced rate with < 1 % loss, per server core\n")
    md.append("Medians (min-max) over the repeats.  Server core busy: the share of "
              "the server's CPU that was not idle at that point (softirq "
              "included); client CPU: sl-bench's own (user+system, which "
              "includes the XDP program and socket delivery of each request "
              "it sends).\n")
    md.append("Limited by: the server when its core was >= 90 % busy at the "
              "maximum, else the client (its one core >= 90 % busy): then the "
              "server's figure is a lower bound.  Per busy core: the reply rate "
              "divided by the server core's busy share at the maximum, what a "
              "saturated core would answer at the same cost per reply (an "
              "extrapolation, not a measurement).\n")
    md.append("| server | flows | cores | replies/s, < 1 % loss | per core | limited by | server core busy | client CPU | per busy core | flat out: replies/s | flat out: loss | / kamailio-n1 |")
    md.append("|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|")
    ref_busy = 0
    if kam:
        kb = maxes.get((kam[0], "many"), [])
        ref_busy = med([x["reply_rate"] / (x["srv_core_busy_pct"] / 100) for x in kb
                        if x["srv_core_busy_pct"] > 0])
    for s in servers:
        for f in flows_of[s]:
            b = maxes[(s, f)]
            rates = [x["reply_rate"] for x in b]
            fo = [r for r in rows if r["server"] == s and r["flows"] == f and r["kind"] == "flatout"]
            m = med(rates)
            busy = med([x["srv_core_busy_pct"] for x in b])
            cli = med([x["client_cpu_pct"] for x in b])
            limit = "server" if busy >= 90 else "client" if cli >= 90 else "neither (noise?)"
            per_busy = med([x["reply_rate"] / (x["srv_core_busy_pct"] / 100) for x in b
                            if x["srv_core_busy_pct"] > 0])
            ratio = "-"
            if ref and f == "many" and not s.startswith("kamailio-n1"):
                ratio = "%.1fx" % (m / ref)
                if ref_busy:
                    ratio += " (%.1fx per busy core)" % (per_busy / ref_busy)
            md.append("| %s | %s | %d | %s | %.0f | %s | %s | %s | %.0f | %s | %s | %s |" % (
                s, f, cores(s), rng(rates), m / cores(s), limit,
                rng([x["srv_core_busy_pct"] for x in b], "%.0f %%"),
                rng([x["client_cpu_pct"] for x in b], "%.0f %%"), per_busy,
                rng([x["reply_rate"] for x in fo]),
                rng([x["loss_pct"] for x in fo], "%.1f %%"), ratio))
    md.append("")

    lat = [r for r in rows if r["kind"].startswith("lat")]
    if lat:
        md.append("### Loss and latency at a share of each server's own maximum\n")
        md.append("Evenly paced; medians (min-max) over the repeats.\n")
        md.append("| server | flows | share | rate/s | loss | p50 us | p99 us | p99.9 us | server core busy | client CPU |")
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for s in servers:
            for f in flows_of[s]:
                for pct in ("25", "50", "75", "90"):
                    pts = [r for r in lat if r["server"] == s and r["flows"] == f and r["kind"] == "lat" + pct]
                    if not pts:
                        continue
                    md.append("| %s | %s | %s %% | %.0f | %s | %s | %s | %s | %s | %s |" % (
                        s, f, pct, med([p["target"] for p in pts]),
                        rng([p["loss_pct"] for p in pts], "%.2f %%"),
                        rng([p["p50_us"] for p in pts]), rng([p["p99_us"] for p in pts]),
                        rng([p["p999_us"] for p in pts]),
                        rng([p["srv_core_busy_pct"] for p in pts], "%.0f %%"),
                        rng([p["client_cpu_pct"] for p in pts], "%.0f %%")))
        md.append("")

    spin = [s for s in servers if s.startswith("sl-xdp-spin")]
    if spin:
        md.append("### spin_us\n")
        md.append("| spin_us | max replies/s, < 1 % loss | p99 at 50 % us | p99 at 75 % us | sleeps per request at 50 % | server core busy at 50 % |")
        md.append("|---:|---:|---:|---:|---:|---:|")
        for s in spin:
            f = flows_of[s][0]
            b = maxes[(s, f)]
            p50 = [r for r in lat if r["server"] == s and r["kind"] == "lat50"]
            p75 = [r for r in lat if r["server"] == s and r["kind"] == "lat75"]
            md.append("| %s | %s | %s | %s | %s | %s |" % (
                s[len("sl-xdp-spin"):], rng([x["reply_rate"] for x in b]),
                rng([p["p99_us"] for p in p50]), rng([p["p99_us"] for p in p75]),
                rng([p["sleeps_per_req"] for p in p50], "%.2f"),
                rng([p["srv_core_busy_pct"] for p in p50], "%.0f %%")))
        md.append("")

    expl = [s for s in servers if s.startswith("kamailio-n2-")]
    if expl:
        md.append("### The old harness's Kamailio figure\n")
        md.append("Kamailio children=2 and two sl-bench threads, all unpinned on the "
                  "same CPUs, as `make bench` ran them before issue 12; the only "
                  "difference between the rows is how the client waits for its "
                  "next request.\n")
        md.append("| client wait | max replies/s, < 1 % loss | client CPU at max | server CPUs busy at max |")
        md.append("|---|---:|---:|---:|")
        for s in expl:
            b = maxes[(s, flows_of[s][0])]
            md.append("| %s | %s | %s | %s |" % (
                "poll without sleeping (old)" if s.endswith("spin") else "asleep until due (new)",
                rng([x["reply_rate"] for x in b]),
                rng([x["client_cpu_pct"] for x in b], "%.0f %%"),
                rng([x["srv_core_busy_pct"] for x in b], "%.0f %%")))
        md.append("")
        fixed = [r for r in rows if r["server"] in expl and r["kind"].startswith("fixed")]
        if fixed:
            md.append("At fixed rates (medians over the repeats): what the client and "
                      "Kamailio's processes got of the two CPUs (CPU seconds per second "
                      "of run, in %), and the requests the kernel dropped at Kamailio's "
                      "full socket buffer (UDP RcvbufErrors).\n")
            md.append("| rate/s | client wait | replies/s | loss | client CPU | Kamailio CPU | socket buffer drops |")
            md.append("|---:|---|---:|---:|---:|---:|---:|")
            for rate in sorted({r["target"] for r in fixed}):
                for s in expl:
                    p = [r for r in fixed if r["server"] == s and r["target"] == rate]
                    if not p:
                        continue
                    md.append("| %.0f | %s | %s | %s | %s | %s | %s |" % (
                        rate, "old (spin)" if s.endswith("spin") else "new (sleep)",
                        rng([x["reply_rate"] for x in p]),
                        rng([x["loss_pct"] for x in p], "%.1f %%"),
                        rng([x["client_cpu_pct"] for x in p], "%.0f %%"),
                        rng([100 * x["srv_proc_cpu_s"] / x["duration_s"] for x in p
                             if x["duration_s"] > 0], "%.0f %%"),
                        rng([x["udp_rcvbuf_errors"] for x in p])))
            md.append("")

    md.append("Chart: capacity.png (reply rate, loss and p99 against the offered rate).")
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))
    chart(rows, servers, flows_of, os.path.join(out, "capacity.png"))


def chart(rows, servers, flows_of, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(no python3-matplotlib: no chart)")
        return
    fig, ax = plt.subplots(3, 1, figsize=(9, 11), sharex=True)
    for s in servers:
        for f in flows_of[s]:
            pts = {}
            for r in rows:
                if r["server"] != s or r["flows"] != f or r["kind"] == "flatout":
                    continue
                pts.setdefault(r["target"], []).append(r)
            ts = sorted(pts)
            if not ts:
                continue
            # against what the client really offered: above its own
            # limit it offers less than the target
            xs = [med([p["offered"] for p in pts[t]]) for t in ts]
            lab = "%s, %s" % (s, "one 5-tuple" if f == "one" else "16 flows" if f == "many" else f)
            ax[0].plot(xs, [med([p["reply_rate"] for p in pts[t]]) for t in ts], marker=".", label=lab)
            ax[1].plot(xs, [med([p["loss_pct"] for p in pts[t]]) for t in ts], marker=".", label=lab)
            ax[2].plot(xs, [max(1, med([p["p99_us"] for p in pts[t]])) for t in ts], marker=".", label=lab)
    ax[0].set_ylabel("replies/s")
    ax[1].set_ylabel("loss %")
    ax[1].set_yscale("symlog", linthresh=0.1)
    ax[2].set_ylabel("p99 latency, us")
    ax[2].set_yscale("log")
    ax[2].set_xlabel("offered rate, requests/s (evenly paced)")
    for a in ax:
        a.set_xscale("log")
        a.grid(True, which="both", alpha=0.3)
    ax[0].legend(fontsize=8)
    ax[0].set_title("One server core each: reply rate, loss and p99 against offered load")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


if __name__ == "__main__":
    main()
