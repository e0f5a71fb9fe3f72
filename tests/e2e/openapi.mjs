// Validates docs/http-api.openapi.json against the OpenAPI schema of its version with
// @seriousme/openapi-schema-validator (a maintained validator: 2.0, 3.0, 3.1, 3.2), and checks
// that every $ref resolves. Usage: node tests/e2e/openapi.mjs [FILE]. Exit 0 when valid;
// prints "N passed, N failed".
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';

const file = process.argv[2] || new URL('../../docs/http-api.openapi.json', import.meta.url).pathname;
let passed = 0;
let failed = 0;
function check(what, ok, detail) {
  if (ok) passed++;
  else {
    failed++;
    console.log('FAIL: ' + what + (detail === undefined ? '' : ': ' + JSON.stringify(detail, null, 1).slice(0, 4000)));
  }
}

const spec = JSON.parse(readFileSync(file, 'utf8'));
const v = new Validator();
const res = await v.validate(spec);
check(file + ' is a valid OpenAPI ' + spec.openapi + ' document', res.valid, res.errors);
if (res.valid) {
  let resolved = null;
  try {
    resolved = v.resolveRefs();
  } catch (e) {
    resolved = null;
    check('every $ref resolves', false, String(e));
  }
  if (resolved) check('every $ref resolves', true);
}
// every operation documents its answers with a status and a description
for (const [path, item] of Object.entries(spec.paths || {}))
  for (const [method, op] of Object.entries(item))
    if (['get', 'post', 'put', 'delete', 'patch', 'head'].includes(method))
      check(method.toUpperCase() + ' ' + path + ' documents its responses',
        op.responses && Object.keys(op.responses).length > 0 && Object.values(op.responses).every((r) => r.description || r.$ref));
console.log(passed + ' passed, ' + failed + ' failed');
process.exit(failed ? 1 : 0);
