#!/usr/bin/env python3
"""Validates scenario files against schema/caucus-scenario-v1.schema.json (JSON Schema 2020-12,
Debian's python3-jsonschema), reading YAML as caucus does: the YAML 1.2 core schema (only true/false
are booleans, no timestamps; `on:` is a key, not True). Usage: schema_check.py FILE...; prints one
line per file with a problem and exits 1 when any has one."""
import json
import re
import sys

import jsonschema
import yaml


class Core12Loader(yaml.SafeLoader):
    pass


Core12Loader.yaml_implicit_resolvers = {}
for tag, regexp, first in (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
     "-+0123456789."),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
):
    Core12Loader.add_implicit_resolver(tag, re.compile(regexp), list(first))

schema = json.load(open("schema/caucus-scenario-v1.schema.json"))
validator = jsonschema.Draft202012Validator(schema)
bad = 0
for path in sys.argv[1:]:
    doc = yaml.load(open(path, encoding="utf-8"), Loader=Core12Loader)
    for e in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.path))):
        bad += 1
        print("%s: %s: %s" % (path, "/".join(map(str, e.path)), e.message[:200]))
sys.exit(1 if bad else 0)
