// End-to-end test of evaluation in the browser (docs/ui.md, "Evaluator view" and "Participant
// feedback and team scores") against `caucus serve tests/scenarios/valid/evaluation.yaml`: an
// evaluator writes an observation (its draft survives a reload) that appears under the right
// objective of its report with its evidence; control starts the hotwash, two seats answer the
// questionnaire in their seat page, and the evaluator's report aggregates the answers by party.
// Usage: CAUCUS_URL=http://127.0.0.1:PORT CAUCUS_CODES='{"control":"...","usa-lead":"...",...}'
//        node tests/e2e/feedback.mjs   (run by tests/cli/e2e.sh)
import { suite, launch, openPage, joinApi as apiJoin, input as apiInput, CODES } from './harness.mjs';

const { check, finish, problems } = suite('feedback', { seconds: 120 });
const browser = await launch();
async function seatPage(name, code) {
  const { page } = await openPage(browser, name, problems, { viewport: { width: 1280, height: 800 } });
  await page.goto('/');
  await page.getByLabel('Join code').fill(code);
  await page.getByRole('button', { name: 'Join' }).click();
  return page;
}
async function answer(page, likert, text) {
  const form = page.locator('#feedback form[data-key="Q-end"]');
  await form.waitFor({ timeout: 15000 });
  await form.locator('input[name="fb-Q-end-h1"][value="' + likert + '"]').check();
  await form.locator('textarea[name="fb-Q-end-h2"]').fill(text);
  await form.getByRole('button', { name: 'Send answers' }).click();
  await page.locator('#status').filter({ hasText: /answers to Q-end: (done|.*refused)/ }).waitFor({ timeout: 10000 });
  return (await page.locator('#status').textContent()) || '';
}

try {
  const ctl = await apiJoin(CODES.control);
  const usa = await seatPage('usa-lead', CODES['usa-lead']);
  const kor = await seatPage('kor-lead', CODES['kor-lead']);
  let [st, j] = await apiInput(ctl, { do: 'start' });
  check('control starts', st === 200, [st, j]);
  check('no feedback panel before anything is sent', await usa.locator('#feedback-panel').isHidden());
  /* the team score: 3x4 + 2x3 + 1x5 = 23 of 30 points, 76.7% (shown as typed) */
  const sc = usa.locator('#scoring form[data-key="SC-move"]');
  await sc.waitFor({ timeout: 15000 });
  await sc.locator('select[name="move"]').selectOption('p1');
  await sc.locator('input[name="sc-timely"]').fill('4');
  await sc.locator('input[name="sc-shared"]').fill('3');
  await sc.locator('input[name="sc-clear"]').fill('5');
  check('the weighted score as it is typed', (await sc.locator('.score-weighted').textContent()) === 'Weighted score: 76.7%',
    await sc.locator('.score-weighted').textContent());
  await sc.getByRole('button', { name: 'Submit score' }).click();
  await usa.locator('#status').filter({ hasText: /score SC-move: (done|.*refused|.*\()/ }).waitFor({ timeout: 10000 });
  check('the score is submitted', /done/.test((await usa.locator('#status').textContent()) || ''));
  await sc.locator('.score-sent').filter({ hasText: 'Submitted for p1' }).waitFor({ timeout: 10000 });
  /* control's console: the questionnaires and the Hotwash button (asked for confirmation) */
  const con = await seatPage('control', CODES.control);
  await con.locator('#eval-panel').waitFor({ state: 'visible', timeout: 15000 });
  check('control sees Q-end not sent yet', /Q-end .*not sent \(at the hotwash\)/.test(await con.locator('#questionnaires [data-key="Q-end"] .q-text').textContent()));
  con.once('dialog', (dlg) => dlg.accept());
  await con.locator('#btn-hotwash').click();
  await con.locator('#status').filter({ hasText: /Hotwash: (done|.*refused|.*\()/ }).waitFor({ timeout: 10000 });
  check('control starts the hotwash from its console', /done/.test((await con.locator('#status').textContent()) || ''));
  check('usa-lead sends its answers', /done/.test(await answer(usa, 6, 'Consult the desks earlier.')));
  check('kor-lead sends its answers', /done/.test(await answer(kor, 3, 'More time for the desks.')));
  await usa.locator('#feedback .fb-sent').filter({ hasText: 'Answers sent' }).waitFor({ timeout: 10000 });
  check('the form says the answers were sent', true);
  await con.locator('#questionnaires [data-key="Q-end"] .q-text').filter({ hasText: /2 of \d+ answered/ }).waitFor({ timeout: 10000 });
  check('control sees how many answered', true);
  /* the evaluator's observation, typed, reloaded (the draft survives), recorded */
  const ev = await seatPage('obs-usa', CODES['obs-usa']);
  const f = ev.locator('#obs-form');
  await f.waitFor({ state: 'visible', timeout: 15000 });
  check('a player has no observation form', await usa.locator('#observe-panel').isHidden());
  await f.locator('#obs-objective').selectOption('O-consult');
  await f.locator('#obs-target').selectOption('CT-1');
  await f.locator('#obs-task').selectOption('CT-1.1');
  await f.locator('#obs-kind').selectOption('improvement');
  await f.locator('#obs-rating').selectOption('S');
  await f.locator('#obs-text').fill('The request reached a desk, not the co-chair.');
  await f.locator('#obs-root').fill('Requests go to a shared mailbox.');
  await ev.reload();
  await f.waitFor({ state: 'visible', timeout: 15000 });
  check('the draft survives a reload', (await f.locator('#obs-text').inputValue()) === 'The request reached a desk, not the co-chair.' &&
    (await f.locator('#obs-task').inputValue()) === 'CT-1.1', await f.locator('#obs-text').inputValue());
  await f.locator('#obs-rec').fill('Name a duty officer.');
  await f.locator('#obs-evidence').fill('1');
  const labels = await f.locator('#obs-label option').allTextContents();
  const lab = labels.find((l) => l.startsWith('UNCLASSIFIED')) || labels[0];
  await f.locator('#obs-label').selectOption(lab);
  await f.getByRole('button', { name: 'Record observation' }).click();
  await ev.locator('#status').filter({ hasText: /observation: (done|.*refused|.*\()/ }).waitFor({ timeout: 10000 });
  const said = (await ev.locator('#status').textContent()) || '';
  check('the observation is recorded', /done/.test(said), said);
  check('the recorded draft is cleared', (await f.locator('#obs-text').inputValue()) === '');
  const obs = await apiJoin(CODES['obs-usa']);
  const r = await obs.request.get('/api/report?format=json');
  const d = await r.json();
  const fb = d.sections.find((s) => s.id === 'feedback');
  const h1 = fb && fb.tables.find((t) => t.id === 'Q-end-h1');
  const rows = Object.fromEntries((h1 ? h1.rows : []).map((x) => [x[0], x.slice(1, 4)]));
  check('the evaluator report aggregates both answers by party', JSON.stringify(rows['6']) === '[1,1,0]' &&
    JSON.stringify(rows['3']) === '[1,0,1]', rows);
  const ob = d.sections.find((s) => s.id === 'objectives');
  const orow = ob.tables.find((t) => t.id === 'observations').rows.find((x) => x[8] === 'The request reached a desk, not the co-chair.');
  check('the observation is under its objective, target and task', orow && orow[0] === 'O-consult' && orow[5] === 'CT-1 / CT-1.1' &&
    orow[6] === 'improvement' && orow[7] === 'S' && orow[10] === 'Name a duty officer.', orow);
  const evid = ob.tables.find((t) => t.id === 'observation-evidence').rows.find((x) => orow && x[0] === orow[1]);
  check('with the evidence it cites', evid && evid[1] === 1 && evid[3], evid);
  const scoring = d.sections.find((s) => s.id === 'scoring').tables.find((t) => t.id === 'SC-move');
  const usaRow = scoring.rows.find((x) => x[0] === 'p1' && x[1] === 'party:USA');
  check('the team score in the report', usaRow && usaRow[5] === '76.7%' && usaRow[6] === 'usa-lead', usaRow);
  const text = fb && fb.tables.find((t) => t.id === 'Q-end-h2');
  check('the text answers listed under their party', text && text.rows.some((x) => x[0] === 'USA' && x[1] === 'Consult the desks earlier.'), text);
} catch (e) {
  check('feedback flow (' + String(e.message || e).split('\n')[0] + ')', false);
}
check('no console error, CSP violation or uncaught exception', problems.length === 0, problems.slice(0, 3));
await browser.close();
finish();
