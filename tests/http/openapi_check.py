"""Every answer the HTTP tests get, checked against docs/http-api.openapi.json: the path and
method are documented, the status is one of the operation's documented responses, the
Content-Type is one it documents, and a JSON body validates against its schema (JSON Schema
2020-12, as OpenAPI 3.1 uses; $refs into components). Client.req (api_test.py) records each
answer with record(); a test script calls check_all(check) once at its end."""
import json
import os

import jsonschema

DOC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "http-api.openapi.json")
_spec = None
_seen = []  # (method, path, status, content type, body bytes)
_MAX = 20000


def spec():
    global _spec
    if _spec is None:
        _spec = json.load(open(DOC))
    return _spec


def record(method, path, status, ctype, body):
    if len(_seen) < _MAX:
        _seen.append((method, path, status, ctype or "", body))


def template_of(path):
    """The documented path template a concrete path falls under, or None."""
    p = path.split("?", 1)[0]
    paths = spec()["paths"]
    if p in paths:
        return p
    segs = p.split("/")
    for t in paths:
        if "{" not in t or t == "/{other}":
            continue
        ts = t.split("/")
        if len(ts) == len(segs) and all(a == b or (a.startswith("{") and b) for a, b in zip(ts, segs)):
            return t
    return "/api/{other}" if p.startswith("/api/") else "/{other}"


def problem(method, path, status, ctype, body):
    """Why an answer does not match the document, or None."""
    t = template_of(path)
    if t is None:
        return "undocumented path"
    if method not in ("GET", "HEAD", "POST"):
        # docs/http-api.md, "Methods and unknown paths": any other method is 405 on every path
        if status != 405:
            return "%s answered %d, not 405" % (method, status)
        return problem("GET", "/api/join", 405, ctype, body)  # the documented 405 shape
    if method == "HEAD":
        method = "GET"  # HEAD answers as GET, without the body
        if not body:
            return None
    op = spec()["paths"][t].get(method.lower())
    if op is None:
        return "undocumented method for %s" % t
    resp = op["responses"].get(str(status)) or op["responses"].get("default")
    if resp is None:
        return "status %d not documented for %s %s (documented: %s)" % (status, method, t, sorted(op["responses"]))
    content = resp.get("content") or {}
    if not content:
        return None if not body else "a body where %s %s %d documents none" % (method, t, status)
    mt = ctype.split(";", 1)[0].strip()
    if mt not in content:
        return "Content-Type %r not documented for %s %s %d (documented: %s)" % (mt, method, t, status, sorted(content))
    schema = content[mt].get("schema")
    if mt == "application/json" and schema is not None:
        try:
            value = json.loads(body)
        except ValueError:
            return "not JSON"
        try:
            v = jsonschema.Draft202012Validator(_rooted(schema))
            errs = sorted(v.iter_errors(value), key=lambda e: list(e.path))
        except jsonschema.exceptions.SchemaError as e:
            return "the documented schema is not a schema: %s" % e.message
        if errs:
            e = errs[0]
            return "%s %s %d: %s at %s" % (method, t, status, e.message[:200], "/".join(map(str, e.path)))
    return None


def _rooted(schema):
    """The schema with the document's components beside it, so '#/components/...' resolves."""
    s = dict(schema) if isinstance(schema, dict) else {"const": schema}
    s["components"] = spec().get("components", {})
    return s


def check_all(check, what=""):
    """One check per (method, template, status) seen: every answer of that kind conforms."""
    kinds = {}
    for m, p, st, ct, body in _seen:
        if st >= 500 and st != 503:
            continue  # a crash is another test's failure
        t = template_of(p) or p
        k = (m, t, st)
        why = problem(m, p, st, ct, body)
        if k not in kinds or (why and not kinds[k][0]):
            kinds[k] = (why, p)
    for (m, t, st), (why, p) in sorted(kinds.items()):
        check("%sanswer %s %s %d matches docs/http-api.openapi.json" % (what, m, t, st), why is None, (p, why))
    check("%s%d kinds of answer checked against the OpenAPI document" % (what, len(kinds)), len(kinds) > 0)
    check("the check can fail: an error without its code is refused",
          problem("GET", "/api/items/X", 404, "application/json", b'{"error": "no such item"}') is not None)
    _seen.clear()
