// What the browser tests share (tests/e2e/*.mjs, run by tests/cli/e2e.sh and aar.sh): counting
// checks and the final "N passed, N failed" line, the environment a test needs, a deadline, the
// browser (Debian's chromium, headless, through playwright-core), pages that record their console
// errors and uncaught exceptions, joining a seat through the join form or the API, and a seat's
// state and inputs over the API.
import { chromium, request as pwRequest } from 'playwright-core';
import fs from 'node:fs';

export const URL_ = process.env.CAUCUS_URL;
export const CODES = JSON.parse(process.env.CAUCUS_CODES || '{}');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// suite(what, { seconds, seats, width }): the checks of one test. check(name, cond, detail) counts
// a pass or prints a failure (detail as JSON, cut to width characters when width is given) and
// returns cond as a boolean; finish() prints the count line and exits 1 on any failure. The test
// fails when CAUCUS_URL, the join codes of seats or chromium are missing, and when it has not
// finished within seconds.
export function suite(what, { seconds, seats = [], width = 0 }) {
  const s = { pass: 0, fail: 0, problems: [] };
  s.check = (name, cond, detail) => {
    if (cond) s.pass++;
    else {
      s.fail++;
      const d = detail !== undefined ? JSON.stringify(detail) : undefined;
      console.log('FAIL: ' + name + (d !== undefined ? ' — ' + (width && d ? d.slice(0, width) : d) : ''));
    }
    return !!cond;
  };
  s.finish = () => {
    console.log(s.pass + ' passed, ' + s.fail + ' failed');
    process.exit(s.fail ? 1 : 0);
  };
  if (!URL_ || seats.some((n) => !CODES[n]) || !fs.existsSync(CHROMIUM)) {
    s.check('CAUCUS_URL, CAUCUS_CODES (' + seats.join(', ') + ') and chromium are given', false);
    s.finish();
  }
  setTimeout(() => {
    s.check('the ' + what + ' test finished within ' + seconds + ' s', false);
    s.finish();
  }, seconds * 1000).unref();
  return s;
}

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox'] });
}

// openPage(browser, name, problems, opts): a new context and page on the server. Console errors
// (unless opts.ignore(message) says they are expected) and uncaught exceptions go into problems,
// prefixed with name. opts.viewport defaults to 1366x768; opts.context is passed to newContext.
export async function openPage(browser, name, problems, opts = {}) {
  const ctx = await browser.newContext({ viewport: opts.viewport || { width: 1366, height: 768 }, baseURL: URL_, ...(opts.context || {}) });
  const page = await ctx.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && !(opts.ignore && opts.ignore(m.text()))) problems.push(name + ': ' + m.text());
  });
  page.on('pageerror', (e) => problems.push(name + ': uncaught ' + e.message));
  return { name, ctx, page };
}

// joinForm(who, code): joins through the join form of the page's start page; keeps the CSRF token
// in who.csrf and returns the join's HTTP status.
export async function joinForm(who, code) {
  await who.page.goto('/');
  await who.page.getByLabel('Join code').fill(code);
  const [resp] = await Promise.all([who.page.waitForResponse((r) => r.url().endsWith('/api/join')),
    who.page.getByRole('button', { name: 'Join' }).click()]);
  const j = await resp.json().catch(() => ({}));
  who.csrf = j.csrf;
  return resp.status();
}

// joinApi(code, ctx): a session joined over the API alone, in the request context ctx (a page's
// context's request, to share its cookie) or a new one: { request, csrf, status }.
export async function joinApi(code, request) {
  const rq = request || await pwRequest.newContext({ baseURL: URL_ });
  const r = await rq.post('/api/join', { data: { code } });
  const j = await r.json().catch(() => ({}));
  return { request: rq, csrf: j.csrf, status: r.status() };
}

// input(who, body): POST /api/input as who ({ request, csrf } or a page's { ctx, csrf });
// returns [status, JSON answer or null].
export async function input(who, body) {
  const rq = who.request || who.ctx.request;
  const r = await rq.post('/api/input', { headers: { 'X-CSRF-Token': who.csrf }, data: body });
  return [r.status(), await r.json().catch(() => null)];
}

// state(who): who's /api/state, or { status } when it is not 200.
export async function state(who) {
  const r = await (who.request || who.ctx.request).get('/api/state');
  return r.status() === 200 ? r.json() : { status: r.status() };
}

// waitState(who, what, fn, ms): polls who's state until fn(state) holds; throws after ms.
export async function waitState(who, what, fn, ms = 10000) {
  const until = Date.now() + ms;
  for (;;) {
    const st = await state(who);
    if (fn(st)) return st;
    if (Date.now() > until) throw new Error(who.name + ': timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// statusAfter(who, startsWith, ms): the console's status line once the action it names is done or
// refused (waiting at most ms for each).
export async function statusAfter(who, startsWith, ms = 5000) {
  const loc = who.page.locator('#status');
  await loc.filter({ hasText: new RegExp('^' + startsWith.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '.*(done|refused|:)') }).waitFor({ timeout: ms });
  await who.page.waitForFunction(() => !document.getElementById('status').classList.contains('busy'), null, { timeout: ms });
  return (await loc.textContent()) || '';
}
