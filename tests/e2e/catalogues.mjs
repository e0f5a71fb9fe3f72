// The UI's message catalogues (ui/lang-TAG.json, docs/ui.md "Languages") agree: every catalogue
// holds the same keys in the same order (the order matters: patterns are tried in it), the
// English one gives each key as itself (a pattern's captures as {1}, {2}, ...), every translation fills each capture of its pattern
// ({} or {w}) through {1}, {2}, ... and names no capture the key lacks, and a Korean translation
// of an English text holds Korean (Hangul), except the few keys listed as written alike.
// Usage: node tests/e2e/catalogues.mjs [UI_DIR]. Run by tests/cli/e2e.sh; prints "N passed, N failed".
import fs from 'node:fs';
import path from 'node:path';

const UI = process.argv[2] || 'ui';
/* keys whose Korean is written with the same letters (an abbreviation) */
const ALIKE = new Set(['Id']);

let pass = 0;
let fail = 0;
function check(name, cond, detail) {
  if (cond) pass++;
  else {
    fail++;
    console.log('FAIL: ' + name + (detail !== undefined ? ' — ' + JSON.stringify(detail) : ''));
  }
}

const files = fs.readdirSync(UI).filter((f) => /^lang-[a-z]{2,3}(-[A-Za-z0-9]+)*\.json$/.test(f)).sort();
check('there are catalogues for en and ko', files.includes('lang-en.json') && files.includes('lang-ko.json'), files);
const cats = {};
for (const f of files) {
  try {
    cats[f.slice(5, -5)] = JSON.parse(fs.readFileSync(path.join(UI, f), 'utf8'));
    pass++;
  } catch (e) {
    check(f + ' is JSON', false, String(e.message));
  }
}
const en = cats.en || {};
const keys = Object.keys(en);
check('the English catalogue is not empty', keys.length > 300, keys.length);
let nth = 0;
const itself = (k) => ((nth = 0), k.replace(/\{w?\}/g, () => '{' + ++nth + '}'));
check('the English catalogue gives each key as itself', keys.every((k) => en[k] === itself(k)),
      keys.filter((k) => en[k] !== itself(k)));
const captures = (k) => (k.match(/\{w?\}/g) || []).length;
for (const [tag, cat] of Object.entries(cats)) {
  if (tag === 'en') continue;
  const ks = Object.keys(cat);
  check(tag + ': the same keys as en', ks.length === keys.length && ks.every((k) => k in en),
        { missing: keys.filter((k) => !(k in cat)), extra: ks.filter((k) => !(k in en)) });
  check(tag + ': the keys in the same order as en', ks.join('\n') === keys.filter((k) => k in cat).join('\n'));
  const bad = [];
  for (const k of ks) {
    const v = cat[k];
    if (typeof v !== 'string' || !v.trim()) { bad.push([k, 'empty']); continue; }
    const n = captures(k);
    const refs = (v.match(/\{(\d+)\}/g) || []).map((r) => Number(r.slice(1, -1)));
    for (let i = 1; i <= n; i++) if (!refs.includes(i)) bad.push([k, 'capture ' + i + ' unused']);
    for (const r of refs) if (r < 1 || r > n) bad.push([k, '{' + r + '} names no capture']);
    if (/[{}]/.test(v.replace(/\{\d+\}/g, ''))) bad.push([k, 'a brace that is no capture']);
  }
  check(tag + ': every translation fills its captures', bad.length === 0, bad.slice(0, 20));
  if (tag === 'ko') {
    const english = ks.filter((k) => /[A-Za-z]{2}/.test(k.replace(/\{w?\}/g, '')) && !ALIKE.has(k) &&
                                     !/[\uac00-\ud7a3]/.test(cat[k]));
    check('ko: every English text is given in Korean', english.length === 0, english.slice(0, 20));
  }
}
console.log(pass + ' passed, ' + fail + ' failed');
process.exit(fail ? 1 : 0);
