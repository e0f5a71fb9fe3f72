// End-to-end test of the scenario editor (ui/editor.html) in a real browser (Debian's chromium,
// headless), driven by playwright-core against a running `caucus serve`. A planner builds a small
// exercise from the empty scenario (parties, a control cell, seats, injects through the MSEL grid
// and forms whose pickers come from the scenario), sees live lint diagnostics beside the field,
// gets it lint clean, duplicates, reorders, sorts, filters and deletes in the grid, runs it,
// exports YAML that `caucus lint` accepts; then two planners edit the same inject at once and the
// second save is refused with the first one's change shown.
// Usage: CAUCUS_URL=http://127.0.0.1:PORT CAUCUS_CODES='{"control":"..."}' CAUCUS_BIN=build/caucus
//        [CAUCUS_IMG=docs/img] node tests/e2e/editor.mjs
// Prints "N passed, N failed" last and exits non-zero on any failure.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const URL_ = process.env.CAUCUS_URL;
const CODES = JSON.parse(process.env.CAUCUS_CODES || '{}');
const BIN = process.env.CAUCUS_BIN || 'build/caucus';
const IMG = process.env.CAUCUS_IMG || '';
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
  console.log('FAIL: the editor test did not finish within 180 s');
  fail++;
  finish(1);
}, 180000).unref();

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox'] });
const problems = [];

async function planner(name) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: URL_ });
  const page = await ctx.newPage();
  let joined = false; /* before the join, the page's first request is refused (401), as it should be */
  page.on('console', (m) => {
    if (m.type() === 'error' && !/ 409 /.test(m.text()) && !(!joined && / 401 /.test(m.text()))) problems.push(name + ': ' + m.text());
  });
  page.on('pageerror', (e) => problems.push(name + ': uncaught ' + e.message));
  page.on('dialog', (d) => d.accept());
  await page.goto('/editor.html');
  check(name + ': the editor asks for control\'s code first', await page.locator('#ed-join-code').isVisible());
  await page.locator('#ed-join-code').fill(CODES.control);
  await page.getByRole('button', { name: 'Join' }).click();
  await page.locator('#ed-main').waitFor({ state: 'visible' });
  joined = true;
  await page.locator('#ed-author').fill(name);
  await page.locator('#ed-author').dispatchEvent('change');
  return { name, ctx, page };
}

async function saved(page, what) {
  await page.locator('#status').filter({ hasText: /Saved as version|Not saved/ }).waitFor({ timeout: 10000 });
  const t = await page.locator('#status').innerText();
  check(what + ': saved', /Saved as version/.test(t), t);
  return t;
}

async function tab(page, name) {
  await page.locator('.ed-tabs').getByRole('button', { name, exact: true }).click();
}

async function addItem(page, section, fill) {
  await tab(page, section);
  await page.locator('#ed-add').click();
  await fill(page);
  await page.locator('#ed-save').click();
}

try {
  const a = await planner('planner A');
  const p = a.page;
  check('the editor opens for control', await p.locator('#ed-doc').isVisible());

  // a new scenario from the empty one
  await p.locator('#ed-new-name').fill('E2E tabletop draft');
  await p.locator('#ed-new-from').selectOption('empty');
  await p.getByRole('button', { name: 'Create' }).click();
  await p.locator('#status').filter({ hasText: 'Created scenario' }).waitFor();
  await p.locator('#ed-lint').filter({ hasText: '3 errors' }).waitFor();
  check('the empty scenario shows its errors', (await p.locator('#ed-diags li').count()) === 3);

  for (const [id, name, kind, zone] of [['USA', 'United States', 'nation', 'America/New_York'],
    ['KOR', 'Republic of Korea', 'nation', 'Asia/Seoul'], ['EXCON', 'Exercise control', 'organisation', 'UTC']]) {
    await addItem(p, 'Parties', async (pg) => {
      await pg.locator('#f-id').fill(id);
      await pg.locator('#f-name').fill(name);
      await pg.locator('#f-kind').selectOption(kind);
      await pg.locator('#f-zone').fill(zone);
    });
    await saved(p, 'party ' + id);
  }
  await addItem(p, 'Cells', async (pg) => {
    await pg.locator('#f-id').fill('control');
    await pg.locator('#f-name').fill('Control cell');
    await pg.locator('#f-kind').fill('control');
  });
  await saved(p, 'cell');
  for (const [id, party, cell] of [['usa-chair', 'USA', false], ['kor-chair', 'KOR', false], ['ctl', 'EXCON', true]]) {
    await addItem(p, 'Seats', async (pg) => {
      await pg.locator('#f-id').fill(id);
      await pg.locator('#f-party').selectOption(party); /* the parties just added */
      await pg.locator('#f-role').fill(id === 'ctl' ? 'Controller' : 'Co-chair');
      await pg.locator('#f-clearance').selectOption('SECRET'); /* the policy's classifications */
      if (cell) await pg.locator('#f-cells-control').check();
    });
    await saved(p, 'seat ' + id);
  }

  // injects through the MSEL grid, the label built from the policy, recipients from the seats
  async function inject(id, title, atText, channel) {
    await addItem(p, 'MSEL', async (pg) => {
      await pg.locator('#f-id').fill(id);
      await pg.locator('#f-title').fill(title);
      await pg.locator('[aria-label="Classification"]').selectOption('SECRET');
      for (const r of ['USA', 'KOR', 'EXCON']) await pg.locator('#f-label-rel-' + r).check();
      await pg.locator('#f-from').selectOption('control');
      await pg.locator('#f-to-usa-chair').check();
      await pg.locator('#f-to-kor-chair').check();
      if (channel) await pg.locator('#f-channel').selectOption(channel);
      await pg.locator('[aria-label="Scenario time"]').fill(atText);
    });
    await saved(p, 'inject ' + id);
  }
  await inject('I-1', 'Request to consult', '+1h', 'cable');
  check('the label was built from the pickers', (await p.locator('#f-label').inputValue()) === 'SECRET//REL TO USA, KOR, EXCON');
  await inject('I-2', 'Media inquiry', 'D+0 H+2', 'news');
  await p.locator('#ed-lint').filter({ hasText: 'lint clean' }).waitFor();
  check('built from empty: lint clean', /lint clean/.test(await p.locator('#ed-lint').innerText()));
  await p.evaluate(() => window.scrollTo(0, 0));
  await shot(p, 'editor.png');

  // live validation: the same diagnostic as lint, beside the field, before saving
  await p.locator('#ed-items-body').getByRole('button', { name: 'I-1', exact: true }).click();
  await p.locator('[aria-label="Scenario time"]').fill('+2x');
  const diag = p.locator('#f-when-diag');
  await diag.filter({ hasText: 'unknown duration unit' }).waitFor({ timeout: 10000 });
  check('the time error is shown beside the field', /error: .*unknown duration unit 'x'/.test(await diag.innerText()),
    await diag.innerText());
  await p.locator('[aria-label="Scenario time"]').fill('+1h');
  await p.waitForFunction(() => !document.getElementById('f-when-diag').textContent.includes('error'), null,
    { timeout: 10000 });
  check('the error goes when the time is fixed', !(await diag.innerText()).includes('error'));
  await p.locator('#ed-cancel').click();

  // grid: duplicate, reorder, sort, filter, delete
  await p.getByRole('button', { name: 'Duplicate I-2' }).click();
  check('duplicate opens a copy', (await p.locator('#f-id').inputValue()) === 'I-2-copy');
  await p.locator('#f-title').fill('Second media inquiry');
  await p.locator('#ed-save').click();
  await saved(p, 'duplicate');
  const order = async () => p.locator('#ed-items-body tr').evaluateAll((rows) => rows.map((r) => r.dataset.id));
  check('the copy sits after its original', JSON.stringify(await order()) === '["I-1","I-2","I-2-copy"]', await order());
  await p.getByRole('button', { name: 'Move I-2-copy up' }).click();
  await saved(p, 'move');
  check('moved up', JSON.stringify(await order()) === '["I-1","I-2-copy","I-2"]', await order());
  await p.getByRole('button', { name: 'Sort by Synopsis' }).click();
  check('sorted by synopsis', JSON.stringify(await order()) === '["I-2","I-1","I-2-copy"]', await order());
  await p.locator('#ed-filter').fill('second');
  check('filtered', JSON.stringify(await order()) === '["I-2-copy"]', await order());
  await p.locator('#ed-filter').fill('');
  await p.getByRole('button', { name: 'Delete I-2-copy' }).click();
  await saved(p, 'delete');
  check('deleted', (await order()).length === 2, await order());

  // the inject catalogue
  await p.locator('#ed-items-body').getByRole('button', { name: 'I-2', exact: true }).click();
  await p.locator('#ed-to-template').click();
  await p.locator('#ed-from-template option', { hasText: 'Media inquiry' }).waitFor({ state: 'attached' });
  check('the catalogue offers it', (await p.locator('#ed-from-template option').allInnerTexts()).includes('Media inquiry'));
  await p.locator('#ed-from-template').selectOption({ label: 'Media inquiry' });
  check('a template fills a new inject', (await p.locator('#f-title').inputValue()) === 'Media inquiry' &&
    (await p.locator('#f-id').inputValue()) === 'I-3');
  await p.locator('#ed-cancel').click();

  // run it
  await p.locator('#ed-run').click();
  await p.locator('#ed-run-result').filter({ hasText: 'ran version' }).waitFor({ timeout: 20000 });
  const run = await p.locator('#ed-run-result').innerText();
  check('run to the end', /injects released 2 of 2/.test(run), run);

  // export YAML and lint it
  const href = await p.locator('#ed-export-yaml').getAttribute('href');
  const y = await a.ctx.request.get(href);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caucus-e2e-'));
  const file = path.join(dir, 'draft.yaml');
  fs.writeFileSync(file, await y.body());
  let lint = '';
  let lintOk = true;
  try {
    lint = execFileSync(BIN, ['lint', file], { encoding: 'utf8' });
  } catch (e) {
    lintOk = false;
    lint = String(e.stdout) + String(e.stderr);
  }
  check('the exported YAML passes caucus lint', lintOk && /ok \(0 errors, 0 warnings\)/.test(lint), lint);
  const xr = await a.ctx.request.get(href.replace('format=yaml', 'format=xlsx'));
  check('the workbook export is a workbook', xr.status() === 200 && (await xr.body()).subarray(0, 2).toString() === 'PK');

  // versions and their diff
  await p.locator('#ed-versions-btn').click();
  await p.locator('#ed-versions-body tr').first().waitFor();
  await p.locator('#ed-versions-body').getByRole('button', { name: /Changes from/ }).first().click();
  await p.locator('#ed-diff').filter({ hasText: '@@' }).waitFor();
  check('a readable diff', /^--- version \d+\n\+\+\+ version \d+\n@@/.test(await p.locator('#ed-diff').innerText()));

  // two planners at once: the second save of the same inject is refused with the first one's change
  const b = await planner('planner B');
  const q = b.page;
  await q.locator('#ed-items-body').getByRole('button', { name: 'I-1', exact: true }).click();
  await p.locator('#ed-items-body').getByRole('button', { name: 'I-1', exact: true }).click();
  await p.locator('#f-title').fill('Request to consult (A)');
  await p.locator('#ed-save').click();
  await saved(p, 'planner A');
  await q.locator('#f-title').fill('Request to consult (B)');
  await q.locator('#ed-save').click();
  await q.locator('#ed-conflict').waitFor({ state: 'visible', timeout: 10000 });
  const msg = await q.locator('#ed-conflict-msg').innerText();
  check('the conflict names the other planner', /by planner A/.test(msg) && /nothing was saved/.test(msg), msg);
  const row = await q.locator('#ed-conflict-body tr.differs').first().innerText();
  check('their change is shown beside mine', /title\s+Request to consult \(A\)\s+Request to consult \(B\)/.test(row), row);
  await q.locator('#ed-conflict').scrollIntoViewIfNeeded();
  await shot(q, 'editor-conflict.png');
  await q.locator('#ed-take-theirs').click();
  await q.locator('#status').filter({ hasText: 'with their change' }).waitFor();
  check('editing from theirs', (await q.locator('#f-title').inputValue()) === 'Request to consult (A)');
  const st = await (await a.ctx.request.get(href.replace(/&version=\d+/, ''))).text();
  check('nothing silently overwritten', st.includes('Request to consult (A)') && !st.includes('Request to consult (B)'));

  check('no console errors, CSP violations or exceptions', problems.length === 0, problems);
} catch (e) {
  check('the editor test ran to its end', false, String(e && e.stack ? e.stack : e));
}
await browser.close();
finish();

async function shot(page, file) {
  if (!IMG) return;
  fs.mkdirSync(IMG, { recursive: true });
  await page.screenshot({ path: path.join(IMG, file), fullPage: false });
}
