// End-to-end test of the debrief page in a real browser (docs/ui.md, "Debrief"), on
// tests/scenarios/valid/harbour-debrief.yaml: the two harbour masters acknowledge C-1 and vote
// share-berths, control ends the exercise, then opens the debrief from its console. It steps
// through Southbay's events (range, buttons, arrow keys) and at none of them sees anything of I-2
// (releasable to Northport and control only), while Northport's last step shows I-2 under its
// banner; a player opening the page gets the join form and no data; "Fork from here" at the first
// step Southbay holds C-1 (its request, at +1h; the same step delivers it to both) with every seat
// on its agent shows the outcome computed by hand (docs/cli.md, "Forks").
// Usage: CAUCUS_URL=... CAUCUS_CODES='{"control":"...","xna-harbour":"...","xso-harbour":"..."}' node tests/e2e/debrief.mjs
import { suite, launch, openPage, joinApi, input as post, CODES } from './harness.mjs';

const { check, finish, problems } = suite('debrief', { seconds: 180, seats: ['control', 'xna-harbour', 'xso-harbour'] });
const browser = await launch();
/* a page and a session joined over the API in its context; only uncaught exceptions are problems
   here (the player's page is refused data on purpose) */
async function who(name) {
  const w = await openPage(browser, name, problems, { ignore: () => true });
  w.csrf = (await joinApi(CODES[name], w.ctx.request)).csrf;
  return w;
}
const input = async (w, body) => (await post(w, body))[0];
const ctl = await who('control');
const xna = await who('xna-harbour');
const xso = await who('xso-harbour');
for (const b of [{ do: 'start' }, { do: 'pause' }, { do: 'jump', to: '+1h' }]) check('control: ' + b.do, (await input(ctl, b)) === 200);
check('Northport acknowledges', (await input(xna, { do: 'acknowledge', consultation: 'C-1' })) === 200);
check('Southbay acknowledges', (await input(xso, { do: 'acknowledge', consultation: 'C-1' })) === 200);
for (const w of [xna, xso]) check(w.name + ' votes', (await input(w, { do: 'vote', decision: 'D-1', option: 'share-berths' })) === 200);
check('control ends the exercise', (await input(ctl, { do: 'end' })) === 200);

// control's console links to the debrief
const p = ctl.page;
await p.addInitScript((csrf) => { sessionStorage.setItem('caucus.csrf', csrf); sessionStorage.setItem('caucus.role', 'control'); }, ctl.csrf);
await p.goto('/');
const link = p.locator('#debrief-link');
check('the console links to the debrief', (await link.getAttribute('href')) === '/debrief.html');
await link.click();
await p.locator('#db-main').waitFor({ state: 'visible', timeout: 10000 });
check('the debrief opens on control\'s last event', /^Event \d+ of \d+ · \+1h00m · run\.end$/.test(await p.locator('#db-where').textContent()),
  await p.locator('#db-where').textContent());

// Southbay, every step: nothing of I-2
await p.selectOption('#db-seat', 'xso-harbour');
await p.waitForFunction(() => document.getElementById('db-where').textContent.indexOf('run.end') > 0);
const n = Number(await p.locator('#db-range').getAttribute('max')) + 1;
check('Southbay saw more than a handful of events', n > 10, n);
await p.click('#db-first');
let leaks = [];
let c1at = -1;
for (let i = 0; i < n; i++) {
  await p.waitForFunction((k) => document.getElementById('db-range').value === String(k) &&
    document.getElementById('db-where').textContent !== '', i);
  await p.waitForLoadState('networkidle');
  const items = await p.locator('#db-items li').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-item-id') + ' ' + l.textContent));
  if (items.some((t) => t.startsWith('I-2') || t.indexOf('Northport berth capacity') >= 0)) leaks.push([i, items]);
  if (c1at < 0 && (await p.locator('#db-cons li[data-consultation="C-1"]').count()) === 1) c1at = i;
  if (i < n - 1) await p.click('#db-next');
}
check('no step of Southbay shows anything of I-2', leaks.length === 0, leaks);
check('Southbay holds C-1 from some step on', c1at >= 0, c1at);
const dec = await p.locator('#db-decs li[data-decision="D-1"]').textContent();
check('Southbay\'s last step: D-1 decided share-berths', /decided: share-berths/.test(dec), dec);
// the keyboard: left arrow steps back one event
await p.locator('h1#db-h').click();
const before = await p.locator('#db-where').textContent();
await p.keyboard.press('ArrowLeft');
await p.waitForFunction((b) => document.getElementById('db-where').textContent !== b, before);
check('the left arrow steps back', (await p.locator('#db-range').inputValue()) === String(n - 2));
await p.keyboard.press('ArrowRight');
await p.waitForFunction((b) => document.getElementById('db-where').textContent === b, before);
check('the right arrow steps forward again', (await p.locator('#db-range').inputValue()) === String(n - 1));

// Northport at its last step: I-2 under its banner
await p.selectOption('#db-seat', 'xna-harbour');
await p.locator('#db-items li[data-item-id="I-2"]').waitFor({ timeout: 10000 });
const b2 = await p.locator('#db-items li[data-item-id="I-2"] .banner').textContent();
check('Northport holds I-2 with its label', b2 === 'RESTRICTED//REL TO EXCON, XNA', b2);

// fork from the step at which Southbay first holds C-1 (both harbour masters have it)
await p.selectOption('#db-seat', 'xso-harbour');
await p.waitForFunction(() => document.getElementById('db-where').textContent.indexOf('run.end') > 0);
await p.locator('#db-range').fill(String(c1at));
await p.locator('#db-cons li[data-consultation="C-1"]').waitFor({ timeout: 10000 });
await p.click('#db-fork');
const summary = p.locator('#db-fork-out .fork-summary');
await summary.waitFor({ timeout: 20000 });
const st = await summary.textContent();
check('the fork\'s outcome: D-1 made, C-1 completed, four agent actions',
  /decisions made 1, expired 0; consultations completed 1; agent actions 4$/.test(st), st);
const fd = await p.locator('#db-fork-out li[data-decision="D-1"]').textContent();
check('the fork shows D-1 decided (its outcome hidden from control, as live)', /D-1 decided$/.test(fd.trim()), fd);
check('the fork names its origin', /^Origin: event hash [0-9a-f]{64}, Merkle root [0-9a-f]{64}$/.test(await p.locator('#db-fork-out .hint').textContent()));
if (process.env.CAUCUS_IMG) await p.screenshot({ path: process.env.CAUCUS_IMG + '/debrief.png', fullPage: true });

// in Korean (ui/lang-ko.json): the page's own strings translated, the scenario's ids as written
const ko = await ctl.ctx.newPage();
await ko.addInitScript(() => localStorage.setItem('caucus.lang', 'ko'));
await ko.goto('/debrief.html');
await ko.locator('#db-main').waitFor({ state: 'visible', timeout: 10000 });
await ko.waitForFunction(() => document.getElementById('db-h').textContent === '사후 강평', null, { timeout: 10000 }).catch(() => {});
check('the page in Korean', (await ko.locator('#db-h').textContent()) === '사후 강평' &&
  (await ko.locator('#db-next').textContent()) === '다음 이벤트', await ko.locator('#db-h').textContent());
await ko.waitForFunction(() => /^이벤트 \d+\/\d+ · /.test(document.getElementById('db-where').textContent), null, { timeout: 10000 }).catch(() => {});
check('the step line in Korean', /^이벤트 \d+\/\d+ · \+1h00m · run\.end$/.test(await ko.locator('#db-where').textContent()),
  await ko.locator('#db-where').textContent());
await ko.close();

// a player opening the page gets the join form and nothing else
await xso.page.goto('/debrief.html');
await xso.page.locator('#db-join').waitFor({ state: 'visible', timeout: 10000 });
check('a player gets the join form', await xso.page.locator('#db-main').isHidden());
check('and no item', (await xso.page.locator('#db-items li').count()) === 0);
const r = await xso.ctx.request.get('/api/debrief?at=1&seat=xna-harbour');
check('a player\'s /api/debrief is 403', r.status() === 403, r.status());

check('no page error', problems.length === 0, problems);
await browser.close();
finish();
