// Every visible string of the control console and the seat view comes from the message catalogue
// (issue 22): a Korean control console and a Korean seat view, in a real browser (Debian's
// chromium, headless, playwright-core), are walked tab by tab after a few hours of play, and no
// text node or attribute a reader meets (placeholder, title, aria-label, alt) may still hold an
// English word. Allowed Latin text, and nothing else (docs/ui.md, "Languages"):
//   1. ids: a token that is the value of an id field of the viewer's /api/state (id, seat, stage,
//      option, party, from, to, consultation, decision, inject, message, reply_to, requested_by,
//      cell, agent, do, scenario), or of the policy's classification names; an address of the
//      scenario format (cell:ID, party:ID, group:ID); an id-shaped token (capital letters, a
//      hyphen, letters or digits: I-03, C-1, G-ack);
//   2. canonical label markings and codes: a token of capital letters and digits only (REL, TO,
//      USA, SECRET, a join code, UTC, MSEL, CSV, JSON...);
//   3. what participants wrote: text inside an element whose nearest lang attribute is not the
//      page's language (i18n.js marks messages, positions, proposals and notes with the language
//      their writer gave), and the language switch's names of languages (marked likewise);
//   4. the product's name, "caucus";
//   5. scenario-time notation: +03:30, +1d2h, 1d, 30m, 09:00Z (digits with d, h, m, s, Z), and a
//      zone offset UTC+09:00.
// Usage: CAUCUS_URL=http://127.0.0.1:PORT CAUCUS_CODES='{"control":"...","kor-chair":"...",
//        "usa-chair":"..."}' node tests/e2e/i18n-walk.mjs (on ncg-policy-ttx.yaml). Run by
// tests/cli/e2e.sh; prints "N passed, N failed" last.
import { chromium } from 'playwright-core';

const URL_ = process.env.CAUCUS_URL;
const CODES = JSON.parse(process.env.CAUCUS_CODES || '{}');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

let pass = 0;
let fail = 0;
function check(name, cond, detail) {
  if (cond) pass++;
  else {
    fail++;
    console.log('FAIL: ' + name + (detail !== undefined ? ' — ' + JSON.stringify(detail, null, 1) : ''));
  }
  return !!cond;
}
function finish(code) {
  console.log(pass + ' passed, ' + fail + ' failed');
  process.exit(code !== undefined ? code : fail ? 1 : 0);
}
if (!URL_ || !CODES.control || !CODES['usa-chair'] || !CODES['kor-chair']) {
  console.log('FAIL: CAUCUS_URL and CAUCUS_CODES (control, usa-chair, kor-chair) are required');
  fail++;
  finish(2);
}
setTimeout(() => {
  console.log('FAIL: the walk did not finish within 150 s');
  fail++;
  finish(1);
}, 150000).unref();

const ID_KEYS = new Set(['id', 'seat', 'stage', 'option', 'party', 'from', 'to', 'consultation', 'decision', 'inject',
  'message', 'reply_to', 'requested_by', 'cell', 'cells', 'agent', 'do', 'participants', 'acks', 'deciders', 'name',
  'scenario']);

/* the ids the viewer's state names (rule 1) */
function idsOf(state) {
  const ids = new Set();
  const add = (v) => {
    if (typeof v === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(v)) ids.add(v);
  };
  const walk = (o, key) => {
    if (Array.isArray(o)) o.forEach((x) => walk(x, key));
    else if (o && typeof o === 'object') {
      for (const k of Object.keys(o)) {
        if (k === 'votes' || k === 'votes_by' || k === 'acted_by') Object.keys(o[k] || {}).forEach(add);
        walk(o[k], k);
      }
    } else if (ID_KEYS.has(key)) add(o);
  };
  walk(state, '');
  /* "name" is an id only in the policy's classes ({"name", "short", "style"}); a seat's name is text */
  for (const s of state.seats || []) if (s.name) ids.delete(s.name);
  return ids;
}

/* every text a reader meets on the page that still holds a word outside the allowed set */
async function leftovers(page, ids) {
  return page.evaluate((idList) => {
    const ids = new Set(idList);
    const pageLang = document.documentElement.lang;
    const token = (w) =>
      ids.has(w) || /^[A-Z0-9]+$/.test(w) || w === 'caucus' || /^[+-]?(\d+[dhms])+$/.test(w) ||
      /^(cell|party|group):[A-Za-z0-9._-]+$/.test(w) || /^[A-Z]+-[A-Za-z0-9-]+$/.test(w) ||
      /^[+-]?(\d+d)?\d{1,2}:\d{2}(:\d{2})?Z?$/.test(w) || /^UTC[+-]\d{2}:\d{2}$/.test(w) || !/[A-Za-z]/.test(w);
    const bad = (s) => {
      if (!/[A-Za-z]/.test(s)) return false;
      const words = s.split(/[^A-Za-z0-9._+:'-]+/).map((w) => w.replace(/^[.'-]+|[.:'-]+$/g, '')).filter(Boolean);
      return words.some((w) => !token(w) && !w.split(/[/]/).every(token));
    };
    const written = (e) => {
      const l = e && e.closest('[lang]');
      return l && l.getAttribute('lang') && l.getAttribute('lang').split('-')[0] !== pageLang;
    };
    const where = (e) => {
      const parts = [];
      for (let x = e; x && x !== document.body && parts.length < 4; x = x.parentElement)
        parts.unshift(x.tagName.toLowerCase() + (x.id ? '#' + x.id : x.className && typeof x.className === 'string' ? '.' + x.className.split(' ')[0] : ''));
      return parts.join('>');
    };
    const out = [];
    const tw = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    for (let n = tw.currentNode; n; n = tw.nextNode()) {
      if (n.nodeType === 1) {
        if (n.tagName === 'SCRIPT' || n.tagName === 'STYLE') continue;
        if (!n.checkVisibility() && n.tagName !== 'OPTION') continue; /* hidden: no reader meets it */
        for (const a of ['placeholder', 'title', 'aria-label', 'alt']) {
          const v = n.getAttribute(a);
          if (v && !written(n) && bad(v)) out.push(where(n) + ' @' + a + ': ' + v);
        }
        continue;
      }
      const p = n.parentElement;
      if (!p || p.closest('script, style') || written(p) || !p.checkVisibility()) continue;
      const s = n.nodeValue.trim();
      if (s && bad(s)) out.push(where(p) + ': ' + s.slice(0, 120));
    }
    if (bad(document.title)) out.push('title: ' + document.title);
    return [...new Set(out)];
  }, [...ids]);
}

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox'] });
const problems = [];
async function join(code) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: URL_, locale: 'ko-KR' });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => problems.push('uncaught ' + e.message));
  await page.goto('/');
  await page.getByLabel('참가 코드').fill(code);
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/join')),
    page.getByRole('button', { name: '참가', exact: true }).click(),
  ]);
  const csrf = (await resp.json().catch(() => ({}))).csrf;
  return { ctx, page, csrf };
}
async function post(who, data) {
  const r = await who.ctx.request.post('/api/input', { headers: { 'X-CSRF-Token': who.csrf }, data });
  return r.status();
}

try {
  const ctl = await join(CODES.control);
  const kor = await join(CODES['kor-chair']);
  const usaCtx = await browser.newContext({ baseURL: URL_ });
  const jr = await usaCtx.request.post('/api/join', { data: { code: CODES['usa-chair'] } });
  const usa = { ctx: usaCtx, csrf: (await jr.json()).csrf };

  /* a few hours of play: items, a consultation in progress, a message, a note and a position */
  check('control starts', (await post(ctl, { do: 'start' })) === 200);
  /* every other seat played by its agent: consultations move on, votes and positions are cast */
  let handed = 0;
  for (const seat of Object.keys(CODES))
    if (seat !== 'control' && seat !== 'kor-chair' && seat !== 'usa-chair') handed += (await post(ctl, { do: 'play', seat, by: 'agent' })) === 200;
  check('control hands the other seats to their agents', handed > 5, handed);
  check('control jumps to +7h30m', (await post(ctl, { do: 'jump', to: '+7h30m' })) === 200);
  check('an English message to the Korean seat', (await post(usa, { do: 'message', to: ['kor-chair'],
    text: 'Call at noon?', label: 'UNCLASSIFIED//REL TO USA, KOR', lang: 'en' })) === 200);
  check('an English note', (await post(usa, { do: 'note', text: 'Agenda drafted', lang: 'en' })) === 200);
  check('control writes a note', (await post(ctl, { do: 'note', text: 'Clock check', lang: 'en' })) === 200);
  check('a lang that is no language tag is refused', (await post(ctl, { do: 'note', text: 'x', lang: 'not a tag' })) === 400);
  check('lang on an act without a text is refused', (await post(usa, { do: 'acknowledge', inject: 'I-01', lang: 'en' })) === 400);
  await kor.page.locator('#inbox [data-kind="message"]').first().waitFor({ timeout: 15000 });
  await ctl.page.locator('#msel-body tr, #msel tbody tr').first().waitFor({ timeout: 15000 }).catch(() => {});

  /* the participant's English is marked with its language, and tagged for the Korean reader */
  const body = kor.page.locator('#inbox [data-kind="message"] .body').first();
  check('the message is marked lang="en"', (await body.getAttribute('lang')) === 'en', await body.getAttribute('lang'));
  const tag = kor.page.locator('#inbox [data-kind="message"] .lang-tag').first();
  check('a small tag names its language in Korean', (await tag.textContent({ timeout: 5000 }).catch(() => '')) === '영어',
        await tag.textContent({ timeout: 1000 }).catch(() => null));

  /* a position written in English: the state carries its lang, the Korean page marks it */
  const ust = await (await usa.ctx.request.get('/api/state')).json();
  const pa = (ust.affordances || []).find((a) => a.do === 'position');
  check('usa-chair may state a position', !!pa, ust.affordances);
  if (pa) {
    check('usa-chair states a position in English', (await post(usa, { do: 'position', consultation: pa.consultation,
      text: 'We support a joint read-out.', lang: 'en' })) === 200);
    const kst = await (await kor.ctx.request.get('/api/state')).json();
    const c = (kst.consultations || []).find((x) => x.id === pa.consultation);
    const pos = c && (c.positions || []).find((x) => x.text === 'We support a joint read-out.');
    check('the state carries the position\'s lang', pos && pos.lang === 'en', c && c.positions);
    const span = kor.page.locator('#consultations .positions span[lang="en"]', { hasText: 'We support a joint read-out.' });
    await span.first().waitFor({ timeout: 10000 }).catch(() => {});
    check('the Korean seat view marks the position lang="en"', (await span.count()) === 1);
  }

  /* the live state carries a note's language; the page marks it (docs/http-api.md) */
  const cst = await (await ctl.ctx.request.get('/api/state')).json();
  const note = (cst.notes || []).find((n) => n.text === 'Clock check');
  check('the state carries the note\'s lang', note && note.lang === 'en', note);
  check('the message\'s item carries its lang', (cst.items || []).some((i) => i.kind === 'message' && i.lang === 'en'));
  await ctl.page.locator('.ntext[lang="en"]').first().waitFor({ timeout: 10000 }).catch(() => {});
  check('the console marks the note lang="en"', (await ctl.page.locator('.ntext[lang="en"]').count()) > 0);

  /* the walk covers cards of every kind */
  const count = (who, sel) => who.page.locator(sel).count();
  await ctl.page.locator('#control-decisions article').first().waitFor({ timeout: 15000 }).catch(() => {});
  const seen = { consultations: await count(kor, '#consultations article'), decisions: await count(ctl, '#control-decisions article'),
                 findings: await count(ctl, '#findings li'), roster: await count(ctl, '#roster li') };
  check('there are consultation and decision cards, findings and seats to read', seen.consultations > 0 &&
        seen.decisions > 0 && seen.findings > 0 && seen.roster > 10, seen);
  console.log('walked: ' + JSON.stringify(seen));

  for (const [name, who, tabs] of [['control console', ctl, null], ['seat view', kor, 'nav.tabs a']]) {
    const st = await who.ctx.request.get('/api/state', { headers: { 'X-CSRF-Token': who.csrf } });
    const ids = idsOf(await st.json());
    const n = tabs ? await who.page.locator(tabs).count() : 1;
    check(name + ': has tabs to walk', !tabs || n >= 5, n);
    for (let i = 0; i < n; i++) {
      if (tabs) await who.page.locator(tabs).nth(i).click();
      /* the scenario's texts in Korean arrive a little later (GET /api/texts): wait up to 12 s */
      let left = [];
      for (let k = 0; k < 24; k++) {
        await who.page.waitForTimeout(500);
        left = await leftovers(who.page, ids);
        if (!left.length) break;
      }
      check(name + (tabs ? ' tab ' + i : '') + ': no English left', left.length === 0, left.slice(0, 40));
    }
  }
  /* control's forms (issue 16's pickers and label composer): the add-inject form open, then an
   * inject's edit form */
  const ctlIds = idsOf(await (await ctl.ctx.request.get('/api/state', { headers: { 'X-CSRF-Token': ctl.csrf } })).json());
  const settle = async () => {
    let left = [];
    for (let k = 0; k < 24; k++) {
      await ctl.page.waitForTimeout(500);
      left = await leftovers(ctl.page, ctlIds);
      if (!left.length) break;
    }
    return left;
  };
  await ctl.page.locator('#add-details').evaluate((d) => { d.open = true; });
  let left = await settle();
  check('control console, the add-inject form open: no English left', left.length === 0, left.slice(0, 40));
  await ctl.page.locator('#add-details').evaluate((d) => { d.open = false; });
  const edit = ctl.page.locator('#msel tbody button.edit').first();
  check('an inject can be edited', (await edit.count()) === 1);
  await edit.click();
  await ctl.page.locator('#edit-form:not([hidden])').waitFor({ timeout: 5000 });
  left = await settle();
  check('control console, the edit form open: no English left', left.length === 0, left.slice(0, 40));
  await ctl.page.locator('#edit-cancel').click();
  check('no uncaught error in either page', problems.length === 0, problems);
} catch (e) {
  check('the walk (' + String(e.message || e).split('\n')[0] + ')', false);
}
await browser.close();
finish();
