// End-to-end test of the scenario editor (ui/editor.html) in a real browser (Debian's chromium,
// headless), driven by playwright-core against a running `caucus serve`. A planner builds a small
// exercise from the empty scenario (parties, a control cell, seats, injects through the MSEL grid
// and forms whose pickers come from the scenario), sees live lint diagnostics beside the field,
// gets it lint clean, duplicates, reorders, sorts, filters and deletes in the grid, runs it,
// exports YAML that `caucus lint` accepts; then two planners edit the same inject at once and the
// second save is refused with the first one's change shown. On a second server running
// tests/scenarios/valid/health-council-drawn.yaml, trigger delays drawn from a distribution are
// shown in the scenario format's notation in the grid and the form, saved unchanged byte for
// byte, edited to another distribution, and a bad one is refused at its field with nothing saved.
// Usage: CAUCUS_URL=http://127.0.0.1:PORT CAUCUS_CODES='{"control":"..."}' CAUCUS_BIN=build/caucus
//        CAUCUS_DRAWN_URL=http://127.0.0.1:PORT2 CAUCUS_DRAWN_CODES='{"control":"..."}'
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
const DRAWN_URL = process.env.CAUCUS_DRAWN_URL;
const DRAWN_CODES = JSON.parse(process.env.CAUCUS_DRAWN_CODES || '{}');
const DRAWN_FILE = 'tests/scenarios/valid/health-council-drawn.yaml';

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
if (!URL_ || !CODES.control || !DRAWN_URL || !DRAWN_CODES.control) {
  console.log('FAIL: CAUCUS_URL, CAUCUS_CODES, CAUCUS_DRAWN_URL and CAUCUS_DRAWN_CODES (control) are required');
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

async function planner(name, url, code) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: url || URL_ });
  const page = await ctx.newPage();
  let joined = false; /* before the join, the page's first request is refused (401), as it should be */
  page.on('console', (m) => {
    /* a conflict (409), and the bad distribution refused on the drawn server (422), are expected */
    if (m.type() === 'error' && !/ 409 /.test(m.text()) && !(!joined && / 401 /.test(m.text())) &&
      !(url && / 422 /.test(m.text()))) problems.push(name + ': ' + m.text());
  });
  page.on('pageerror', (e) => problems.push(name + ': uncaught ' + e.message));
  page.on('dialog', (d) => d.accept());
  await page.goto('/editor.html');
  await page.locator('#ed-join-code').waitFor({ state: 'visible', timeout: 10000 }).catch(() => {});
  check(name + ': the editor asks for control\'s code first', await page.locator('#ed-join-code').isVisible());
  await page.locator('#ed-join-code').fill(code || CODES.control);
  await page.getByRole('button', { name: 'Join' }).click();
  await page.locator('#ed-main').waitFor({ state: 'visible' });
  joined = true;
  await page.locator('#ed-author').fill(name);
  await page.locator('#ed-author').dispatchEvent('change');
  return { name, ctx, page };
}

async function saved(page, what) {
  // the status as it reads when the save's answer is shown (read in the same step as the wait, so
  // that a later status cannot replace it in between)
  const t = await (await page.waitForFunction(() => {
    const s = document.getElementById('status').innerText;
    return /Saved as version|Not saved/.test(s) ? s : null;
  }, null, { timeout: 10000 })).jsonValue();
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

  await drawn();
  check('no console errors, CSP violations or exceptions', problems.length === 0, problems);
} catch (e) {
  check('the editor test ran to its end', false, String(e && e.stack ? e.stack : e));
}
await browser.close();
finish();

// trigger delays drawn from a distribution (docs/ui.md, "A delay drawn from a distribution"), on
// a server running health-council-drawn.yaml: the document starts from the running exercise's
// scenario, so its first version is the fixture's bytes
async function drawn() {
  const d = await planner('planner D', DRAWN_URL, DRAWN_CODES.control);
  const p = d.page;
  await p.locator('#ed-new-name').fill('Drawn delays');
  await p.locator('#ed-new-from').selectOption('exercise');
  await p.getByRole('button', { name: 'Create' }).click();
  await p.locator('#status').filter({ hasText: 'Created scenario' }).waitFor();
  const exportText = async () => {
    const href = await p.locator('#ed-export-yaml').getAttribute('href');
    return (await d.ctx.request.get(href.replace(/&version=\d+/, ''))).text();
  };
  const fixture = fs.readFileSync(DRAWN_FILE, 'utf8');
  check('drawn: the document is the fixture', (await exportText()) === fixture);
  const time = async (id) => p.locator('#ed-items-body tr[data-id="' + id + '"] td').first().innerText();
  check('drawn: the grid shows a drawn delay in the notation',
    (await time('H-04')) === 'after H-03 delay {dist: exponential, mean: 40m}', await time('H-04'));
  check('drawn: ... an empirical one with its list', (await time('H-08')) ===
    'after H-07 delay {dist: empirical, values: [10m, 20m, 20m, 1h15m]}', await time('H-08'));
  check('drawn: ... and a plain duration as before', (await time('H-09')) === 'after H-08 delay 30m', await time('H-09'));

  const delay = p.locator('[aria-label="Delay"]');
  await p.locator('#ed-items-body').getByRole('button', { name: 'H-04', exact: true }).click();
  check('drawn: the form shows the delay in the notation',
    (await delay.inputValue()) === '{dist: exponential, mean: 40m}', await delay.inputValue());
  await p.locator('#ed-save').click();
  await saved(p, 'drawn: H-04 unchanged');
  const after = await exportText();
  check('drawn: saved unchanged, the scenario is byte for byte the same', after === fixture,
    after.split('\n').filter((l, i) => l !== fixture.split('\n')[i]).slice(0, 3));

  await delay.fill('{dist: lognormal, median: 30m, sigma: 0.4}');
  await p.locator('#ed-save').click();
  await saved(p, 'drawn: H-04 to another distribution');
  const edited = await exportText();
  /* an edited item is written in the editor's style (plain scalars where YAML allows them); the
   * rest of the file stays byte for byte */
  const tail = (t) => t.slice(t.indexOf('  - id: "H-05"'));
  check('drawn: the other distribution is written in the notation',
    edited.includes('    trigger: {after: H-03, delay: {dist: lognormal, median: 30m, sigma: 0.4}}\n'),
    edited.split('\n').filter((l) => /H-03/.test(l)));
  check('drawn: the rest of the scenario stays byte for byte', edited.indexOf('  - id: H-04\n') ===
    fixture.indexOf('  - id: "H-04"') && tail(edited) === tail(fixture) &&
    edited.slice(0, edited.indexOf('  - id: H-04\n')) === fixture.slice(0, fixture.indexOf('  - id: "H-04"')));
  check('drawn: the grid shows it', (await time('H-04')) === 'after H-03 delay {dist: lognormal, median: 30m, sigma: 0.4}',
    await time('H-04'));
  const version = await p.locator('#ed-version').innerText();

  await delay.fill('{dist: uniform, min: 20m, max: 10m}'); /* docs/ui.md's worked example */
  const fdiag = p.locator('#f-when-diag');
  await fdiag.filter({ hasText: 'error' }).waitFor({ timeout: 10000 });
  check('drawn: the live check shows a bad distribution at the field', /error: .*trigger 'delay'/.test(await fdiag.innerText()),
    await fdiag.innerText());
  await p.locator('#ed-save').click();
  await p.locator('#status').filter({ hasText: /Saved as version|Not saved/ }).waitFor({ timeout: 10000 });
  const st = await p.locator('#status').innerText();
  check('drawn: a bad distribution is not saved', /^Not saved: /.test(st), st);
  const fd = await p.locator('#f-when-diag').innerText();
  check('drawn: its error is shown at the field', fd.trim() === "error: injects 'H-04', field 'trigger': trigger 'delay': " +
    'uniform min is greater than max, in {dist: uniform, min: 20m, max: 10m} (column 22); nothing was saved (swap min and max)', fd);
  check('drawn: nothing saved', (await exportText()) === edited && (await p.locator('#ed-version').innerText()) === version);
  check('drawn: the text typed stays in the form', (await delay.inputValue()) === '{dist: uniform, min: 20m, max: 10m}');
  await p.locator('#ed-cancel').click();

  // a review round's revision delay, in a field edited as YAML: a mechanism added through the API
  const body = { doc: Number(await p.locator('#ed-doc').inputValue()), base: Number(version.replace(/\D/g, '')),
    section: 'mechanisms', author: 'planner D', item: { id: 'review', title: 'Officers review the advice line',
      stages: [{ id: 'review', kind: 'assess', participants: ['cell:officers'],
        rounds: { max: '2', revision: { dist: 'lognormal', median: '40m', sigma: '0.3' } } }] } };
  const added = await p.evaluate(async (b) => (await window.caucusPage.api('POST', '/api/editor/item', b,
    sessionStorage.getItem('caucus.csrf'))).status, body);
  check('drawn: a mechanism added', added === 200, added);
  await p.locator('#ed-reload').click();
  await tab(p, 'Mechanisms');
  await p.locator('#ed-items-body').getByRole('button', { name: 'review', exact: true }).click();
  const stages = p.locator('#f-stages');
  const shown = await stages.inputValue();
  check('drawn: the revision is shown in the notation', shown.includes('rounds: {max: 2, revision: {dist: lognormal, median: 40m, sigma: 0.3}}'), shown);
  const before = await exportText();
  // typing schedules a live check (400 ms later); a save right after it must not be overwritten by
  // that check's answer
  await stages.fill(shown);
  await p.locator('#ed-save').click();
  await saved(p, 'drawn: the mechanism unchanged');
  await p.waitForTimeout(1200);
  const later = await p.locator('#status').innerText();
  check('drawn: a live check typed before the save does not replace the save\'s status', /^Saved as version/.test(later), later);
  check('drawn: the mechanism saved unchanged, byte for byte', (await exportText()) === before);
  const v2 = await p.locator('#ed-version').innerText();
  await stages.fill(shown.replace('sigma: 0.3', 'sigma: 0'));
  await p.locator('#ed-save').click();
  await p.locator('#status').filter({ hasText: /Saved as version|Not saved/ }).waitFor({ timeout: 10000 });
  const sd = await p.locator('#f-stages-diag').innerText();
  check('drawn: a bad revision is refused at its field', /error: mechanisms 'review', field 'stages': rounds 'revision'.*sigma/.test(sd), sd);
  check('drawn: nothing saved', (await exportText()) === before && (await p.locator('#ed-version').innerText()) === v2);
  await d.ctx.close();
}

async function shot(page, file) {
  if (!IMG) return;
  fs.mkdirSync(IMG, { recursive: true });
  await page.screenshot({ path: path.join(IMG, file), fullPage: false });
}
