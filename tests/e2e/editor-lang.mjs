// The scenario editor (ui/editor.html) edits a text in several languages with one field per
// declared language, the authoritative one first and marked (issue 22), in a real browser (Debian's
// chromium, headless, playwright-core) against `caucus serve scenarios/ncg-policy-ttx.yaml`
// (languages en and ko, English authoritative). A planner opens inject I-01, changes its Korean
// title, saves, and the exported YAML holds the map; clearing the Korean saves the English alone
// (caucus lint --require-languages then names the missing Korean); an empty English beside a
// Korean text is the error of a map without the authoritative text, shown beside the field.
// Usage: CAUCUS_URL=http://127.0.0.1:PORT CAUCUS_CODES='{"control":"..."}' CAUCUS_BIN=build/caucus
//        node tests/e2e/editor-lang.mjs. Run by tests/cli/e2e.sh; prints "N passed, N failed" last.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const URL_ = process.env.CAUCUS_URL;
const CODES = JSON.parse(process.env.CAUCUS_CODES || '{}');
const BIN = process.env.CAUCUS_BIN || 'build/caucus';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

let pass = 0;
let fail = 0;
function check(name, cond, detail) {
  if (cond) pass++;
  else {
    fail++;
    console.log('FAIL: ' + name + (detail !== undefined ? ' — ' + JSON.stringify(detail) : ''));
  }
  return !!cond;
}
function finish(code) {
  console.log(pass + ' passed, ' + fail + ' failed');
  process.exit(code !== undefined ? code : fail ? 1 : 0);
}
if (!URL_ || !CODES.control) {
  console.log('FAIL: CAUCUS_URL and CAUCUS_CODES (control) are required');
  fail++;
  finish(2);
}
setTimeout(() => {
  console.log('FAIL: the editor language test did not finish within 90 s');
  fail++;
  finish(1);
}, 90000).unref();

/* inject I-01's title in the exported YAML: the lines from its "title:" to the next key */
function titleOf(yaml) {
  const at = yaml.indexOf('- id: I-01');
  const rest = yaml.slice(at).split('\n').slice(1);
  const out = [];
  let inTitle = false;
  for (const l of rest) {
    if (/^ {4}title:/.test(l)) { inTitle = true; out.push(l.trim()); continue; }
    if (inTitle && /^ {6}/.test(l)) { out.push(l.trim()); continue; }
    if (inTitle || /^ {2}- /.test(l)) break;
  }
  return out.join(' | ');
}
function lint(yaml, args) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caucus-edlang-'));
  const file = path.join(dir, 'edited.yaml');
  fs.writeFileSync(file, yaml);
  try {
    return { ok: true, out: execFileSync(BIN, ['lint', ...args, file], { encoding: 'utf8', stdio: 'pipe' }) };
  } catch (e) {
    return { ok: false, out: String(e.stdout) + String(e.stderr) };
  }
}

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox'] });
try {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: URL_ });
  const p = await ctx.newPage();
  const problems = [];
  p.on('pageerror', (e) => problems.push(e.message));
  await p.goto('/editor.html');
  await p.locator('#ed-join-code').fill(CODES.control);
  await p.getByRole('button', { name: 'Join' }).click();
  await p.locator('#ed-main').waitFor({ state: 'visible' });
  await p.locator('#ed-author').fill('planner');
  await p.locator('#ed-author').dispatchEvent('change');
  await p.locator('#ed-items-body').getByRole('button', { name: 'I-01', exact: true }).click();

  const group = p.locator('.ed-field[data-name="title"]');
  check('the title is edited per language', (await group.getAttribute('data-kind')) === 'langtext');
  const tags = await group.locator('[data-lang]').evaluateAll((n) => n.map((x) => x.getAttribute('data-lang')));
  check('one field per declared language, the authoritative first', JSON.stringify(tags) === '["en","ko"]', tags);
  check('the English field holds the English title', (await p.locator('#f-title').inputValue()) === 'STARTEX');
  check('the Korean field holds the Korean title', (await p.locator('#f-title-ko').inputValue()) === '연습 시작(STARTEX)',
        await p.locator('#f-title-ko').inputValue());
  check('the authoritative field is marked', (await p.locator('#f-title').getAttribute('data-authoritative')) === '' &&
        /authoritative/.test(await p.locator('label[for="f-title"]').innerText()) &&
        !/authoritative/.test(await p.locator('label[for="f-title-ko"]').innerText()));
  check('each field says its language', (await p.locator('#f-title-ko').getAttribute('lang')) === 'ko');
  check('the body too', (await p.locator('.ed-field[data-name="body"] textarea[data-lang]').count()) === 2);

  /* a new Korean title */
  await p.locator('#f-title-ko').fill('연습 개시');
  await p.locator('#ed-save').click();
  await p.locator('#status').filter({ hasText: /Saved as version|Not saved/ }).waitFor({ timeout: 10000 });
  check('saved', /Saved as version/.test(await p.locator('#status').innerText()), await p.locator('#status').innerText());
  const yaml1 = await (await ctx.request.get(await p.locator('#ed-export-yaml').getAttribute('href'))).text();
  check('the YAML holds the title in both languages', /^title: (\{en: "?STARTEX"?, ko: "?연습 개시"?\}|\| en: "?STARTEX"? \| ko: "?연습 개시"?)$/.test(titleOf(yaml1)),
        titleOf(yaml1));
  check('and passes lint --require-languages', lint(yaml1, ['--require-languages']).ok, lint(yaml1, ['--require-languages']).out);

  /* the Korean cleared: the English alone, which lint names as missing Korean */
  await p.locator('#ed-items-body').getByRole('button', { name: 'I-01', exact: true }).click();
  check('the form shows the saved Korean', (await p.locator('#f-title-ko').inputValue()) === '연습 개시');
  await p.locator('#f-title-ko').fill('');
  await p.locator('#ed-save').click();
  await p.locator('#status').filter({ hasText: /Saved as version \d+|Not saved/ }).waitFor({ timeout: 10000 });
  await p.waitForTimeout(300);
  const yaml2 = await (await ctx.request.get(await p.locator('#ed-export-yaml').getAttribute('href'))).text();
  check('the title is the English alone', titleOf(yaml2) === 'title: STARTEX', titleOf(yaml2));
  const l2 = lint(yaml2, ['--require-languages']);
  check('lint --require-languages names the missing Korean title', !l2.ok && /missing-language|no text in 'ko'|ko/.test(l2.out), l2.out);

  /* Korean without the authoritative English: the error beside the field */
  await p.locator('#ed-items-body').getByRole('button', { name: 'I-01', exact: true }).click();
  await p.locator('#f-title').fill('');
  await p.locator('#f-title-ko').fill('연습 개시');
  const diag = p.locator('#f-title-diag');
  await diag.filter({ hasText: 'error' }).waitFor({ timeout: 10000 }).catch(() => {});
  check('a Korean text without the English is an error beside the title', /error: .*authoritative/.test(await diag.innerText()),
        await diag.innerText());
  await p.locator('#ed-cancel').click();
  check('no uncaught error', problems.length === 0, problems);
} catch (e) {
  check('the editor language test (' + String(e.message || e).split('\n')[0] + ')', false);
}
await browser.close();
finish();
