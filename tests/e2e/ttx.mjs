// End-to-end test of the live TTX UI in a real browser (Debian's chromium, headless), driven
// by playwright-core against a running `caucus serve scenarios/ncg-policy-ttx.yaml`.
// Usage: CAUCUS_URL=http://127.0.0.1:PORT CAUCUS_CODES='{"control":"...","usa-chair":"...",...}'
//        [CAUCUS_IMG=docs/img] node tests/e2e/ttx.mjs
// Run by tests/cli/e2e.sh, which starts the server and parses the join codes it prints.
// Prints "N passed, N failed" last and exits non-zero on any failure.
import { chromium, request as pwRequest } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const URL_ = process.env.CAUCUS_URL;
const CODES = JSON.parse(process.env.CAUCUS_CODES || '{}');
const IMG = process.env.CAUCUS_IMG || '';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SPEED = 600; /* scenario ms per wall ms: 10 scenario minutes per wall second */
const H = 3600000;

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
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

if (!URL_ || !CODES.control || !CODES['usa-chair'] || !CODES['kor-chair']) {
  console.log('FAIL: CAUCUS_URL and CAUCUS_CODES (control, usa-chair, kor-chair) are required');
  fail++;
  finish(2);
}
if (!fs.existsSync(CHROMIUM)) {
  console.log('FAIL: no chromium at ' + CHROMIUM);
  fail++;
  finish(2);
}
/* a hung server or browser must not hang the test */
setTimeout(() => {
  console.log('FAIL: the end-to-end test did not finish within 240 s');
  fail++;
  finish(1);
}, 240000).unref();

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox'] });
const problems = []; /* console errors, CSP violations, uncaught exceptions in any page */
let quietJoin = false; /* a refused join is expected (its 401 is logged by the browser) */
let quiet400 = false; /* a refused plan update is expected (its 400 likewise) */
let quiet429 = false; /* a refused event stream is expected (its 429 likewise) */

async function newSeat(name) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: URL_ });
  const page = await ctx.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && !(quietJoin && / 401 /.test(m.text())) && !(quiet400 && / 400 /.test(m.text())) && !(quiet429 && / 429 /.test(m.text()))) problems.push(name + ': ' + m.text());
  });
  page.on('pageerror', (e) => problems.push(name + ': uncaught ' + e.message));
  return { name, ctx, page };
}

async function shot(page, file) {
  if (!IMG) return;
  fs.mkdirSync(IMG, { recursive: true });
  await page.screenshot({ path: path.join(IMG, file) });
}

async function state(who) {
  const r = await who.ctx.request.get('/api/state');
  if (r.status() !== 200) throw new Error(who.name + ': GET /api/state ' + r.status());
  return r.json();
}

/* waits until fn(state) is true for who; returns that state */
async function waitState(who, what, fn, ms = 15000) {
  const until = Date.now() + ms;
  let st = null;
  while (Date.now() < until) {
    st = await state(who);
    if (fn(st)) return st;
    await sleep(100);
  }
  throw new Error(who.name + ': timed out waiting for ' + what);
}

/* control plays a seat that nobody fills (a White Cell playing a simulated cell) */
async function controlAs(ctl, seat, input) {
  const r = await ctl.ctx.request.post('/api/input', {
    headers: { 'X-CSRF-Token': ctl.csrf },
    data: seat ? Object.assign({ seat }, input) : input,
  });
  const j = await r.json().catch(() => null);
  check('control acting for ' + seat + ': ' + JSON.stringify(input), r.status() === 200 && j && j.refused === null, [r.status(), j]);
}

/* the status line after a UI action: "... done" or "... refused: reason" */
async function statusAfter(who, startsWith) {
  const loc = who.page.locator('#status');
  await loc.filter({ hasText: new RegExp('^' + startsWith.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '.*(done|refused|:)') }).waitFor({ timeout: 5000 });
  await who.page.waitForFunction(() => !document.getElementById('status').classList.contains('busy'), null, { timeout: 5000 });
  return (await loc.textContent()) || '';
}

async function joinUI(who, code) {
  await who.page.goto('/');
  await who.page.getByLabel('Join code').fill(code);
  const [resp] = await Promise.all([
    who.page.waitForResponse((r) => r.url().endsWith('/api/join')),
    who.page.getByRole('button', { name: 'Join' }).click(),
  ]);
  const j = await resp.json().catch(() => ({}));
  who.csrf = j.csrf;
  return { status: resp.status(), json: j };
}

/* runs one phase; an exception is one failure and the next phase still runs */
async function phase(name, fn) {
  try {
    await fn();
  } catch (e) {
    check(name + ' (' + String(e.message || e).split('\n').filter((l) => l.trim() && !/^=+/.test(l.trim())).slice(0, 3).join(' | ') + ')', false);
    /* what each page said last, to see why */
    for (const who of [ctl, usa, kor]) {
      const st = await who.page.locator('#status').textContent().catch(() => '?');
      const cons = await who.page.locator('[data-consultation]').evaluateAll((n) => n.map((x) => x.getAttribute('data-consultation') + ':' + x.getAttribute('data-stage-kind') + ':' + x.getAttribute('data-state'))).catch(() => '?');
      const link = await who.page.locator('#link-state').textContent().catch(() => '?');
      const api = await state(who).then((x) => x.seq + ' ' + x.consultations.map((c) => c.id + ':' + c.stage_kind).join(',')).catch((x) => String(x));
      console.log('  ' + who.name + ': status "' + st + '"; link ' + link + '; consultations in the DOM ' + JSON.stringify(cons) + ', in /api/state ' + api);
    }
  }
}

const ctl = await newSeat('control');
const usa = await newSeat('usa-chair');
const kor = await newSeat('kor-chair');
const item = (who, id) => who.page.locator('#inbox [data-item-id="' + id + '"]');
let pausedAt = -1;
let pausedWall = 0;

await phase('join', async () => {
  await usa.page.goto('/');
  const ok = await usa.page.locator('#view-join').isVisible();
  check('join screen shown before joining', ok);
  const h = await usa.page.request.get('/');
  const csp = h.headers()['content-security-policy'] || '';
  const scriptSrc = /(?:^|;)\s*script-src ([^;]*)/.exec(csp) || /(?:^|;)\s*default-src ([^;]*)/.exec(csp);
  check('the UI is served under a strict CSP (scripts from self only)', scriptSrc && scriptSrc[1].trim() === "'self'" && !/unsafe-/.test(csp), csp);
  await usa.page.getByLabel('Join code').fill('AAAAA-BBBBB-CCCCC-DDDDD');
  quietJoin = true;
  await usa.page.getByRole('button', { name: 'Join' }).click();
  await usa.page.locator('#join-error').filter({ hasText: 'not accepted' }).waitFor({ timeout: 5000 });
  quietJoin = false;
  check('a wrong code is refused on the join screen', await usa.page.locator('#view-join').isVisible());
  await usa.page.getByLabel('Join code').fill(CODES['usa-chair']);
  await shot(usa.page, 'join.png');

  const c = await joinUI(ctl, CODES.control);
  check('control joins', c.status === 200 && c.json.role === 'control' && c.json.seat === null, c);
  await ctl.page.locator('#view-control').waitFor({ timeout: 5000 });
  const u = await joinUI(usa, CODES['usa-chair']);
  check('USA seat joins', u.status === 200 && u.json.seat === 'usa-chair', u);
  const k = await joinUI(kor, CODES['kor-chair']);
  check('KOR seat joins', k.status === 200 && k.json.seat === 'kor-chair', k);
  await usa.page.locator('#view-player').waitFor({ timeout: 5000 });
  await kor.page.locator('#view-player').waitFor({ timeout: 5000 });
  check('USA view names its seat', (await usa.page.locator('#who').textContent()).includes('USA'));
  check('KOR view names its seat', (await kor.page.locator('#who').textContent()).includes('KOR'));
  check('a seat has no control console', !(await usa.page.locator('#view-control').isVisible()));
  await ctl.page.locator('#link-state.up').waitFor({ timeout: 5000 });
  await usa.page.locator('#link-state.up').waitFor({ timeout: 5000 });
  await kor.page.locator('#link-state.up').waitFor({ timeout: 5000 });
  check('all three event streams are live', true);
  const st = await waitState(ctl, 'both seats connected', (s) =>
    s.seats.some((x) => x.id === 'usa-chair' && x.connected) && s.seats.some((x) => x.id === 'kor-chair' && x.connected));
  check('control sees both seats connected', !!st);
  await ctl.page.locator('#roster [data-seat="kor-chair"][data-connected="true"]').waitFor({ timeout: 5000 });
});

await phase('clock and national-only items', async () => {
  await ctl.page.getByRole('button', { name: 'Start' }).click();
  check('start', (await statusAfter(ctl, 'Start')).endsWith('done'));
  await ctl.page.getByLabel('Speed').fill(String(SPEED));
  await ctl.page.getByRole('button', { name: 'Set speed' }).click();
  check('speed', (await statusAfter(ctl, 'Speed')).endsWith('done'));
  await ctl.page.locator('#clock-speed', { hasText: String(SPEED) }).waitFor({ timeout: 5000 });
  /* I-05 is released at +1h15m: pause once it is, well before I-09 (+3h) and I-10 (+4h) */
  await waitState(ctl, 'I-05 released', (s) => s.injects.some((i) => i.id === 'I-05' && i.state === 'released'), 30000);
  await ctl.page.getByRole('button', { name: 'Pause' }).click();
  check('pause', (await statusAfter(ctl, 'Pause')).endsWith('done'));
  pausedWall = Date.now();
  const st = await state(ctl);
  pausedAt = st.clock.t;
  check('paused before I-09 and I-10 are due', st.clock.running === false && pausedAt >= 1.25 * H && pausedAt < 3 * H, st.clock);
  await ctl.page.locator('#clock-state', { hasText: 'paused' }).waitFor({ timeout: 5000 });
  const shown = Number(await ctl.page.locator('#clock-t').getAttribute('data-t'));
  check('the console shows the paused scenario time', shown === pausedAt, [shown, pausedAt]);

  /* I-03 is SECRET//NOFORN to USA seats; I-05 is SECRET (KOR only) to KOR seats */
  await item(usa, 'I-03').waitFor({ timeout: 5000 });
  await item(kor, 'I-05').waitFor({ timeout: 5000 });
  check('USA inbox shows the NOFORN item I-03', await item(usa, 'I-03').isVisible());
  check('KOR inbox does not show I-03', (await item(kor, 'I-03').count()) === 0);
  check('KOR inbox shows its national item I-05', await item(kor, 'I-05').isVisible());
  check('USA inbox does not show I-05', (await item(usa, 'I-05').count()) === 0);
  check('I-03 carries its banner', (await item(usa, 'I-03').locator('.banner').first().textContent()) === 'SECRET//NOFORN');
  check('a SECRET banner is red', await item(usa, 'I-03').locator('.banner.cls-s').first().isVisible());
  const unc = usa.page.locator('#inbox [data-item-id="I-02"] .banner').first();
  check('an UNCLASSIFIED banner is green', (await unc.getAttribute('class')).includes('cls-u'));
  const r1 = await kor.ctx.request.get('/api/items/I-03');
  check('KOR GET /api/items/I-03 is 404', r1.status() === 404, r1.status());
  const r1b = await kor.ctx.request.get('/api/items/I-99');
  check('a missing item is the same 404', r1b.status() === 404 && JSON.stringify(await r1.json()) === JSON.stringify(await r1b.json()));
  const r2 = await usa.ctx.request.get('/api/items/I-03');
  check('USA GET /api/items/I-03 is 200', r2.status() === 200 && (await r2.json()).label === 'SECRET//NOFORN', r2.status());
  const r3 = await usa.ctx.request.get('/api/items/I-05');
  check('USA GET /api/items/I-05 is 404', r3.status() === 404, r3.status());
  const r4 = await kor.ctx.request.get('/api/items/I-05');
  check('KOR GET /api/items/I-05 is 200', r4.status() === 200, r4.status());
  const ks = await state(kor);
  check('KOR state has no I-03 at all', !JSON.stringify(ks).includes('I-03'));
  /* search in the inbox: the same words find I-03 for USA and nothing of it for KOR */
  for (const [who, expect] of [[usa, true], [kor, false]]) {
    await who.page.fill('#search-q-p', 'readiness review');
    await who.page.click('#search-form-p button[type="submit"]');
    await who.page.locator('#search-results-p .search-count').waitFor({ timeout: 5000 });
    const hit = (await who.page.locator('#search-results-p [data-item-id="I-03"]').count()) > 0;
    check((expect ? 'USA' : 'KOR') + ' inbox search for "readiness review" ' + (expect ? 'finds' : 'does not find') + ' I-03', hit === expect);
  }
  const sr = await kor.ctx.request.get('/api/search?q=I-03');
  const sj = await sr.json();
  check('KOR GET /api/search?q=I-03 lists and counts nothing of it', sr.status() === 200 && !JSON.stringify(sj).includes('National reporting'), sj);
});

await phase('pause keeps inject timing', async () => {
  check('the clock was paused', pausedAt > 0);
  /* keep the clock paused long enough that, running, it would have passed +4h */
  const need = (4 * H - pausedAt) / SPEED + 1500;
  const waited = Date.now() - pausedWall;
  if (waited < need) await sleep(need - waited);
  const st = await state(ctl);
  check('scenario time did not move while paused', st.clock.t === pausedAt && !st.clock.running, [st.clock.t, pausedAt]);
  check('I-10 (+4h) not released while paused', st.injects.find((i) => i.id === 'I-10').state === 'pending');
  check('no I-10 in the USA inbox while paused', (await item(usa, 'I-10').count()) === 0);
  await ctl.page.getByRole('button', { name: 'Resume' }).click();
  check('resume', (await statusAfter(ctl, 'Resume')).endsWith('done'));
  const resumed = Date.now();
  await item(usa, 'I-10').waitFor({ timeout: 30000 });
  const arrived = Date.now();
  const t = Number(await item(usa, 'I-10').getAttribute('data-t'));
  check('I-10 arrives at its scenario time +4h', t === 4 * H, t);
  const expect = (4 * H - pausedAt) / SPEED;
  check('I-10 arrives no earlier than the paused time allows', arrived - resumed >= expect - 400, [arrived - resumed, expect]);
  check('and not much later', arrived - resumed <= expect + 3000, [arrived - resumed, expect]);
  await item(kor, 'I-10').waitFor({ timeout: 5000 });
  check('KOR receives I-10 too', true);
  const fresh = await item(usa, 'I-10').getAttribute('class');
  check('a new item is marked new', fresh.includes('new'));
  const live = await usa.page.locator('#announce').textContent();
  check('a new item is announced to screen readers', live.includes('I-10') || live.includes('Third-country public statement'), live);
  await ctl.page.getByRole('button', { name: 'Pause' }).click();
  check('pause again', (await statusAfter(ctl, 'Pause')).endsWith('done'));
});

await phase('seat actions on injects: acknowledge, escalate, share', async () => {
  const i10 = item(usa, 'I-10');
  await i10.getByRole('button', { name: 'Acknowledge', exact: true }).click();
  check('USA acknowledges I-10 in its inbox', (await statusAfter(usa, 'Acknowledge I-10')).endsWith('done'));
  await usa.page.locator('#inbox [data-item-id="I-10"][data-acked="true"]').waitFor({ timeout: 5000 });
  await i10.getByRole('button', { name: 'Escalate', exact: true }).click();
  check('USA escalates I-10 in its inbox', (await statusAfter(usa, 'Escalate I-10')).endsWith('done'));
  await usa.page.locator('#inbox [data-item-id="I-10"][data-escalated="true"]').waitFor({ timeout: 5000 });
  const marks = await i10.locator('.marks').textContent();
  check('the item shows that the seat acknowledged and escalated it', /You acknowledged it at \+/.test(marks) && /You escalated it at \+/.test(marks), marks);

  /* I-06 (CONFIDENTIAL//REL TO USA, KOR) went to USA seats only: USA forwards it to the KOR chair */
  await item(usa, 'I-06').waitFor({ timeout: 5000 });
  check('KOR does not hold I-06 before the share', (await item(kor, 'I-06').count()) === 0);
  const k0 = await kor.ctx.request.get('/api/items/I-06');
  check('KOR GET /api/items/I-06 is 404 before the share', k0.status() === 404, k0.status());
  await item(usa, 'I-06').getByLabel('Seat to share I-06 with').selectOption('kor-chair');
  await item(usa, 'I-06').getByRole('button', { name: 'Share', exact: true }).click();
  check('USA shares I-06 with the KOR chair', (await statusAfter(usa, 'Share I-06')).endsWith('done'));
  await item(kor, 'I-06').waitFor({ timeout: 5000 });
  const shl = await item(kor, 'I-06').getAttribute('data-label');
  const orig = await item(usa, 'I-06').getAttribute('data-label');
  check('the shared item reaches the KOR inbox under its own label', shl === orig && /^CONFIDENTIAL\/\/REL TO /.test(shl), [shl, orig]);
  const k1 = await kor.ctx.request.get('/api/items/I-06');
  check('KOR GET /api/items/I-06 is 200 after the share', k1.status() === 200, k1.status());
  await usa.page.locator('#inbox [data-item-id="I-06"][data-forwarded="kor-chair"]').waitFor({ timeout: 5000 });
  check('the sender sees the forward on the item', /forwarded it to kor-chair/.test(await item(usa, 'I-06').locator('.marks').textContent()));

  /* the label rule: the NOFORN item I-03 forwarded to KOR is not delivered */
  await item(usa, 'I-03').getByLabel('Seat to share I-03 with').selectOption('kor-chair');
  await item(usa, 'I-03').getByRole('button', { name: 'Share', exact: true }).click();
  const nf = await statusAfter(usa, 'Share I-03');
  check('sharing I-03 gets an answer from the engine', /done|refused/.test(nf), nf);
  await sleep(800);
  check('the NOFORN item shared with KOR is not shown to KOR', (await item(kor, 'I-03').count()) === 0);
  const k2 = await kor.ctx.request.get('/api/items/I-03');
  check('KOR GET /api/items/I-03 is still 404', k2.status() === 404, k2.status());
  check('KOR state still has no I-03 at all', !JSON.stringify(await state(kor)).includes('I-03'));
});

await phase('messages, label picker, notes', async () => {
  const us = await state(usa);
  const opts = await usa.page.locator('#msg-label option').evaluateAll((o) => o.map((x) => x.value));
  check('the label picker offers exactly you.labels', JSON.stringify(opts) === JSON.stringify(us.you.labels), [opts, us.you.labels]);
  const shared = us.you.labels.find((l) => l.startsWith('CONFIDENTIAL') && l.includes('KOR'));
  const national = us.you.labels.find((l) => l.startsWith('SECRET') && !l.includes('KOR'));
  check('labels include a releasable and a national one', shared && national, us.you.labels);
  const send = async (label, text) => {
    await usa.page.locator('#msg-to input[value="kor-chair"]').check();
    await usa.page.locator('#msg-label').selectOption(label);
    check('the picker shows the chosen banner', (await usa.page.locator('#msg-label-banner').textContent()) === label);
    await usa.page.locator('#msg-text').fill(text);
    await usa.page.getByRole('button', { name: 'Send message' }).click();
    return statusAfter(usa, 'Message');
  };
  check('USA sends a releasable message', (await send(shared, 'Proposal: video call at 14:00 Seoul.')).endsWith('done'));
  await kor.page.locator('#inbox [data-kind="message"]', { hasText: 'video call at 14:00' }).waitFor({ timeout: 5000 });
  const m = kor.page.locator('#inbox [data-kind="message"]', { hasText: 'video call at 14:00' });
  check('KOR receives it under its label', (await m.getAttribute('data-label')) === shared);
  await send(national, 'National note, not for the ally.');
  await usa.page.locator('#inbox [data-kind="message"]', { hasText: 'not for the ally' }).waitFor({ timeout: 5000 });
  await sleep(800);
  check('a national-only message does not reach KOR', (await kor.page.locator('#inbox', { hasText: 'not for the ally' }).count()) === 0);
  await usa.page.getByRole('button', { name: 'Send message' }).click();
  check('an empty message is not sent', (await usa.page.locator('#status').textContent()).includes('at least one seat'));

  await usa.page.getByLabel('Add to the notes pad').fill('Draft holding lines with State before 15:00.');
  await usa.page.getByRole('button', { name: 'Add note' }).click();
  check('USA adds a note', (await statusAfter(usa, 'Note')).endsWith('done'));
  await usa.page.locator('#notes li', { hasText: 'Draft holding lines' }).waitFor({ timeout: 5000 });
  await ctl.page.locator('#control-notes li', { hasText: 'Draft holding lines' }).waitFor({ timeout: 5000 });
  check('control sees the USA note', true);
  check('the KOR notes pad does not show the USA note', (await kor.page.locator('#notes li', { hasText: 'Draft holding lines' }).count()) === 0);
});

await phase('control: MSEL hold, edit, release, add, jump, rate', async () => {
  const row = (id) => ctl.page.locator('#msel tr[data-inject="' + id + '"]');
  await row('I-20').getByRole('button', { name: 'Hold I-20' }).click();
  check('hold I-20', (await statusAfter(ctl, 'Hold I-20')).endsWith('done'));
  await row('I-20').and(ctl.page.locator('[data-state="held"]')).waitFor({ timeout: 5000 });
  await row('I-20').getByRole('button', { name: 'Edit I-20' }).click();
  await ctl.page.locator('#edit-title').fill('Third country proposes talks (edited by control)');
  await ctl.page.getByRole('button', { name: 'Save edit' }).click();
  check('edit I-20', (await statusAfter(ctl, 'Edit I-20')).endsWith('done'));
  await ctl.page.getByLabel('Jump to').fill('+10:30');
  await ctl.page.getByRole('button', { name: 'Jump' }).click();
  check('jump to +10:30', (await statusAfter(ctl, 'Jump')).endsWith('done'));
  const st = await state(ctl);
  check('the jump moved scenario time', st.clock.t === 10.5 * H, st.clock.t);
  check('a held inject is not released by its time', st.injects.find((i) => i.id === 'I-20').state === 'held');
  await ctl.page.getByLabel('Jump to').fill('+01:00');
  await ctl.page.getByRole('button', { name: 'Jump' }).click();
  const back = await statusAfter(ctl, 'Jump');
  check('a jump backwards is refused with the reason', back.includes('refused'), back);
  await row('I-20').getByRole('button', { name: 'Release I-20' }).click();
  check('release I-20', (await statusAfter(ctl, 'Release I-20')).endsWith('done'));
  await item(kor, 'I-20').waitFor({ timeout: 5000 });
  check('the released inject carries the edited title', (await item(kor, 'I-20').locator('.item-title').textContent()).includes('edited by control'));

  await ctl.page.locator('#add-details summary').click();
  await ctl.page.locator('#add-id').fill('X-01');
  await ctl.page.locator('#add-title').fill('Live news: partners welcome allied consultation');
  await ctl.page.locator('#add-body').fill('Several partner governments welcome the consultation in public statements.');
  /* pickers from the scenario (state.pickers): no free text for label, sender, recipients, channel */
  const labelOpts = await ctl.page.locator('#add-label option').allTextContents();
  check('the label picker offers the scenario\'s labels', labelOpts.some((l) => /^UNCLASSIFIED\/\/REL TO/.test(l)), labelOpts);
  await ctl.page.locator('#add-label').selectOption(labelOpts.find((l) => /^UNCLASSIFIED\/\/REL TO/.test(l) && /KOR/.test(l) && /USA/.test(l)) || labelOpts[0]);
  await ctl.page.locator('#add-channel').selectOption('news');
  check('the channel picker offers only the scenario format\'s channels', (await ctl.page.locator('#add-channel option').allTextContents()).indexOf('phone') < 0);
  await ctl.page.getByRole('button', { name: 'Add inject' }).click();
  check('add inject X-01', (await statusAfter(ctl, 'Add X-01')).endsWith('done'));
  check('the form is reset after an add', (await ctl.page.locator('#add-id').inputValue()) === '' &&
    (await ctl.page.locator('#add-channel').inputValue()) === 'message');
  await item(usa, 'X-01').waitFor({ timeout: 5000 });
  await item(kor, 'X-01').waitFor({ timeout: 5000 });
  check('an added inject reaches both seats', true);
  await ctl.page.locator('#add-id').fill('X-01');
  await ctl.page.locator('#add-title').fill('The same id again');
  await ctl.page.getByRole('button', { name: 'Add inject' }).click();
  const bad = await statusAfter(ctl, 'Add X-01');
  check('an invalid added inject is refused with the reason', bad.includes('refused') || bad.includes('400'), bad);
  check('the reason is shown beside the form', (await ctl.page.locator('#add-error').isVisible()) &&
    (await ctl.page.locator('#add-error').textContent()).includes('X-01'), await ctl.page.locator('#add-error').textContent());

  await ctl.page.locator('#rate-O-share').selectOption('S');
  await ctl.page.getByLabel('Rating note for O-share').fill('Releasable summary shared promptly.');
  await ctl.page.locator('[data-objective="O-share"]').getByRole('button', { name: 'Rate' }).click();
  check('rate O-share', (await statusAfter(ctl, 'Rate O-share')).endsWith('done'));
  await ctl.page.locator('[data-objective="O-share"][data-rating="S"]').waitFor({ timeout: 5000 });
  await usa.page.locator('#inbox').evaluate((n) => (n.scrollTop = 0));
  await usa.page.evaluate(() => window.scrollTo(0, 0));
  await shot(usa.page, 'player-inbox.png');
});

const card = (who, id) => who.page.locator('#consultations [data-consultation="' + id + '"]');
const dcard = (who, id) => who.page.locator('#decisions [data-decision="' + id + '"]');

await phase('consultation to a joint decision', async () => {
  /* C-2 (expedited mechanism) would start at +25h, one hour after I-21; its requester, the USA
   * chair, asks for it at +24:30 in the consultation room */
  await ctl.page.getByLabel('Jump to').fill('+24:30');
  await ctl.page.getByRole('button', { name: 'Jump' }).click();
  check('jump to +24:30', (await statusAfter(ctl, 'Jump')).endsWith('done'));
  const reqBtn = usa.page.getByRole('button', { name: 'Request consultation C-2' });
  await reqBtn.waitFor({ timeout: 5000 });
  check('C-2 has not started before the request', (await card(usa, 'C-2').count()) === 0);
  check('KOR is not offered the request (not its requester)', (await kor.page.getByRole('button', { name: 'Request consultation C-2' }).count()) === 0);
  await reqBtn.click();
  check('USA requests C-2 in the consultation room', (await statusAfter(usa, 'request C-2')).endsWith('done'));
  await card(usa, 'C-2').waitFor({ timeout: 5000 });
  await reqBtn.waitFor({ state: 'detached', timeout: 5000 });
  check('the request starts C-2 and its button goes away', true);
  const c2 = (await state(ctl)).consultations.find((c) => c.id === 'C-2');
  check('C-2 started at the request, not at its trigger', c2 && c2.since_t === 24.5 * H, c2 && c2.since_t);
  /* acknowledge stage: the co-chairs, in their browsers */
  for (const who of [usa, kor]) {
    await card(who, 'C-2').and(who.page.locator('[data-stage-kind="acknowledge"]')).waitFor({ timeout: 5000 });
    check(who.name + ' sees the stage deadline', /due in .*clock paused/.test(await card(who, 'C-2').locator('.deadline').textContent()));
  }
  /* an objection and an escalation, clicked in the seats' consultation rooms, seen by all */
  await card(kor, 'C-2').getByRole('button', { name: 'Object', exact: true }).click();
  check('KOR objects in C-2', (await statusAfter(kor, 'Object in C-2')).endsWith('done'));
  await card(usa, 'C-2').getByRole('button', { name: 'Escalate', exact: true }).click();
  check('USA escalates C-2', (await statusAfter(usa, 'Escalate C-2')).endsWith('done'));
  for (const [who, sel] of [[usa, '#consultations'], [kor, '#consultations'], [ctl, '#control-consultations']]) {
    const cev = who.page.locator(sel + ' [data-consultation="C-2"] .cevents');
    await cev.locator('li[data-type="consult.object"][data-seat="kor-chair"]').waitFor({ timeout: 5000 });
    await cev.locator('li[data-type="consult.escalate"][data-seat="usa-chair"]').waitFor({ timeout: 5000 });
    const txt = await cev.textContent();
    check(who.name + ' sees the objection and the escalation on C-2', /Objection by kor-chair/.test(txt) && /Escalated by usa-chair/.test(txt), txt);
  }
  for (const who of [usa, kor]) {
    await card(who, 'C-2').getByRole('button', { name: 'Acknowledge' }).click();
    check(who.name + ' acknowledges C-2', (await statusAfter(who, 'Act in C-2')).endsWith('done'));
  }
  /* positions: the co-chairs in the UI; public affairs played by control */
  const text = {
    'usa-chair': 'We favour a joint statement by the co-chairs, released at the same time in both capitals.',
    'kor-chair': 'Agreed, with a line welcoming dialogue; briefings to both legislatures the same day.',
  };
  await card(usa, 'C-2').and(usa.page.locator('[data-stage-kind="positions"]')).waitFor({ timeout: 5000 });
  /* a position being typed survives live updates */
  await usa.page.getByLabel('Your position on C-2').fill(text['usa-chair']);
  await controlAs(ctl, null, { do: 'note', text: 'Co-chairs in the positions stage of C-2.' });
  await sleep(700);
  check('text being typed survives a live update', (await usa.page.getByLabel('Your position on C-2').inputValue()) === text['usa-chair']);
  for (const who of [usa, kor]) {
    await card(who, 'C-2').and(who.page.locator('[data-stage-kind="positions"]')).waitFor({ timeout: 5000 });
    if (who === kor) await kor.page.getByLabel('Your position on C-2').fill(text['kor-chair']);
    await card(who, 'C-2').getByRole('button', { name: 'Post position' }).click();
    check(who.name + ' posts a position', (await statusAfter(who, 'Position in C-2')).endsWith('done'));
  }
  /* once it has acted the seat is no longer offered the form (state.affordances); a stale page
   * posting again is refused, and the UI shows the engine's reason */
  await card(usa, 'C-2').locator('.position-form').waitFor({ state: 'hidden', timeout: 5000 });
  check('the position form goes once the seat has posted', true);
  /* KOR's position reached the USA page (its update would hide the form shown again below) */
  await card(usa, 'C-2').locator('.positions li', { hasText: text['kor-chair'] }).waitFor({ timeout: 5000 });
  await usa.page.evaluate(() => { document.querySelector('#consultations [data-consultation="C-2"] .position-form').hidden = false; });
  await usa.page.getByLabel('Your position on C-2').fill('Second thoughts.');
  await card(usa, 'C-2').getByRole('button', { name: 'Post position' }).click();
  const again = await statusAfter(usa, 'Position in C-2');
  check('a refused action shows the engine reason', again.includes('refused: '), again);
  await card(kor, 'C-2').locator('.positions li', { hasText: text['usa-chair'] }).waitFor({ timeout: 5000 });
  check('KOR sees the USA position', true);
  await shot(kor.page, 'consultation.png');
  for (const s of ['usa-state', 'usa-pa', 'kor-mofa', 'kor-pa']) await controlAs(ctl, s, { do: 'position', consultation: 'C-2', text: 'Public affairs: holding lines ready.' });
  /* decide: D-2 opens; KOR co-authors an option, both co-chairs vote for it in the UI */
  await dcard(kor, 'D-2').and(kor.page.locator('[data-state="open"]')).waitFor({ timeout: 5000 });
  await kor.page.getByLabel('Propose an option on D-2').fill('Joint statement by the co-chairs welcoming dialogue');
  await dcard(kor, 'D-2').getByRole('button', { name: 'Propose' }).click();
  check('KOR proposes an option', (await statusAfter(kor, 'Proposal on D-2')).endsWith('done'));
  await dcard(usa, 'D-2').locator('[data-option="P1"]').waitFor({ timeout: 5000 });
  check('USA sees the proposed option P1', (await dcard(usa, 'D-2').locator('[data-option="P1"]').textContent()).includes('welcoming dialogue'));
  await dcard(usa, 'D-2').getByRole('button', { name: 'Vote for option P1 on D-2' }).click();
  check('USA votes P1', (await statusAfter(usa, 'Vote on D-2')).endsWith('done'));
  await dcard(kor, 'D-2').locator('[data-option="P1"] .ovotes', { hasText: 'usa-chair' }).waitFor({ timeout: 5000 });
  check('KOR sees the USA vote and the countdown', /due in/.test(await dcard(kor, 'D-2').locator('.deadline').textContent()));
  await dcard(kor, 'D-2').scrollIntoViewIfNeeded();
  await shot(kor.page, 'decision.png');
  await dcard(kor, 'D-2').getByRole('button', { name: 'Vote for option P1 on D-2' }).click();
  check('KOR votes P1', (await statusAfter(kor, 'Vote on D-2')).endsWith('done'));
  for (const who of [usa, kor]) {
    await dcard(who, 'D-2').and(who.page.locator('[data-outcome="P1"]')).waitFor({ timeout: 5000 });
    check(who.name + ' sees the joint decision', (await dcard(who, 'D-2').locator('.dstate').textContent()).startsWith('Decided: P1'));
  }
  await ctl.page.locator('#control-decisions [data-decision="D-2"][data-outcome="P1"]').waitFor({ timeout: 5000 });
  check('control board shows the joint decision', true);
  /* communicate: public affairs (played by control) completes the consultation */
  for (const s of ['usa-state', 'usa-pa', 'kor-mofa', 'kor-pa']) await controlAs(ctl, s, { do: 'acknowledge', consultation: 'C-2' });
  await ctl.page.locator('#control-consultations [data-consultation="C-2"][data-state="done"]').waitFor({ timeout: 5000 });
  await card(usa, 'C-2').and(usa.page.locator('[data-state="done"]')).waitFor({ timeout: 5000 });
  check('the consultation is done, for control and the seats', true);
  const findings = await ctl.page.locator('#findings li').count();
  check('findings appear on the console', findings > 0, findings);
  await ctl.page.evaluate(() => {
    document.getElementById('add-details').open = false;
    window.scrollTo(0, 0);
  });
  await shot(ctl.page, 'control.png');
});

await phase('improvement plan', async () => {
  const page = ctl.page;
  const want = {
    capability: 'Operational coordination',
    issue: 'Acknowledgements arrived after the 30 minutes agreed',
    finding: 'G-ack',
    action: 'Name a duty officer per co-chair who acknowledges on their behalf',
    element: 'Organisation',
    owner: 'NCG secretariat',
    poc: 'Deputy secretary, NCG',
    start: '2027-01-04',
    due: '2027-03-01',
    status: 'open',
  };
  const label = {
    capability: 'Capability', issue: 'Issue', finding: 'Guideline (finding)', action: 'Corrective action',
    element: 'Capability element', owner: 'Responsible workstream or organisation', poc: 'Point of contact',
    start: 'Start date', due: 'Due date',
  };
  for (const k of Object.keys(label)) await page.getByLabel(label[k], { exact: true }).fill(want[k]);
  await page.getByLabel('Status', { exact: true }).selectOption(want.status);
  await page.getByRole('button', { name: 'Add item' }).click();
  const st = await statusAfter(ctl, 'Plan item');
  check('control adds an improvement-plan item with every field', /: added$/.test(st), st);
  const id = Number((/Plan item (\d+)/.exec(st) || [])[1]);
  const row = page.locator('#plan-items tr[data-plan="' + id + '"]');
  await row.waitFor({ timeout: 10000 });
  const cells = async () => Object.fromEntries(await row.locator('td[data-field]').evaluateAll((n) => n.map((x) => [x.getAttribute('data-field'), x.textContent])));
  const apiItem = async () => ((await (await ctl.ctx.request.get('/api/plan')).json()).items || []).find((x) => x.id === id) || {};
  let dom = await cells();
  let got = await apiItem();
  check('every field is shown in the plan table', Object.keys(want).every((k) => dom[k] === want[k]), dom);
  check('GET /api/plan has every field', Object.keys(want).every((k) => got[k] === want[k]), got);
  check('the form is empty again', (await page.getByLabel('Issue', { exact: true }).inputValue()) === '');

  /* edit: the form fills with the item; change the status, the point of contact and the due date */
  await row.getByRole('button', { name: 'Edit plan item ' + id }).click();
  check('the form edits the item', (await page.locator('#plan-legend').textContent()) === 'Edit item ' + id);
  check('the form holds the item', (await page.getByLabel('Corrective action').inputValue()) === want.action);
  await page.locator('.plan-panel').evaluate((n) => n.scrollIntoView({ block: 'start' }));
  await shot(page, 'plan.png');
  await page.getByLabel('Status', { exact: true }).selectOption('in progress');
  await page.getByLabel('Point of contact').fill('Duty officer, NCG secretariat');
  await page.getByLabel('Due date').fill('2027-04-15');
  await page.getByRole('button', { name: 'Save item ' + id }).click();
  const st2 = await statusAfter(ctl, 'Plan item');
  check('control updates the item', st2 === 'Plan item ' + id + ': updated', st2);
  await page.locator('#plan-items tr[data-plan="' + id + '"][data-status="in progress"]').waitFor({ timeout: 10000 });
  const edited = Object.assign({}, want, { status: 'in progress', poc: 'Duty officer, NCG secretariat', due: '2027-04-15' });
  dom = await cells();
  got = await apiItem();
  check('the table shows the edit', Object.keys(edited).every((k) => dom[k] === edited[k]), dom);
  check('GET /api/plan has the edit and kept the other fields', Object.keys(edited).every((k) => got[k] === edited[k]), got);
  check('the form is back to adding', (await page.locator('#plan-submit').textContent()) === 'Add item');

  /* a bad date is refused with the server's reason */
  await row.getByRole('button', { name: 'Edit plan item ' + id }).click();
  await page.getByLabel('Start date').evaluate((n) => { n.type = 'text'; n.value = '2027-13-01'; });
  quiet400 = true;
  await page.getByRole('button', { name: 'Save item ' + id }).click();
  const bad = await statusAfter(ctl, 'Plan item');
  quiet400 = false;
  check('a bad date is refused with the reason', /400/.test(bad), bad);
  await page.getByLabel('Start date').evaluate((n) => { n.type = 'date'; });
  await page.getByRole('button', { name: 'Cancel edit' }).click();

  /* close, with the note that says why */
  await row.getByRole('button', { name: 'Close plan item ' + id }).click();
  await page.getByLabel('Why is item ' + id + ' closed?').fill('Met in the next exercise');
  await page.getByRole('button', { name: 'Close item ' + id }).click();
  const st3 = await statusAfter(ctl, 'Plan item');
  check('control closes it with a note', st3 === 'Plan item ' + id + ': closed', st3);
  await page.locator('#plan-items tr[data-plan="' + id + '"][data-status="closed"]').waitFor({ timeout: 10000 });
  const after = await row.textContent();
  check('the table shows it closed with the note', /Closed: Met in the next exercise/.test(after), after);
  got = await apiItem();
  check('GET /api/plan has it closed with the note', got.status === 'closed' && got.closed_note === 'Met in the next exercise', got);
  check('a closed item has no Edit or Close', (await row.getByRole('button').count()) === 0);
  const r = await usa.ctx.request.get('/api/plan');
  check('a seat may not read the plan', r.status() === 403, r.status());
});

await phase('report and log', async () => {
  const [popup] = await Promise.all([ctl.page.waitForEvent('popup'), ctl.page.getByRole('link', { name: 'After-action report' }).click()]);
  const resp = await popup.waitForLoadState().then(() => popup.evaluate(() => document.contentType));
  check('the report link opens an HTML page', resp === 'text/html', resp);
  await popup.close();
  const r = await ctl.ctx.request.get('/api/report');
  const html = await r.text();
  check('GET /api/report is 200 HTML', r.status() === 200 && (r.headers()['content-type'] || '').startsWith('text/html') && /<html/i.test(html), r.status());
  const kr = await kor.ctx.request.get('/api/report');
  const khtml = await kr.text();
  check("KOR's report is 200 and lacks the NOFORN item", kr.status() === 200 && !khtml.includes('National reporting on the readiness review'), kr.status());
  check("control's report has it", html.includes('National reporting on the readiness review'));
  const l = await ctl.ctx.request.get('/api/log');
  const first = (await l.text()).split('\n')[0];
  check('GET /api/log is the event log', l.status() === 200 && JSON.parse(first).type === 'run.start', l.status());
  const sl = await usa.ctx.request.get('/api/log');
  check('a seat may not download the log', sl.status() === 403, sl.status());
  const nocsrf = await usa.ctx.request.post('/api/input', { data: { do: 'note', text: 'x' } });
  check('a POST without the CSRF header is 403', nocsrf.status() === 403, nocsrf.status());
});

await phase('end of exercise', async () => {
  const page = ctl.page;
  const ended0 = (await state(ctl)).clock.ended;
  check('the exercise is not ended yet', !ended0, ended0);
  await page.getByRole('button', { name: 'End exercise…' }).click();
  const confirm = page.locator('#end-confirm');
  check('ending asks for confirmation first', await confirm.isVisible());
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  check('cancel leaves the exercise running', !(await confirm.isVisible()) && !(await state(ctl)).clock.ended);
  await page.getByRole('button', { name: 'End exercise…' }).click();
  await page.getByRole('button', { name: 'Yes, end the exercise' }).click();
  const st = await statusAfter(ctl, 'End exercise');
  check('control ends the exercise ({"do":"end"})', st.endsWith('done'), st);
  const s = await waitState(ctl, 'the run to end', (x) => x.clock.ended, 5000).catch(() => null);
  check('GET /api/state: the clock has ended', !!s);
  await page.locator('#clock-state', { hasText: 'ended' }).waitFor({ timeout: 5000 });
  check('the console shows the exercise ended', await page.locator('#ended-note').isVisible());
  check('the report link is highlighted', (await page.locator('#report-link').getAttribute('class') || '').includes('ended'));
  check('End exercise is gone', !(await page.getByRole('button', { name: 'End exercise…' }).isVisible()));
  check('the clock buttons are off', (await page.locator('#btn-start').isDisabled()) && (await page.locator('#btn-resume').isDisabled()) && (await page.locator('#btn-pause').isDisabled()));
  check('the jump and MSEL controls are off', (await page.getByRole('button', { name: 'Jump', exact: true }).isDisabled()) &&
    (await page.locator('#msel button:not([disabled])').count()) === 0);
  await usa.page.locator('#clock-mini', { hasText: 'ended' }).waitFor({ timeout: 5000 });
  check('a seat sees the exercise ended', true);
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.getByRole('link', { name: 'After-action report' }).click()]);
  await popup.waitForLoadState();
  const ct = await popup.evaluate(() => document.contentType);
  const txt = await popup.evaluate(() => document.body.innerText);
  check('the report link opens the report', ct === 'text/html' && /after-action report/i.test(txt), ct);
  check('the report is final, not interim', !/Interim after-action report/.test(txt));
  await popup.close();
  const again = await ctl.ctx.request.post('/api/input', { headers: { 'X-CSRF-Token': ctl.csrf }, data: { do: 'start' } });
  const aj = await again.json().catch(() => null);
  check('after the end, the clock does not start again', again.status() !== 200 || (aj && aj.refused), [again.status(), aj]);
});

await phase('event streams come back after a refusal', async () => {
  /* a browser gives an EventSource up for good after an HTTP error (a 429 while every stream of
     the session is taken, as after quick reloads): the page reconnects by itself */
  let asked = 0;
  await usa.page.route('**/api/events*', (route) => {
    if (asked++ === 0)
      return route.fulfill({ status: 429, contentType: 'application/json', body: '{"error":"at most 4 event streams per session","code":"too-many-streams"}' });
    return route.continue();
  });
  quiet429 = true;
  await usa.page.reload();
  await usa.page.locator('#view-player').waitFor({ timeout: 5000 });
  await usa.page.locator('#link-state.up').waitFor({ timeout: 10000 });
  check('after a 429 the page opens its event stream again', asked >= 2, asked);
  await usa.page.unroute('**/api/events*');
  quiet429 = false;
});

await phase('leave', async () => {
  await kor.page.getByRole('button', { name: 'Leave' }).click();
  await kor.page.locator('#view-join').waitFor({ timeout: 5000 });
  const r = await kor.ctx.request.get('/api/state');
  check('after leaving, the session is gone', r.status() === 401 || r.status() === 403, r.status());
});

check('no console errors, CSP violations or uncaught exceptions', problems.length === 0, problems.slice(0, 5));
await browser.close();
finish();
