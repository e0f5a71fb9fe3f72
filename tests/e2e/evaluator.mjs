// End-to-end test of the evaluator's page and of finishing the report (docs/ui.md, "Evaluator
// view" and "Finishing the report") against `caucus serve tests/scenarios/valid/flood-consultation.yaml`
// (run by tests/cli/aar.sh): the evaluator joins /evaluator.html on a tablet, sees the critical task
// of the consultation's acknowledge stage marked `now`, cites two events of its record of play, keeps
// the draft across a reload, records the observation, which shows under its objective in My
// observations, on control's console and in the evaluator's report with evidence links that lead to
// their rows; the page never scrolls sideways at 1024x768 and 768x1024. Control then writes the
// executive summary on /aar.html and the Word report it downloads holds it (read back with
// python3-docx).
// Usage: CAUCUS_URL=http://127.0.0.1:PORT CAUCUS_CODES='{"control":"...",...}' CAUCUS_TMP=DIR
//        node tests/e2e/evaluator.mjs
import { suite, launch, openPage, joinApi, input, CODES } from './harness.mjs';
import { spawnSync } from 'node:child_process';

const TMP = process.env.CAUCUS_TMP || '/tmp';
const { check, finish, problems } = suite('evaluator', { seconds: 150 });
const browser = await launch();
const apiJoin = joinApi;
const apiInput = input;
async function newPage(name, viewport) {
  /* failed requests are checked by their answers below: only the expected ones are allowed */
  const { page } = await openPage(browser, name, problems, { viewport, context: { acceptDownloads: true }, ignore: (t) => /^Failed to load resource/.test(t) });
  page.on('response', (r) => {
    const u = new URL(r.url());
    const expected = (r.status() === 401 && u.pathname === '/api/state') || (r.status() === 400 && u.pathname === '/api/summary');
    if (r.status() >= 400 && !expected) problems.push(name + ': ' + r.status() + ' ' + u.pathname + u.search);
  });
  return page;
}
const noSideScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

const TEXT = 'The health office acknowledged only after the second reminder.';
try {
  const ctl = await apiJoin(CODES.control);
  const rba = await apiJoin(CODES['rba-lead']);
  let [st, j] = await apiInput(ctl, { do: 'start' });
  check('control starts', st === 200 && !j.refused, [st, j]);
  [st, j] = await apiInput(ctl, { do: 'release', inject: 'I-1' });
  check('control releases I-1', st === 200 && !j.refused, [st, j]);

  /* the evaluator's page on a tablet held flat */
  const ev = await newPage('evaluator', { width: 1024, height: 768 });
  await ev.goto('/evaluator.html');
  await ev.getByLabel('Join code').fill(CODES.evaluator);
  await ev.getByRole('button', { name: 'Join' }).click();
  await ev.locator('#ev-main').waitFor({ state: 'visible', timeout: 15000 });
  const rel = ev.locator('#ev-play li[data-type="inject.release"]');
  await rel.first().waitFor({ timeout: 15000 });
  const task = ev.locator('#ev-guides .ev-task[data-task="CT-1.1"]');
  check('the critical task is not marked now before its stage', (await task.locator('.ev-now').count()) === 0);
  [st, j] = await apiInput(rba, { do: 'request', consultation: 'C-1' });
  check('rba-lead asks for C-1 now', st === 200 && !j.refused, [st, j]);
  await task.locator('.ev-now').waitFor({ timeout: 15000 });
  check('the task of the acknowledge stage is marked now', (await task.locator('.ev-now').textContent()) === 'now');
  const relSeq = Number(await rel.first().getAttribute('data-seq'));
  const del = ev.locator('#ev-play li[data-type="delivery"]').filter({ hasText: 'to rba-lead' });
  await del.first().waitFor({ timeout: 10000 });
  const delSeq = Number(await del.first().getAttribute('data-seq'));
  check('the record holds the release and the delivery', relSeq > 0 && delSeq > relSeq, [relSeq, delSeq]);
  const rows = await ev.locator('#ev-play li').evaluateAll((ls) => ls.map((l) => Number(l.dataset.seq)));
  check('the record is newest first', rows.every((x, i) => i === 0 || rows[i - 1] > x), rows);
  const f = ev.locator('#ev-form');
  await f.locator('#ev-objective').selectOption('O-advise');
  await f.locator('#ev-target').selectOption('CT-1');
  await f.locator('#ev-task').selectOption('CT-1.1');
  await f.locator('#ev-kind').selectOption('improvement');
  await f.locator('#ev-rating').selectOption('M');
  await f.locator('#ev-text').fill(TEXT);
  await f.locator('#ev-root').fill('The request went to a shared mailbox.');
  await rel.first().getByRole('button', { name: 'Cite' }).click();
  await del.first().getByRole('button', { name: 'Cite' }).click();
  const cited = await ev.locator('#ev-evidence li[data-seq]').evaluateAll((ls) => ls.map((l) => Number(l.dataset.seq)));
  check('Cite puts both events into the draft', JSON.stringify(cited) === JSON.stringify([relSeq, delSeq]), cited);
  check('no horizontal scroll at 1024x768', await noSideScroll(ev));
  const small = await ev.evaluate(() => Array.from(document.querySelectorAll('#ev-main button, #ev-main select, #ev-main input, #ev-main textarea'))
    .filter((n) => n.offsetParent && n.getBoundingClientRect().height < 44).map((n) => n.id || n.textContent));
  check('every control is at least 44 px high', small.length === 0, small);
  await ev.reload();
  await ev.locator('#ev-main').waitFor({ state: 'visible', timeout: 15000 });
  await ev.locator('#ev-evidence li[data-seq]').first().waitFor({ timeout: 10000 });
  const after = await ev.locator('#ev-evidence li[data-seq]').evaluateAll((ls) => ls.map((l) => Number(l.dataset.seq)));
  check('the draft survives a reload: text, task and evidence',
    (await f.locator('#ev-text').inputValue()) === TEXT && (await f.locator('#ev-task').inputValue()) === 'CT-1.1' &&
    (await f.locator('#ev-rating').inputValue()) === 'M' && JSON.stringify(after) === JSON.stringify([relSeq, delSeq]), after);
  check('the draft is listed in My observations', /Draft \(not recorded\)/.test(await ev.locator('#ev-mine').textContent()));
  await ev.setViewportSize({ width: 768, height: 1024 });
  check('no horizontal scroll at 768x1024 (one column)', await noSideScroll(ev));
  await f.locator('#ev-rec').fill('Name a duty officer for flood consultations.');
  await f.getByRole('button', { name: 'Record observation' }).click();
  await ev.locator('#status').filter({ hasText: /Observation (recorded|refused|:)/ }).waitFor({ timeout: 10000 });
  const said = (await ev.locator('#status').textContent()) || '';
  check('the observation is recorded', said === 'Observation recorded.', said);
  check('the draft is cleared', (await f.locator('#ev-text').inputValue()) === '' && (await ev.locator('#ev-evidence li[data-seq]').count()) === 0);
  const mine = ev.locator('#ev-mine .ev-mine-obj[data-objective="O-advise"] .ev-obs').filter({ hasText: TEXT });
  await mine.waitFor({ timeout: 10000 });
  check('My observations lists it under O-advise with its evidence',
    (await mine.textContent()).includes('Evidence: #' + relSeq + ', #' + delSeq), await mine.textContent());

  /* control's console: the observation under its objective */
  const con = await newPage('control', { width: 1280, height: 800 });
  await con.goto('/');
  await con.getByLabel('Join code').fill(CODES.control);
  await con.getByRole('button', { name: 'Join' }).click();
  const co = con.locator('#objectives li[data-objective="O-advise"] .obj-observation').filter({ hasText: TEXT });
  await co.waitFor({ timeout: 15000 });
  check('control\'s console shows it under O-advise', (await co.textContent()).includes('evaluator'), await co.textContent());

  /* the evaluator's report: under O-advise, evidence linked to its rows */
  await ev.goto('/api/report');
  const orow = ev.locator('#objectives-observations + table tr').filter({ hasText: TEXT });
  check('the report has the observation under O-advise', (await orow.count()) === 1 && (await orow.locator('td').first().textContent()) === 'O-advise');
  const hrefs = await orow.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  check('its evidence are two links', hrefs.length === 2, hrefs);
  for (const h of hrefs) {
    const target = ev.locator(h.replace(/^#/, '#'));
    check('evidence link ' + h + ' leads to the evidence row of that event', (await target.count()) === 1 &&
      (await target.locator('td').nth(1).textContent()) === h.replace(/^#ev-/, ''), h);
  }

  /* control finishes the report on /aar.html and downloads it as Word */
  await con.goto('/aar.html');
  await con.locator('#aar-main').waitFor({ state: 'visible', timeout: 15000 });
  check('the text box starts with the drafted summary', (await con.locator('#aar-text').inputValue()).startsWith('Riverside flood consultation was played from'));
  const SUM = 'The basin authority and the health office agreed one advisory; acknowledgements were slow.';
  await con.locator('#aar-text').fill(SUM);
  await con.locator('#aar-label').fill('OFFICIAL//REL TO REGION');
  await con.locator('#aar-author').fill('Planner A');
  await con.locator('#aar-author').dispatchEvent('change');
  await con.getByRole('button', { name: 'Save summary' }).click();
  await con.locator('#status').filter({ hasText: /Saved as version 1\./ }).waitFor({ timeout: 10000 });
  check('the versions list has version 1 by Planner A', /1Planner A/.test(await con.locator('#aar-versions').textContent()));
  await con.locator('#aar-label').fill('NOT A LABEL');
  await con.getByRole('button', { name: 'Save summary' }).click();
  await con.locator('#aar-error').filter({ hasText: /not a label/ }).waitFor({ timeout: 10000 });
  check('a bad label is refused on the page', true);
  const [dl] = await Promise.all([con.waitForEvent('download'), con.locator('#aar-docx').click()]);
  const path = TMP + '/aar-report.docx';
  await dl.saveAs(path);
  const py = spawnSync('/usr/bin/python3', ['-c',
    'import docx,sys\nd=docx.Document(sys.argv[1])\nprint("\\n".join(p.text for p in d.paragraphs))', path], { encoding: 'utf8' });
  check('the Word report opens with python3-docx and holds the saved summary', py.status === 0 && py.stdout.includes(SUM), py.stderr || py.stdout.slice(0, 300));
} catch (e) {
  check('evaluator flow (' + String(e.message || e).split('\n')[0] + ')', false);
}
check('no console error, CSP violation or uncaught exception', problems.length === 0, problems.slice(0, 3));
await browser.close();
finish();
