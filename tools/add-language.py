#!/usr/bin/env python3
"""Adds a language to a scenario written in one (docs/scenario-format.md, "Texts and languages").

  tools/add-language.py --list SCENARIO            every text of the scenario, as a JSON object
                                                   {"English text": ""} to fill in
  tools/add-language.py SCENARIO TAG TEXTS.json    rewrites SCENARIO in place: each text with a
                                                   translation in TEXTS.json becomes a map
                                                   {AUTH: ..., TAG: ...}; exercise.languages is
                                                   declared after exercise.id

Only the texts change: comments, layout and every other byte stay. A text is rewritten where it
stands, as a flow map in a flow collection, else as a block map under its key. The authoritative
language is the scenario's first declared one (default en). `caucus lint --require-languages`
then says what is left untranslated."""
import json
import sys

import yaml

TEXT_KEYS = {
    "exercise": ["title", "description"],
    "phases": ["title"],
    "classifications": ["display"],
    "parties": ["name"],
    "cells": ["name", "description"],
    "seats": ["role"],
    "objectives": ["title", "capability", "description"],
    "injects": ["title", "body", "notes", "expected_actions"],
    "decisions": ["question"],
    "options": ["text"],
    "mechanisms": ["title", "description"],
    "stages": ["title"],
    "consultations": ["topic"],
    "guidelines": ["text"],
}


def mapping(node):
    return {k.value: (k, v) for k, v in node.value} if isinstance(node, yaml.MappingNode) else {}


def texts(root):
    """(scalar node, key node, flow) of every text that is a string, in file order."""
    out = []

    def item_texts(kind, item):
        m = mapping(item)
        for key in TEXT_KEYS.get(kind, []):
            if key not in m:
                continue
            k, v = m[key]
            if isinstance(v, yaml.ScalarNode):
                out.append((v, k, item.flow_style))
            elif isinstance(v, yaml.SequenceNode) and key == "expected_actions":
                out.extend((x, None, True) for x in v.value if isinstance(x, yaml.ScalarNode))
        for sub in ("phases", "options", "stages", "classifications"):
            if sub in m and isinstance(m[sub][1], yaml.SequenceNode):
                for x in m[sub][1].value:
                    item_texts(sub, x)

    top = mapping(root)
    for section, (_, node) in top.items():
        if section == "exercise":
            item_texts("exercise", node)
        elif section == "label_policy":
            item_texts("label_policy", node)
        elif isinstance(node, yaml.SequenceNode):
            for x in node.value:
                item_texts(section, x)
    return out


def q(s):
    return json.dumps(s, ensure_ascii=False)


def block_text(text, ind):
    """text as a folded block scalar (lines of about 95 columns, broken at single spaces) when
    long, else as a double-quoted string."""
    if len(ind) + len(text) < 96 or "\n" in text or "  " in text or text != text.strip():
        return q(text)
    lines, cur = [], ""
    for w in text.split(" "):
        if cur and len(ind) + 2 + len(cur) + 1 + len(w) > 95:
            lines.append(cur)
            cur = w
        else:
            cur = w if not cur else cur + " " + w
    lines.append(cur)
    return ">-\n" + "\n".join(ind + "  " + x for x in lines)


def main():
    if sys.argv[1] == "--list":
        src = open(sys.argv[2], encoding="utf-8").read()
        seen = {}
        for v, _, _ in texts(yaml.compose(src)):
            seen.setdefault(v.value, "")
        print(json.dumps(seen, ensure_ascii=False, indent=1))
        return
    path, tag, tr = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3], encoding="utf-8"))
    src = open(path, encoding="utf-8").read()
    root = yaml.compose(src)
    ex = mapping(mapping(root)["exercise"][1])
    auth = "en"
    if "languages" in ex:
        auth = ex["languages"][1].value[0].value
    edits = []
    for v, k, flow in texts(root):
        if v.value not in tr or not tr[v.value]:
            continue
        end = v.end_mark.index
        if v.style in ("|", ">") and src[end - 1] == "\n":
            end -= 1  # a block scalar's span ends after its last line break: keep that break
        orig = src[v.start_mark.index:end]
        if flow or k is None:
            en = orig if "\n" not in orig and v.style in ('"', "'") else q(v.value)
            new = "{%s: %s, %s: %s}" % (auth, en, tag, q(tr[v.value]))
        else:
            ind = " " * (k.start_mark.column + 2)
            if v.style in ("|", ">"):  # the block scalar as it was, two columns deeper
                en = orig.replace("\n", "\n  ")
            else:
                en = orig if "\n" not in orig else q(v.value)
            new = "\n%s%s: %s\n%s%s: %s" % (ind, auth, en, ind, tag, block_text(tr[v.value], ind))
        edits.append((v.start_mark.index, end, new))
    if "languages" not in ex:
        idk, idv = ex["id"]
        line_end = src.index("\n", idv.end_mark.index)
        ind = " " * idk.start_mark.column
        edits.append((line_end, line_end, "\n%slanguages: [%s, %s]" % (ind, auth, tag)))
    for a, b, new in sorted(edits, reverse=True):
        # a value after "key: " loses the space before a block map's line break
        if new.startswith("\n") and src[a - 1] == " ":
            a -= 1
        src = src[:a] + new + src[b:]
    open(path, "w", encoding="utf-8").write(src)


if __name__ == "__main__":
    main()
