#!/usr/bin/env python3
"""A Korean report holds no English generated sentence (issue 22): every string a report of
language TAG shows (title, banners, section titles, introductions, facts, table titles, notes,
headings and cells; not the second column of a table "authoritative", which keeps the
authoritative text on purpose) is scanned against the English catalogue's values
(src/report/lang/en.json): none may be an English catalogue text whose translation differs, or
match an English pattern whose translation differs; and none of those English texts of 20
characters or more may appear inside any string of the Markdown rendering either.
Usage: report_lang_scan.py EN_CATALOGUE TAG_CATALOGUE REPORT.json REPORT.md
Prints each English text found and exits 1 when there is any."""
import json
import re
import sys

en = json.load(open(sys.argv[1], encoding='utf-8'))
tr = json.load(open(sys.argv[2], encoding='utf-8'))
doc = json.load(open(sys.argv[3], encoding='utf-8'))
md = open(sys.argv[4], encoding='utf-8').read()

exact, patterns = set(), []
for k, v in en.items():
    if tr.get(k) == v:
        continue  # written alike in both (an abbreviation, a number)
    if '{}' in k or '{w}' in k:
        rx = '^' + ''.join('(.+?)' if p == '{}' else r'(\S+?)' if p == '{w}' else re.escape(p)
                           for p in re.split(r'(\{w?\})', k)) + '$'
        patterns.append((k, re.compile(rx)))
    else:
        exact.add(k)

found = []
scanned = [0]


def scan(where, s):
    if not isinstance(s, str) or not s:
        return
    scanned[0] += 1
    if s in exact:
        found.append((where, s))
        return
    for k, rx in patterns:
        if rx.match(s):
            found.append((where, s + '   [pattern ' + k + ']'))
            return


scan('title', doc.get('title'))
scan('banner', doc.get('banner'))
for sec in doc.get('sections', []):
    sid = sec.get('id', '?')
    for key in ('title', 'banner'):
        scan(sid + '.' + key, sec.get(key))
    for s in sec.get('intro', []):
        scan(sid + '.intro', s)
    for f in sec.get('facts', []):
        for s in f:
            scan(sid + '.facts', s)
    for t in sec.get('tables', []):
        keep = t.get('id') == 'authoritative'
        for key in ('title', 'note'):
            scan(sid + '.' + t.get('id', '?') + '.' + key, t.get(key))
        for s in t.get('headings', []):
            scan(sid + '.' + t.get('id', '?') + '.headings', s)
        for row in t.get('rows', []):
            for i, s in enumerate(row):
                if not (keep and i == 1):
                    scan(sid + '.' + t.get('id', '?') + '.rows', s)
auth = set()
for sec in doc.get('sections', []):
    for t in sec.get('tables', []):
        if t.get('id') == 'authoritative':
            auth.update(r[1] for r in t.get('rows', []))
for k in sorted(exact):
    if len(k) >= 20 and k in md and k not in auth and not any(k in a for a in auth):
        found.append(('md', k))
for where, s in found:
    print('English left in %s: %s' % (where, s))
print('%d strings scanned against %d English texts and %d patterns: %d English left'
      % (scanned[0], len(exact), len(patterns), len(found)))
sys.exit(1 if found else 0)
