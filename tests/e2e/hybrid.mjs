// End-to-end test of hybrid seats and control's steering in a real browser (docs/ui.md, "Hybrid
// seats", "Control steers"), on tests/scenarios/valid/river-basin.yaml: one person at the table
// (xmd-commissioner), control hands four seats to their agents from the console and acts for the
// empty desk; the seat's buttons are exactly its affordances, "Waiting for you" leads; control
// forces a stage on, issues a new join code (the old one is refused), and the interim report keeps
// its banner colours under the page's policy.
// Usage: CAUCUS_URL=... CAUCUS_CODES='{"control":"...","xmd-commissioner":"...",...}' node tests/e2e/hybrid.mjs
import { suite, launch, openPage, joinForm as join, state, statusAfter, waitState, input, CODES } from './harness.mjs';

const { check, finish, problems } = suite('hybrid', { seconds: 180, seats: ['control', 'xmd-commissioner'] });
const browser = await launch();
let quiet401 = false;
/* a 401 is expected while the old session of a reissued code is tried */
const seat = (name) => openPage(browser, name, problems, { ignore: (t) => quiet401 && / 401 /.test(t) });
const api = async (who, body) => (await input(who, body))[1];
/* the visible action buttons of a card, as the inputs they send: every one must be an affordance */
async function offered(who, sel) {
  return who.page.locator(sel + ' button:visible').evaluateAll((bs) => bs.map((b) => b.textContent));
}

const ctl = await seat('control');
const xmd = await seat('xmd-commissioner');
try {
  check('control joins', (await join(ctl, CODES.control)) === 200);
  check('xmd-commissioner joins', (await join(xmd, CODES['xmd-commissioner'])) === 200);
  for (const i of [{ do: 'start' }, { do: 'pause' }, { do: 'jump', to: '+1h45m' }]) await api(ctl, i);
  /* control hands the empty seats to their agents from the console */
  for (const s of ['xup-commissioner', 'xlw-commissioner', 'xup-hydro', 'xlw-hydro']) {
    await ctl.page.getByRole('button', { name: 'Hand ' + s + ' to its agent' }).click();
    check('control hands ' + s + ' to its agent', (await statusAfter(ctl, 'Hand ' + s)).endsWith('done'));
  }
  await ctl.page.locator('#roster li[data-seat="xup-hydro"][data-played-by="agent"]').waitFor({ timeout: 5000 });
  check('the roster says the agent plays it', /agent plays/.test(await ctl.page.locator('#roster li[data-seat="xup-hydro"] .sstate').textContent()));
  /* attention: a new item counts in the tab and the page title, and stays new across a reload */
  await xmd.page.locator('#inbox [data-item-id="I-1"]').waitFor({ timeout: 5000 });
  await xmd.page.waitForFunction(() => /^\(\d+\) caucus/.test(document.title), null, { timeout: 5000 });
  check('the page title counts what is new or waiting', /^\(\d+\) caucus/.test(await xmd.page.title()), await xmd.page.title());
  check('the inbox tab counts the new item', /1 new/.test(await xmd.page.locator('#inbox-count').textContent()));
  await xmd.page.reload();
  await xmd.page.locator('#inbox [data-item-id="I-1"][data-unread="true"]').waitFor({ timeout: 5000 });
  check('the new mark survives a reload', true);
  await xmd.page.locator('#inbox [data-item-id="I-1"]').click();
  await xmd.page.locator('#inbox [data-item-id="I-1"][data-unread="false"]').waitFor({ timeout: 5000 });
  check('read once opened', !/new/.test(await xmd.page.locator('#inbox-count').textContent()));
  /* the person: "Waiting for you" first, and only the buttons the server offers */
  await xmd.page.locator('#waiting li[data-id="C-1"]').waitFor({ timeout: 5000 });
  check('C-1 waits for the person', /act in C-1/.test(await xmd.page.locator('#waiting').textContent()));
  check('the Consultations tab counts it', /1 for you/.test(await xmd.page.locator('#consult-count').textContent()));
  const st = await state(xmd);
  const aff = st.affordances.filter((a) => a.consultation === 'C-1').map((a) => a.do).sort();
  const shown = await offered(xmd, '#consultations [data-consultation="C-1"] .actions');
  check('the card shows exactly the offered acts', JSON.stringify(shown.map((t) => ({ Acknowledge: 'acknowledge', Object: 'object', Escalate: 'escalate', Remind: 'remind' })[t]).sort()) ===
    JSON.stringify(aff.filter((a) => a !== 'position').sort()), [shown, aff]);
  const upcoming = await state(await (async () => { const h = await seat('xmd-hydro'); await join(h, CODES['xmd-hydro']); return h; })());
  check('a desk named in a later stage sees C-1 coming', upcoming.upcoming && upcoming.upcoming[0] && upcoming.upcoming[0].stage === 'assess', upcoming.upcoming);
  for (const t of shown) {
    if (t !== 'Acknowledge' && t !== 'Remind') continue; /* object and escalate change the course */
    await xmd.page.locator('#consultations [data-consultation="C-1"] .actions').getByRole('button', { name: t, exact: true }).click();
    check('offered ' + t + ' is accepted', (await statusAfter(xmd, t === 'Acknowledge' ? 'Act in C-1' : 'Remind in C-1')).endsWith('done'));
  }
  await xmd.page.locator('#waiting-empty').waitFor({ state: 'visible', timeout: 5000 });
  check('nothing waits for the person once it acted', true);
  /* the agents acknowledge 10 minutes after the hand-over; control acts for the empty desk */
  await api(ctl, { do: 'jump', to: '+2h' });
  await ctl.page.locator('#control-consultations [data-consultation="C-1"][data-stage="assess"]').waitFor({ timeout: 5000 });
  await ctl.page.locator('#stuck li[data-id="C-1"]').waitFor({ timeout: 5000 });
  check('the console says what C-1 waits for', /waits for .*xmd-hydro/.test(await ctl.page.locator('#stuck li[data-id="C-1"]').textContent()));
  const card = ctl.page.locator('#control-consultations [data-consultation="C-1"]');
  await card.locator('.behalf-seat').selectOption('xmd-hydro');
  await card.locator('.behalf-act').click();
  check('control acts for xmd-hydro', (await statusAfter(ctl, 'Act for xmd-hydro')).endsWith('done'));
  await card.locator('.who-acted', { hasText: 'xmd-hydro (control for the seat)' }).waitFor({ timeout: 5000 });
  check('the card says control acted for it', true);
  /* control forces the stuck stage on: the agents' desks would take an hour */
  await card.locator('.steer-what').selectOption('complete');
  await card.locator('.steer-arg').fill('the desks report orally');
  await card.getByRole('button', { name: 'Apply' }).click();
  check('control forces the stage on', (await statusAfter(ctl, 'Steer C-1')).endsWith('done'));
  await waitState(ctl, 'the decide stage', (s) => s.consultations.some((c) => c.id === 'C-1' && c.stage === 'decide'));
  check('the consultation moved to its decide stage', true);
  /* the interim report, opened from the console, keeps its banner colours under the CSP */
  const rp = await ctl.ctx.newPage();
  await rp.goto('/api/report');
  const bg = await rp.locator('.banner').first().evaluate((n) => getComputedStyle(n).backgroundColor);
  check('the interim report banner has its colour', bg && bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent', bg);
  check('the report says it is interim', /Interim after-action report \(exercise in progress\)/.test(await rp.title()), await rp.title());
  await rp.close();
  /* a new join code: the old one is refused, the person's page loses its session */
  const [resp] = await Promise.all([ctl.page.waitForResponse((r) => r.url().endsWith('/api/reissue')),
    ctl.page.getByRole('button', { name: 'New code for xmd-commissioner' }).click()]);
  const code = (await resp.json()).code;
  check('control gets a new code', resp.status() === 200 && /^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$/.test(code || ''), code);
  check('the console shows it', (await statusAfter(ctl, 'New join code for xmd-commissioner')).includes(code));
  quiet401 = true;
  check('the old session has ended', (await state(xmd)).status === 401);
  const again = await seat('xmd-commissioner again');
  check('the old code is refused', (await join(again, CODES['xmd-commissioner'])) !== 200);
  check('the new code joins', (await join(again, code)) === 200);
  quiet401 = false;
} catch (e) {
  check('hybrid seats and steering (' + String(e.message || e).split('\n')[0] + ')', false);
}
check('no console errors, CSP violations or uncaught exceptions', problems.length === 0, problems.slice(0, 5));
await browser.close();
finish();
