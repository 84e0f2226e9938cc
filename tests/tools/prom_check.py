#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Check `sl-ctl stats --prometheus` output with a real parser.

    prom_check.py FILE [SAMPLE{LABELS}=VALUE ...]

Parses FILE with prometheus_client's text parser (the Python client's own,
from Debian's python3-prometheus-client) and fails unless every family has
a HELP text and is a counter whose samples end in _total (or a gauge, whose
name does not), no family is
declared twice, every metric and label name follows the Prometheus naming
rules, and each SAMPLE{LABELS}=VALUE given is present with that value
(labels as k="v" pairs, comma-separated, order free).  Prints what is
wrong; exit 0 if nothing is.
"""
import re
import sys

from prometheus_client.parser import text_string_to_metric_families

NAME = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*$')
LABEL = re.compile(r'^[a-zA-Z_][a-zA-Z0-9_]*$')


def main():
    text = open(sys.argv[1]).read()
    errors = []
    # the parser renames a counter sample without _total: check the text
    helped = set()
    types = {}
    for line in text.splitlines():
        m = re.match(r'^# (HELP|TYPE) (\S+)', line)
        if m and m.group(1) == 'HELP':
            helped.add(m.group(2))
        elif m:
            kind = line.split()[-1]
            if kind == 'counter' and not m.group(2).endswith('_total'):
                errors.append(f'{m.group(2)}: TYPE of a counter without _total')
            if kind == 'gauge' and m.group(2).endswith('_total'):
                errors.append(f'{m.group(2)}: a gauge named _total')
            types[m.group(2)] = kind
            if m.group(2) not in helped:
                errors.append(f'{m.group(2)}: TYPE without a HELP before it')
        elif line and not line.startswith('#'):
            name = re.split(r'[{ ]', line, 1)[0]
            if types.get(name) == 'counter' and not name.endswith('_total'):
                errors.append(f'{name}: a counter sample without _total')
            if name not in types:
                errors.append(f'{name}: a sample without a TYPE before it')
    samples = {}
    seen = set()
    for fam in text_string_to_metric_families(text):
        if fam.name in seen:
            errors.append(f'{fam.name}: family declared twice')
        seen.add(fam.name)
        if not fam.documentation:
            errors.append(f'{fam.name}: no HELP text')
        if fam.type not in ('counter', 'gauge'):
            errors.append(f'{fam.name}: type {fam.type}, not counter or gauge')
        if not NAME.match(fam.name) or fam.name != fam.name.lower():
            errors.append(f'{fam.name}: not a lower-case Prometheus name')
        for s in fam.samples:
            if fam.type == 'counter' and not s.name.endswith('_total'):
                errors.append(f'{s.name}: a counter sample without _total')
            for k in s.labels:
                if not LABEL.match(k):
                    errors.append(f'{s.name}: bad label name {k}')
            key = (s.name, frozenset(s.labels.items()))
            samples[key] = s.value
    if not seen:
        errors.append('no metric family at all')
    for want in sys.argv[2:]:
        m = re.match(r'^([^{]+)\{(.*)\}=(.+)$', want)
        if not m:
            errors.append(f'bad expectation {want}')
            continue
        labels = frozenset(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"', m.group(2)))
        got = samples.get((m.group(1), labels))
        if got is None:
            errors.append(f'{want}: no such sample')
        elif got != float(m.group(3)):
            errors.append(f'{want}: value {got}')
    for e in errors:
        print(e)
    print(f'{len(seen)} families, {len(samples)} samples, {len(errors)} problems')
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
