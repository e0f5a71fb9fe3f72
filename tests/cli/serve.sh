#!/bin/sh
# HTTP API tests of `caucus serve` (tests/http/api_test.py): every endpoint and its errors,
# label enforcement on every path out, CSRF/Origin defences, rate limits, event streams with
# Last-Event-ID, SIGKILL and resume. Usage: tests/cli/serve.sh BUILD
. tests/cli/harness.inc
if [ -z "${CAUCUS_TEST_PG:-}" ]; then :; fi
python3 tests/http/api_test.py "$BIN" "$T"
