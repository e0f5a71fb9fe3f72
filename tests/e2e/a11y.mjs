// Accessibility and layout of every view in a real browser (docs/ui.md, "Accessibility and
// layout"): axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) finds no violation on the join page,
// the control console, the seat view, the scenario editor, the interim report (control's and a
// seat's) and the evaluator's view; the console's MSEL uses the window's height at 1366x768 and
// 1920x1080; the seat view does not scroll sideways at 390x844 on any tab; the player's main
// actions (open an item, acknowledge it, reply, request a consultation, acknowledge a stage, post
// a position, vote) are done with Tab, Shift+Tab, Enter and Space only, each focused control
// visibly outlined; decided, overdue, waiting, new and label states carry text, not only colour.
// Usage: CAUCUS_URL=... CAUCUS_CODES='{"control":"...","usa-chair":"...",...}' (a fresh server on
//        scenarios/ncg-policy-ttx.yaml) [CAUCUS_EVAL_URL=... CAUCUS_EVAL_CODES=... (a server on
//        tests/scenarios/valid/evaluation.yaml)] [CAUCUS_IMG=docs/img] node tests/e2e/a11y.mjs
// Run by tests/cli/e2e.sh. Prints "N passed, N failed" last and exits non-zero on any failure.
// With CAUCUS_IMG it writes control-1366.png (1366x768) and player-390.png (390x844): the clock is
// paused at a fixed scenario time first, so the pictures are the same on every run.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const URL_ = process.env.CAUCUS_URL;
const CODES = JSON.parse(process.env.CAUCUS_CODES || '{}');
const EVAL_URL = process.env.CAUCUS_EVAL_URL || '';
const EVAL_CODES = JSON.parse(process.env.CAUCUS_EVAL_CODES || '{}');
const IMG = process.env.CAUCUS_IMG || '';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const H = 3600000;
const AXE_SRC = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

let pass = 0;
let fail = 0;
function check(name, cond, detail) {
  if (cond) pass++;
  else {
    fail++;
    console.log('FAIL: ' + name + (detail !== undefined ? ' — ' + (typeof detail === 'string' ? detail : JSON.stringify(detail)) : ''));
  }
  return !!cond;
}
function finish() {
  console.log(pass + ' passed, ' + fail + ' failed');
  process.exit(fail ? 1 : 0);
}
if (!URL_ || !CODES.control || !CODES['usa-chair'] || !CODES['kor-chair'] || !fs.existsSync(CHROMIUM)) {
  console.log('FAIL: CAUCUS_URL, CAUCUS_CODES (control, usa-chair, kor-chair) and chromium are required');
  fail++;
  finish();
}
setTimeout(() => {
  console.log('FAIL: the accessibility test did not finish within 240 s');
  fail++;
  finish();
}, 240000).unref();

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox'] });
const problems = [];
async function open(name, width, height, base = URL_) {
  const ctx = await browser.newContext({ viewport: { width, height }, baseURL: base });
  const page = await ctx.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(name + ': ' + m.text()); });
  page.on('pageerror', (e) => problems.push(name + ': uncaught ' + e.message));
  return { name, ctx, page };
}
async function join(who, code) {
  await who.page.goto('/');
  await who.page.getByLabel('Join code').fill(code);
  const [resp] = await Promise.all([who.page.waitForResponse((r) => r.url().endsWith('/api/join')), who.page.getByRole('button', { name: 'Join' }).click()]);
  who.csrf = (await resp.json().catch(() => ({}))).csrf;
  return resp.status();
}
async function state(who) {
  const r = await who.ctx.request.get('/api/state');
  return r.status() === 200 ? r.json() : { status: r.status() };
}
async function api(who, input) {
  const r = await who.ctx.request.post('/api/input', { headers: { 'X-CSRF-Token': who.csrf }, data: input });
  const j = await r.json().catch(() => null);
  check(who.name + ' ' + JSON.stringify(input), r.status() === 200 && j && j.refused === null, [r.status(), j]);
  return j;
}
async function waitState(who, what, fn, ms = 10000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const st = await state(who);
    if (fn(st)) return st;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(who.name + ': timed out waiting for ' + what);
}
async function statusDone(who, startsWith) {
  const loc = who.page.locator('#status');
  await loc.filter({ hasText: new RegExp('^' + startsWith.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '.*(done|refused|:)') }).waitFor({ timeout: 5000 });
  return ((await loc.textContent()) || '').endsWith('done');
}

/* axe-core in the page. page.evaluate runs through the DevTools protocol, which the page's
 * Content-Security-Policy does not govern, so the page keeps its real policy (and its styles
 * exactly as users get them) while axe runs in it. */
async function axe(page, view) {
  await page.evaluate(AXE_SRC);
  const res = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return { violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })) })), passes: r.passes.length };
  }, AXE_TAGS);
  if (!check('axe-core: no WCAG 2.2 A/AA violation on ' + view, res.violations.length === 0)) {
    for (const v of res.violations) {
      console.log('  ' + view + ': ' + v.id + ' (' + v.impact + ') ' + v.help);
      for (const n of v.nodes.slice(0, 8)) console.log('    ' + n.target + ' — ' + String(n.summary).replace(/\s+/g, ' ').slice(0, 300));
      if (v.nodes.length > 8) console.log('    … and ' + (v.nodes.length - 8) + ' more');
    }
  }
  check('axe-core ran its rules on ' + view, res.passes > 10, res.passes);
}

/* the page does not scroll sideways: nothing is wider than the window */
async function noSideScroll(page, what) {
  const m = await page.evaluate(() => {
    const d = document.documentElement;
    const wide = [...document.querySelectorAll('body *')].filter((e) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.right > d.clientWidth + 1 && getComputedStyle(e).position !== 'absolute';
    }).slice(0, 3).map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '') + ' right=' + Math.round(e.getBoundingClientRect().right));
    return { sw: d.scrollWidth, cw: d.clientWidth, bsw: document.body.scrollWidth, wide };
  });
  check(what + ': no horizontal scroll (scrollWidth ' + m.sw + ' <= clientWidth ' + m.cw + ')', m.sw <= m.cw && m.bsw <= m.cw, m);
  return m;
}

/* the element that has the keyboard focus is outlined (a visible focus indicator) */
async function focusVisible(page) {
  return page.evaluate(() => {
    const e = document.activeElement;
    if (!e || e === document.body) return { ok: false, what: 'nothing focused' };
    const cs = getComputedStyle(e);
    const w = parseFloat(cs.outlineWidth) || 0;
    const ok = cs.outlineStyle !== 'none' && w >= 2 && e.matches(':focus-visible');
    return { ok, what: e.tagName.toLowerCase() + ' ' + (e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 40), outline: cs.outlineStyle + ' ' + cs.outlineWidth + ' ' + cs.outlineColor };
  });
}

/* Tab (or Shift+Tab) until the focused element satisfies pred; at most n presses. Only the
 * keyboard moves the focus; each stop is checked for a visible outline. */
async function tabTo(page, what, pred, { back = false, n = 400 } = {}) {
  let invisible = null;
  for (let i = 0; i < n; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const hit = await page.evaluate(pred);
    const fv = await focusVisible(page);
    if (!fv.ok && !invisible && fv.what !== 'nothing focused') invisible = fv;
    if (hit) {
      check('keyboard: focus reaches ' + what + ' (' + (i + 1) + (back ? ' Shift+Tab' : ' Tab') + ') and is outlined', fv.ok, fv);
      return true;
    }
  }
  check('keyboard: focus reaches ' + what + ' within ' + n + (back ? ' Shift+Tab' : ' Tab'), false, invisible);
  return false;
}

const ctl = await open('control', 1366, 768);
const usa = await open('usa-chair', 1366, 768);
const kor = await open('kor-chair', 1366, 768);

/* ---- join page ---- */
try {
  await usa.page.goto('/');
  await usa.page.locator('#view-join').waitFor();
  await axe(usa.page, 'the join page');
  const narrow = await open('join-390', 390, 844);
  await narrow.page.goto('/');
  await narrow.page.locator('#view-join').waitFor();
  await noSideScroll(narrow.page, 'join page at 390x844');
  await narrow.ctx.close();
} catch (e) {
  check('join page (' + e.message.split('\n').filter((l) => l.trim() && !/^=+/.test(l.trim())).slice(0, 3).join(' | ') + ')', false);
}

/* ---- a fixed moment: +24:30, the clock paused (the same pictures on every run) ---- */
check('control joins', (await join(ctl, CODES.control)) === 200);
check('usa-chair joins', (await join(usa, CODES['usa-chair'])) === 200);
check('kor-chair joins', (await join(kor, CODES['kor-chair'])) === 200);
await api(ctl, { do: 'start' });
await api(ctl, { do: 'pause' });
await api(ctl, { do: 'jump', to: '+24h30m' });
await waitState(ctl, 'the jump', (s) => s.clock && s.clock.t === 24.5 * H);
await ctl.page.locator('#msel tbody tr').first().waitFor();
await usa.page.locator('#inbox [data-item-id="I-21"]').waitFor({ timeout: 10000 });

/* ---- the player's main actions with the keyboard only (usa-chair) ---- */
const up = usa.page;
const focusedIs = (sel) => new Function('return !!document.activeElement && document.activeElement.matches(' + JSON.stringify(sel) + ')');
try {
  /* the page as loaded: nothing focused yet; from here on only keys move the focus */
  await up.evaluate(() => window.scrollTo(0, 0));
  /* open an item: Tab into its card (its first control, Acknowledge) opens it: it is no longer new */
  const i21 = '#inbox [data-item-id="I-21"]';
  const wasNew = await up.locator(i21).evaluate((n) => n.classList.contains('new'));
  check('I-21 is new before the seat opens it', wasNew);
  await tabTo(up, 'Acknowledge on I-21', () => document.activeElement.textContent.trim() === 'Acknowledge' && !!document.activeElement.closest('[data-item-id="I-21"]'));
  await up.locator(i21 + ':not(.new)').waitFor({ timeout: 5000 });
  check('keyboard: the focus in its card opens I-21 (no longer new)', true);
  /* acknowledge it (Enter) */
  await up.keyboard.press('Enter');
  check('keyboard: Enter acknowledges I-21', await statusDone(usa, 'Acknowledge I-21'));
  await up.locator(i21 + '[data-acked="true"]').waitFor({ timeout: 5000 });
  /* reply (Space on Reply), type the text, Tab to Send and press Enter */
  await tabTo(up, 'Reply on I-21', () => /^Reply/.test(document.activeElement.textContent.trim()) && !!document.activeElement.closest('[data-item-id="I-21"]'), { n: 12 });
  await up.keyboard.press('Space');
  await up.locator('#msg-reply:not([hidden])').waitFor({ timeout: 5000 });
  check('keyboard: Space on Reply starts a reply to I-21', (await up.locator('#msg-reply-id').textContent()).includes('I-21'));
  const inReply = await up.evaluate(() => document.activeElement && document.activeElement.closest('#msg-form') !== null);
  if (!inReply) await tabTo(up, 'the message text', focusedIs('#msg-text'));
  else if (!(await up.evaluate(() => document.activeElement.id === 'msg-text'))) await tabTo(up, 'the message text', focusedIs('#msg-text'), { n: 60 });
  /* the addressees: Space ticks the first seat's box when none is ticked */
  const anyTo = await up.locator('#msg-to input:checked').count();
  if (anyTo === 0) {
    await tabTo(up, 'the first addressee', focusedIs('#msg-to input'), { back: true, n: 80 });
    await up.keyboard.press('Space');
    await tabTo(up, 'the message text', focusedIs('#msg-text'), { n: 80 });
  }
  await up.keyboard.type('Noted; the desk will brief the chair.');
  await tabTo(up, 'Send message', focusedIs('#msg-form button[type="submit"]'), { n: 5 });
  await up.keyboard.press('Enter');
  check('keyboard: Enter sends the reply', await statusDone(usa, 'Message'));

  /* request consultation C-2 in the consultation room (Enter) */
  await tabTo(up, 'Request consultation C-2', () => document.activeElement.tagName === 'BUTTON' && (document.activeElement.getAttribute('aria-label') || document.activeElement.textContent).includes('Request consultation C-2'));
  await up.keyboard.press('Enter');
  check('keyboard: Enter requests C-2', await statusDone(usa, 'request C-2'));
  const card = (who, id) => who.page.locator('#consultations [data-consultation="' + id + '"]');
  await card(usa, 'C-2').and(up.locator('[data-stage-kind="acknowledge"]')).waitFor({ timeout: 5000 });
  /* acknowledge the stage (Space), going backwards with Shift+Tab */
  await tabTo(up, 'Acknowledge on C-2', () => document.activeElement.textContent.trim() === 'Acknowledge' && !!document.activeElement.closest('[data-consultation="C-2"]'), { back: true });
  await up.keyboard.press('Space');
  check('keyboard: Space acknowledges C-2', await statusDone(usa, 'Act in C-2'));
  await api(kor, { do: 'acknowledge', consultation: 'C-2' });
  /* post a position: Tab into its text box, type, Tab to Post position, Enter */
  await card(usa, 'C-2').and(up.locator('[data-stage-kind="positions"]')).waitFor({ timeout: 5000 });
  await tabTo(up, 'Your position on C-2', () => (document.activeElement.getAttribute('aria-label') || '') === 'Your position on C-2' || (document.activeElement.labels && [...document.activeElement.labels].some((l) => l.textContent.includes('Your position on C-2'))));
  await up.keyboard.type('We favour a joint statement by the co-chairs.');
  await tabTo(up, 'Post position', () => document.activeElement.textContent.trim() === 'Post position', { n: 4 });
  await up.keyboard.press('Enter');
  check('keyboard: Enter posts the position', await statusDone(usa, 'Position in C-2'));
  await api(kor, { do: 'position', consultation: 'C-2', text: 'Agreed, with a line welcoming dialogue.' });
  for (const s of ['usa-state', 'usa-pa', 'kor-mofa', 'kor-pa']) await api(ctl, { seat: s, do: 'position', consultation: 'C-2', text: 'Holding lines ready.' });
  /* vote on D-2 (Space) */
  const dcard = up.locator('#decisions [data-decision="D-2"]');
  await dcard.and(up.locator('[data-state="open"]')).waitFor({ timeout: 5000 });
  await tabTo(up, 'Vote for option joint on D-2', () => document.activeElement.getAttribute('aria-label') === 'Vote for option joint on D-2');
  await up.keyboard.press('Space');
  check('keyboard: Space votes on D-2', await statusDone(usa, 'Vote on D-2'));
  await api(kor, { do: 'vote', decision: 'D-2', option: 'joint' });
  await dcard.and(up.locator('[data-outcome="joint"]')).waitFor({ timeout: 5000 });
  check('the decision is made', true);
} catch (e) {
  check('keyboard path (' + e.message.split('\n').filter((l) => l.trim() && !/^=+/.test(l.trim())).slice(0, 3).join(' | ') + ')', false);
}

/* ---- colour is never the only carrier ---- */
try {
  /* decided: the chosen option says so in words, and its text has AA contrast */
  const chosen = up.locator('#decisions [data-decision="D-2"] .options li.chosen');
  await chosen.waitFor({ timeout: 5000 });
  const ct = await chosen.textContent();
  check('the decided option says "decided" in text', /decided/i.test(ct), ct);
  /* the seat's own vote: its button is pressed (shown while the decision is open) and marked */
  const pressed = up.locator('#decisions [data-decision="D-2"] button[aria-pressed="true"]');
  check('the seat\'s vote is one pressed button', (await pressed.count()) === 1, await pressed.count());
  const look = await pressed.first().evaluate((b) => getComputedStyle(b, '::before').content);
  check('the pressed vote shows a check mark besides its colour', /✓/.test(look), look);
  /* waiting: the "Waiting for you" list names each thing in words */
  check('"Waiting for you" is a heading, not a colour', (await up.getByRole('heading', { name: 'Waiting for you' }).count()) === 1);
  /* new marks: a new item says "New" (text with an accessible name), not only its outline */
  /* control releases the MSEL's pending injects in order until one reaches usa-chair */
  const before = new Set(await up.locator('#inbox [data-item-id]').evaluateAll((ns) => ns.map((n) => n.getAttribute('data-item-id'))));
  let fresh = null;
  for (const inj of (await state(ctl)).injects.filter((x) => x.state === 'pending')) {
    await api(ctl, { do: 'release', inject: inj.id });
    await up.waitForTimeout(400);
    const now = await up.locator('#inbox [data-item-id]').evaluateAll((ns) => ns.map((n) => n.getAttribute('data-item-id')));
    fresh = now.find((id) => !before.has(id));
    if (fresh) break;
  }
  check('a pending inject reaches usa-chair', !!fresh);
  const i22 = up.locator('#inbox [data-item-id="' + fresh + '"]');
  await up.locator('#inbox [data-item-id="' + fresh + '"].new').waitFor({ timeout: 5000 });
  const newMark = i22.locator('.new-mark');
  check('a new item carries a "New" mark in text', (await newMark.count()) === 1 && (await newMark.isVisible()) && /new/i.test(await newMark.textContent()), await newMark.count());
  const readMark = up.locator('#inbox [data-item-id="I-21"] .new-mark');
  check('an item read has no "New" mark', (await readMark.count()) === 0 || !(await readMark.isVisible()));
  /* label banners: every banner names its classification in text */
  const banners = await up.locator('.banner:visible').evaluateAll((bs) => bs.map((b) => b.textContent.trim()));
  check('every visible label banner names its classification in words (' + banners.length + ')', banners.length > 0 && banners.every((t) => /UNCLASSIFIED|RESTRICTED|CONFIDENTIAL|SECRET/i.test(t)), banners.slice(0, 5));
  /* overdue: C-1 waits in notify since its trigger; past its 30m deadline control reads it in words */
  const st = await waitState(ctl, 'C-1 overdue', (s) => (s.stuck || []).some((x) => x.overdue));
  const over = (st.stuck || []).filter((x) => x.overdue).length;
  const overTxt = await ctl.page.locator('#stuck li.overdue').evaluateAll((ls) => ls.map((l) => l.textContent));
  check('each overdue entry of "Waiting on" says "deadline passed" (' + over + ')', overTxt.length === over && overTxt.every((t) => /deadline passed/.test(t)), overTxt);
  /* seats' connection on the roster: the dot is decoration, the state is in words */
  const roster = await ctl.page.locator('#roster li[data-seat="usa-chair"] .sstate').textContent();
  check('the roster says in words that usa-chair is connected', /connected/.test(roster), roster);
  /* the link state: text, not only its colour */
  check('the live badge says "live" in words', /live/.test(await up.locator('#link-state').textContent()));
} catch (e) {
  check('colour not the only carrier (' + e.message.split('\n').filter((l) => l.trim() && !/^=+/.test(l.trim())).slice(0, 3).join(' | ') + ')', false);
}

/* ---- axe-core on every view ---- */
try {
  await ctl.page.waitForTimeout(300);
  await axe(ctl.page, 'the control console');
  await ctl.page.locator('#add-details').evaluate((d) => { d.open = true; });
  await axe(ctl.page, 'the control console with the add-inject form open');
  await ctl.page.locator('#add-details').evaluate((d) => { d.open = false; });
  await ctl.page.locator('#msel tbody tr.st-pending button.edit').first().click();
  await ctl.page.locator('#edit-form:not([hidden])').waitFor({ timeout: 5000 });
  await ctl.page.locator('#btn-end').click();
  await ctl.page.locator('#end-confirm:not([hidden])').waitFor({ timeout: 5000 });
  await axe(ctl.page, 'the control console with the edit form and the end confirmation open');
  await ctl.page.locator('#edit-cancel').click();
  await ctl.page.locator('#btn-end-no').click();
  await ctl.page.locator('#end-confirm').waitFor({ state: 'hidden', timeout: 5000 });
  await axe(up, 'the seat view (usa-chair)');
  await axe(kor.page, 'the seat view (kor-chair)');
  const rep = await ctl.ctx.newPage();
  await rep.goto('/api/report');
  await axe(rep, 'the interim report (control)');
  await rep.close();
  const srep = await usa.ctx.newPage();
  await srep.goto('/api/report');
  await axe(srep, "the interim report (a seat's)");
  await srep.close();
  const ed = await ctl.ctx.newPage();
  await ed.goto('/editor.html');
  await ed.locator('#ed-main, main').first().waitFor();
  await ed.waitForTimeout(500);
  await axe(ed, 'the scenario editor');
  /* each section of the editor, and an item's form */
  const sections = await ed.locator('.ed-tabs button').evaluateAll((bs) => bs.map((b) => b.textContent.trim()));
  check('the editor has its sections (' + sections.length + ')', sections.length >= 3, sections);
  for (const name of sections) {
    await ed.locator('.ed-tabs').getByRole('button', { name, exact: true }).click();
    await ed.waitForTimeout(150);
    await axe(ed, 'the scenario editor, section ' + name);
  }
  await ed.locator('.ed-tabs button').first().click();
  await ed.locator('#ed-items-body button.linkish').first().click();
  await ed.locator('#ed-save').waitFor({ timeout: 5000 });
  await axe(ed, "the scenario editor, an item's form");
  await ed.close();
} catch (e) {
  check('axe-core runs (' + e.message.split('\n').filter((l) => l.trim() && !/^=+/.test(l.trim())).slice(0, 3).join(' | ') + ')', false);
}

/* ---- layout: the console's MSEL fills the window's height ---- */
for (const [w, h] of [[1366, 768], [1920, 1080]]) {
  try {
    await ctl.page.setViewportSize({ width: w, height: h });
    await ctl.page.evaluate(() => window.scrollTo(0, 0));
    await ctl.page.waitForTimeout(200);
    const m = await ctl.page.evaluate(() => {
      const wrap = document.querySelector('.msel-panel .table-wrap');
      const r = wrap.getBoundingClientRect();
      const rows = [...wrap.querySelectorAll('tbody tr')];
      const shown = rows.filter((tr) => { const q = tr.getBoundingClientRect(); return q.top >= r.top && q.bottom <= r.bottom + 1 && q.bottom <= innerHeight; }).length;
      const panel = document.querySelector('.msel-panel').getBoundingClientRect();
      return { top: Math.round(r.top), bottom: Math.round(r.bottom), inner: innerHeight, rows: rows.length, shown, all: wrap.scrollHeight <= wrap.clientHeight, panelBottom: Math.round(panel.bottom) };
    });
    /* its panel ends just above the window's bottom (no gap under it, nothing cut off), its rows
     * box is at least 60% of the window's height, and its rows are compact (50 px on average) */
    check(w + 'x' + h + ': the MSEL panel ends within 40 px above the window\'s bottom (' + m.panelBottom + ' of ' + m.inner + ') or shows every row', m.all || (m.panelBottom >= m.inner - 40 && m.panelBottom <= m.inner), m);
    check(w + 'x' + h + ': the MSEL rows box is ' + (m.bottom - m.top) + ' px high (at least 60% of ' + m.inner + ')', m.all || m.bottom - m.top >= 0.6 * m.inner, m);
    check(w + 'x' + h + ': the MSEL shows ' + m.shown + ' of ' + m.rows + ' rows (at least ' + Math.floor((m.bottom - m.top) / 50) + ')', m.shown >= Math.min(m.rows, Math.floor((m.bottom - m.top) / 50)), m);
    await noSideScroll(ctl.page, 'control console at ' + w + 'x' + h);
    if (IMG && w === 1366) {
      fs.mkdirSync(IMG, { recursive: true });
      await ctl.page.mouse.move(0, 0); /* nothing hovered: the same picture on every run */
      await ctl.page.waitForTimeout(200);
      await ctl.page.screenshot({ path: path.join(IMG, 'control-1366.png') });
    }
  } catch (e) {
    check('MSEL layout at ' + w + 'x' + h + ' (' + e.message.split('\n').filter((l) => l.trim() && !/^=+/.test(l.trim())).slice(0, 3).join(' | ') + ')', false);
  }
}

/* ---- layout: the seat view at 390x844, every tab ---- */
try {
  await up.setViewportSize({ width: 390, height: 844 });
  await up.evaluate(() => window.scrollTo(0, 0));
  await up.waitForTimeout(200);
  await noSideScroll(up, 'seat view at 390x844');
  const tabs = await up.locator('nav.tabs a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  check('the seat view has its five tabs', tabs.length >= 5, tabs);
  for (const href of tabs) {
    await up.locator('nav.tabs a[href="' + href + '"]').click();
    await up.waitForTimeout(100);
    await noSideScroll(up, 'seat view at 390x844, tab ' + href);
  }
  const tabsFit = await up.locator('nav.tabs').evaluate((n) => n.scrollWidth <= n.clientWidth);
  check('390x844: the tabs fit the width', tabsFit);
  await axe(up, 'the seat view at 390x844');
  if (IMG) {
    await up.evaluate(() => window.scrollTo(0, 0));
    await up.mouse.move(0, 0);
    await up.waitForTimeout(200);
    await up.screenshot({ path: path.join(IMG, 'player-390.png') });
  }
} catch (e) {
  check('seat view at 390 px (' + e.message.split('\n').filter((l) => l.trim() && !/^=+/.test(l.trim())).slice(0, 3).join(' | ') + ')', false);
}

/* ---- the evaluator's view (a server on the evaluation fixture) ---- */
if (EVAL_URL) {
  try {
    const evs = Object.keys(EVAL_CODES).filter((k) => /^obs-/.test(k));
    check('the evaluation fixture has an evaluator seat', evs.length > 0, Object.keys(EVAL_CODES));
    const ev = await open(evs[0], 1366, 768, EVAL_URL);
    check(evs[0] + ' joins', (await join(ev, EVAL_CODES[evs[0]])) === 200);
    await ev.page.locator('#observe-panel:not([hidden])').waitFor({ timeout: 10000 });
    await axe(ev.page, "the evaluator's view");
    await ev.page.setViewportSize({ width: 390, height: 844 });
    await ev.page.waitForTimeout(200);
    await noSideScroll(ev.page, "evaluator's view at 390x844");
    /* the evaluator's own page (/evaluator.html), with the same session */
    await ev.page.setViewportSize({ width: 1024, height: 768 });
    await ev.page.goto('/evaluator.html');
    await ev.page.locator('#ev-main').waitFor({ state: 'visible', timeout: 15000 });
    await ev.page.waitForTimeout(300);
    await axe(ev.page, "the evaluator's page");
  } catch (e) {
    check("evaluator's view (" + e.message.split('\n').filter((l) => l.trim() && !/^=+/.test(l.trim())).slice(0, 3).join(' | ') + ')', false);
  }
}

/* ---- the ended exercise: the console, a seat and the final report ---- */
try {
  await ctl.page.setViewportSize({ width: 1366, height: 768 });
  await ctl.page.locator('#btn-end').click();
  await ctl.page.locator('#btn-end-yes').click();
  await ctl.page.locator('#ended-note:not([hidden])').waitFor({ timeout: 5000 });
  await axe(ctl.page, 'the control console, exercise ended');
  await up.locator('#clock-mini', { hasText: 'ended' }).waitFor({ timeout: 5000 }).catch(() => {});
  await axe(up, 'the seat view (390x844), exercise ended');
  const rep = await ctl.ctx.newPage();
  await rep.goto('/api/report');
  await axe(rep, 'the final report (control)');
  await rep.close();
  /* control's pages of the ended exercise: the debrief and "Finish the report" */
  const db = await ctl.ctx.newPage();
  await db.setViewportSize({ width: 1366, height: 768 });
  await db.goto('/debrief.html');
  await db.locator('#db-main').waitFor({ state: 'visible', timeout: 15000 });
  await db.waitForFunction(() => document.getElementById('db-where').textContent.trim() !== '');
  await axe(db, 'the debrief page');
  await db.close();
  const aar = await ctl.ctx.newPage();
  await aar.setViewportSize({ width: 1366, height: 768 });
  await aar.goto('/aar.html');
  await aar.locator('#aar-main').waitFor({ state: 'visible', timeout: 15000 });
  await aar.waitForTimeout(300);
  await axe(aar, 'the "Finish the report" page');
  await aar.close();
} catch (e) {
  check('the ended exercise (' + e.message.split('\n').filter((l) => l.trim() && !/^=+/.test(l.trim())).slice(0, 3).join(' | ') + ')', false);
}

check('no console errors or CSP violations in any page', problems.length === 0, problems.slice(0, 5));
await browser.close();
finish();
