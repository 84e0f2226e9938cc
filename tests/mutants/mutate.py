#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""make mutate: plant small bugs in the product one at a time, run the
tests that should catch each, and report the ones that survive.

  tests/mutants/mutate.py [--check] [--keep] [--no-doc] [NAME...]

A mutant is a file tests/mutants/NN-name.mut:

  # what the bug is, one line (the table's description)
  area: rules                       (parser, engine, to-tag, ACK window, ...)
  tests: test_xdp test_config       (tests/run_tests.sh filters)
  --- find
  <exact text, whole lines, tabs as in the source>
  --- replace
  <its replacement, possibly nothing>

The find text is looked up in every source file under bpf/, include/
and user/ (wherever it lives now: a file may move).  It must occur
exactly once in all of them; otherwise the mutant is "stale" (the code
it targets changed: update or drop it) and is neither run nor counted
as killed.

The run works on a copy of the working tree (git's tracked and
untracked, not ignored, files) in /tmp/slx-mutate.XXXXXX, so the
checkout is never touched, even on Ctrl-C.  There: make all (and
build/sl-bench), then the union of the mutants' tests on the unmutated
tree (they must pass, or nothing can be learned), then per mutant:
apply it, make (only what depends on the file is rebuilt), run its
tests, restore the file.  A mutant is "killed" when its tests fail,
"survived" when they pass, "no build" when the product does not
compile with it, "no test" when a test it names matches no suite.  The table goes to docs/MUTATION.md (--no-doc: only to
build/mutate/MUTATION.md), with the commit measured.  Exit status 0
only if every mutant was killed.

--check: only say, for each mutant, whether it applies (no root, no
build: seconds).  --keep: keep the copy and print its path.
Needs root (the tests load BPF programs and make network namespaces).
Not part of make test: it takes several minutes per mutant at worst.
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
MUTANTS = os.path.join(ROOT, "tests", "mutants")
SEARCHED = ("bpf/", "include/", "user/")
MAKE_TARGETS = ["all", "build/sl-bench"]
JOBS = os.environ.get("SL_MUTATE_JOBS", "2")


class Mutant:
    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)[:-len(".mut")]
        self.what = ""
        self.area = ""
        self.tests = []
        text = open(path).read()
        head, sep, rest = text.partition("--- find\n")
        if not sep:
            raise ValueError("%s: no '--- find' line" % path)
        self.find, sep, self.replace = rest.partition("--- replace\n")
        if not sep:
            raise ValueError("%s: no '--- replace' line" % path)
        for line in head.splitlines():
            if line.startswith("#") and not self.what:
                self.what = line.lstrip("# ").strip()
            elif line.startswith("area:"):
                self.area = line.split(":", 1)[1].strip()
            elif line.startswith("tests:"):
                self.tests = line.split(":", 1)[1].split()
        if not self.find.strip():
            raise ValueError("%s: empty find text" % path)
        if not self.tests:
            raise ValueError("%s: no tests" % path)
        self.where = []     # files holding the find text, with counts
        self.status = ""
        self.caught_by = ""
        self.seconds = 0.0


def source_files(root):
    out = subprocess.run(["git", "-C", root, "ls-files", "-co",
                          "--exclude-standard"], capture_output=True,
                         text=True, check=True).stdout.split("\n")
    return [f for f in out if f.startswith(SEARCHED) and
            f.endswith((".c", ".h")) and os.path.isfile(os.path.join(root, f))]


def locate(m, root, files):
    m.where = []
    for f in files:
        try:
            n = open(os.path.join(root, f), encoding="utf-8",
                     errors="surrogateescape").read().count(m.find)
        except OSError:
            continue
        if n:
            m.where.append((f, n))
    total = sum(n for _, n in m.where)
    if total != 1:
        m.status = "stale"
        m.caught_by = ("its code is gone (found nowhere)" if total == 0 else
                       "found %d times: %s" % (total, ", ".join(
                           "%s (%d)" % w for w in m.where)))
        return False
    return True


def find_corpus():
    for c in (os.environ.get("SL_CORPUS_DIR", ""),
              os.path.join(ROOT, "..", "shared", "corpus"),
              "/work/shared/corpus"):
        if c and os.path.isfile(os.path.join(c, "rfc4475", "index.tsv")):
            return os.path.realpath(c)
    return ""


def run(cmd, cwd, log, env=None):
    with open(log, "w") as f:
        return subprocess.run(cmd, cwd=cwd, stdout=f, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, env=env).returncode


def suites_run(log, only_failed=False):
    """The suites of the runner's summary ("ok    name: ..." / "FAIL  name: ...")."""
    pattern = r"^FAIL  (\S+):" if only_failed else r"^(?:ok   |FAIL ) (\S+):"
    names = []
    for line in open(log, errors="replace"):
        mm = re.match(pattern, line)
        if mm:
            names.append(mm.group(1))
    return names


def unmatched(filters, log):
    """The filters that named no suite in that run: a typo or a test that
    does not exist (here) is not a kill."""
    ran = suites_run(log)
    return [f for f in filters if not any(f in n for n in ran)]


def failed_suites(log):
    return suites_run(log, only_failed=True)


def commit_measured():
    rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short=12", "HEAD"],
                         capture_output=True, text=True).stdout.strip()
    subj = subprocess.run(["git", "-C", ROOT, "log", "-1", "--format=%s"],
                          capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain",
                            "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return rev, subj, bool(dirty)


def table(mutants, started, total_s, note):
    rev, subj, dirty = commit_measured()
    killed = sum(m.status == "killed" for m in mutants)
    lines = [
        "# Mutation check",
        "",
        "Generated by `make mutate` (tests/mutants/mutate.py); do not edit by hand.",
        "Each mutant is one small bug planted in a copy of the tree (tests/mutants/*.mut);",
        "the tests named for it run against it.  killed: they failed, as they must;",
        "survived: they passed with the bug in (a gap in the tests); stale: the code",
        "the mutant targets changed, it no longer applies exactly once; no test: a",
        "test it names does not exist; no build: it does not compile.",
        "",
        "- Commit measured: `%s` (%s)%s" % (rev, subj,
                                          ", with uncommitted changes" if dirty else ""),
        "- Run: %s, %d s, kernel %s" % (started, total_s, os.uname().release),
        "- Result: %d of %d killed" % (killed, len(mutants)),
    ]
    if note:
        lines.append("- " + note)
    lines += [
        "",
        "| Mutant | Area | The bug | Tests run | Result | Caught by / why | s |",
        "|---|---|---|---|---|---|---|",
    ]
    for m in mutants:
        lines.append("| %s | %s | %s | %s | %s | %s | %d |" % (
            m.name, m.area, m.what.replace("|", "\\|"),
            " ".join("`%s`" % t for t in m.tests), m.status,
            m.caught_by.replace("|", "\\|"), round(m.seconds)))
    return "\n".join(lines) + "\n"


def main(argv):
    check_only = "--check" in argv
    keep = "--keep" in argv
    no_doc = "--no-doc" in argv
    names = [a for a in argv if not a.startswith("--")]
    paths = sorted(glob.glob(os.path.join(MUTANTS, "*.mut")))
    mutants = [Mutant(p) for p in paths]
    if names:
        mutants = [m for m in mutants if any(n in m.name for n in names)]
    if not mutants:
        print("mutate: no mutant matches", file=sys.stderr)
        return 2

    files = source_files(ROOT)
    live = [m for m in mutants if locate(m, ROOT, files)]
    if check_only:
        for m in mutants:
            print("%-40s %s" % (m.name, "applies (%s)" % m.where[0][0]
                                if m in live else "STALE: " + m.caught_by))
        return 0 if len(live) == len(mutants) else 1
    if os.geteuid() != 0:
        print("mutate: must run as root (the tests load BPF programs)",
              file=sys.stderr)
        return 2

    started = time.strftime("%Y-%m-%d %H:%M %Z")
    t_start = time.time()
    outdir = os.path.join(ROOT, "build", "mutate")
    os.makedirs(outdir, exist_ok=True)
    tree = tempfile.mkdtemp(prefix="slx-mutate.")
    env = dict(os.environ)
    corpus = find_corpus()
    if corpus:
        env["SL_CORPUS_DIR"] = corpus
    env.pop("MAKEFLAGS", None)
    env.pop("MFLAGS", None)
    env.pop("MAKELEVEL", None)
    note = ""
    try:
        print("mutate: copying the tree to %s" % tree, flush=True)
        for f in subprocess.run(["git", "-C", ROOT, "ls-files", "-co",
                                 "--exclude-standard"], capture_output=True,
                                text=True, check=True).stdout.split("\n"):
            src = os.path.join(ROOT, f)
            if not f or not os.path.isfile(src) or os.path.islink(src):
                continue
            dst = os.path.join(tree, f)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(src, dst)
        make = ["make", "--no-print-directory", "-j" + JOBS] + MAKE_TARGETS
        print("mutate: building the unmutated copy", flush=True)
        if run(make, tree, os.path.join(outdir, "build.log"), env):
            print("mutate: the unmutated tree does not build: %s/build.log"
                  % outdir, file=sys.stderr)
            return 2
        union = sorted({t for m in live for t in m.tests})
        print("mutate: baseline, the unmutated tree: %s" % " ".join(union),
              flush=True)
        base_log = os.path.join(outdir, "baseline.log")
        rc = run(["tests/run_tests.sh", "-q"] + union, tree, base_log, env)
        missing = unmatched(union, base_log)
        if missing:
            print("mutate: no suite matches %s (their mutants: no test)"
                  % " ".join(missing), flush=True)
        if rc and (failed_suites(base_log) or len(missing) < len(union)):
            print("mutate: the tests fail without any mutant (%s): see %s"
                  % (", ".join(failed_suites(base_log)), base_log),
                  file=sys.stderr)
            return 2
        for m in mutants:
            if m not in live:
                print("mutate: %-40s stale (%s)" % (m.name, m.caught_by),
                      flush=True)
                continue
            t0 = time.time()
            rel = m.where[0][0]
            target = os.path.join(tree, rel)
            original = open(target, encoding="utf-8",
                            errors="surrogateescape").read()
            with open(target, "w", encoding="utf-8",
                      errors="surrogateescape") as f:
                f.write(original.replace(m.find, m.replace, 1))
            try:
                log = os.path.join(outdir, m.name + ".log")
                if run(make, tree, log, env):
                    m.status = "no build"
                    m.caught_by = "does not compile (%s): rewrite it" % rel
                else:
                    rc = run(["tests/run_tests.sh", "-q"] + m.tests, tree,
                             log, env)
                    missing = unmatched(m.tests, log)
                    if missing:
                        m.status = "no test"
                        m.caught_by = "no suite matches %s" % " ".join(
                            "`%s`" % f for f in missing)
                    elif rc:
                        m.status = "killed"
                        m.caught_by = ", ".join(
                            "`%s`" % s for s in failed_suites(log)) or \
                            "runner exit %d" % rc
                    else:
                        m.status = "survived"
                        m.caught_by = "nothing failed"
            finally:
                with open(target, "w", encoding="utf-8",
                          errors="surrogateescape") as f:
                    f.write(original)
            m.seconds = time.time() - t0
            print("mutate: %-40s %-8s %s (%d s)" % (m.name, m.status,
                                                 m.caught_by, m.seconds),
                  flush=True)
    except KeyboardInterrupt:
        print("mutate: interrupted", file=sys.stderr)
        return 130
    finally:
        if keep:
            print("mutate: kept the copy in %s" % tree)
        else:
            shutil.rmtree(tree, ignore_errors=True)

    if names:
        note = "Only the mutants matching: " + " ".join(names)
    text = table(mutants, started, time.time() - t_start, note)
    with open(os.path.join(outdir, "MUTATION.md"), "w") as f:
        f.write(text)
    if not no_doc:
        os.makedirs(os.path.join(ROOT, "docs"), exist_ok=True)
        with open(os.path.join(ROOT, "docs", "MUTATION.md"), "w") as f:
            f.write(text)
    print(text)
    survivors = [m.name for m in mutants if m.status != "killed"]
    if survivors:
        print("mutate: not killed: %s" % " ".join(survivors))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
