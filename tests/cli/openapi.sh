#!/bin/sh
# docs/http-api.openapi.json against the OpenAPI schema of its version, with a maintained
# validator from npm (@seriousme/openapi-schema-validator, pinned in tests/e2e/package.json and
# its lock file, installed by `npm ci` like the e2e test's playwright-core), and a broken copy
# that must fail (the check can fail). The HTTP tests check the server's answers against the
# document's schemas (tests/http/openapi_check.py). Never skips: no node or npm is a failure.
# Usage: tests/cli/openapi.sh BUILD_DIR.
. tests/cli/harness.inc

E=tests/e2e
if ! command -v node > /dev/null 2>&1 || ! command -v npm > /dev/null 2>&1; then
  no "node and npm are needed (apt-get install nodejs npm)"
  echo "$pass passed, $fail failed"; exit 1
fi
if [ ! -f "$E/node_modules/@seriousme/openapi-schema-validator/package.json" ] ||
  [ ! -f "$E/node_modules/.package-lock.json" ] || [ "$E/package-lock.json" -nt "$E/node_modules/.package-lock.json" ]; then
  if npm ci --prefix "$E" --no-audit --no-fund > "$T/npm.log" 2>&1; then ok; else no "npm ci --prefix $E"; tail -5 "$T/npm.log"; fi
else
  ok
fi

expect_rc "the OpenAPI document is valid" 0 node "$E/openapi.mjs" docs/http-api.openapi.json
expect_out "the validator ran" " passed, 0 failed"
# the issue's own finding: an empty schema is not a schema
python3 - docs/http-api.openapi.json "$T/bad.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["paths"]["/healthz"]["get"]["responses"]["200"]["content"]["text/plain"]["schema"] = ""
json.dump(d, open(sys.argv[2], "w"))
PY
expect_rc "a broken document is refused" 1 node "$E/openapi.mjs" "$T/bad.json"
expect_out "the refusal names the path" "/paths/~1healthz/get/responses/200/content/text~1plain/schema"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
