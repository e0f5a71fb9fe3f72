// End-to-end test of a bilingual exercise (issue 22): one English and one Korean player in a real
// browser (Debian's chromium, headless, playwright-core) against a running `caucus serve
// scenarios/ncg-policy-ttx.yaml` (English authoritative, Korean beside it). Each sees the page
// and the scenario's texts in its language (the browser's locale), the same items and the same
// canonical label banners.
// Usage: CAUCUS_URL=http://127.0.0.1:PORT CAUCUS_CODES='{"control":"...","usa-chair":"...",...}'
//        [CAUCUS_IMG=DIR] node tests/e2e/bilingual.mjs
// Run by tests/cli/e2e.sh on a server of its own. Prints "N passed, N failed" last.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const URL_ = process.env.CAUCUS_URL;
const CODES = JSON.parse(process.env.CAUCUS_CODES || '{}');
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
if (!URL_ || !CODES.control || !CODES['usa-chair'] || !CODES['kor-chair']) {
  console.log('FAIL: CAUCUS_URL and CAUCUS_CODES (control, usa-chair, kor-chair) are required');
  fail++;
  finish(2);
}
setTimeout(() => {
  console.log('FAIL: the bilingual test did not finish within 120 s');
  fail++;
  finish(1);
}, 120000).unref();

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox'] });
const problems = [];
async function player(name, locale) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: URL_, locale });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => problems.push(name + ': uncaught ' + e.message));
  return { name, ctx, page };
}
async function join(who, label, button, code) {
  await who.page.goto('/');
  await who.page.getByLabel(label).fill(code);
  const [resp] = await Promise.all([
    who.page.waitForResponse((r) => r.url().endsWith('/api/join')),
    who.page.getByRole('button', { name: button, exact: true }).click(),
  ]);
  who.csrf = (await resp.json().catch(() => ({}))).csrf;
  await who.page.locator('#inbox').waitFor({ state: 'attached', timeout: 10000 });
}
const text = (who, sel) => who.page.locator(sel).first().textContent({ timeout: 15000 });

try {
  const usa = await player('usa-chair', 'en-US');
  const kor = await player('kor-chair', 'ko-KR');
  await join(usa, 'Join code', 'Join', CODES['usa-chair']);
  await join(kor, '참가 코드', '참가', CODES['kor-chair']);
  await kor.page.getByRole('link', { name: /수신함/ }).first().waitFor({ timeout: 10000 }).catch(() => {});
  check('the English page says so', (await usa.page.getAttribute('html', 'lang')) === 'en');
  check('the Korean page says so', (await kor.page.getAttribute('html', 'lang')) === 'ko');
  check('the Korean seat view in Korean', await kor.page.getByRole('link', { name: /수신함/ }).count() > 0);
  check('the English seat view in English', await usa.page.getByRole('link', { name: /Inbox/ }).count() > 0);
  await kor.page.locator('#who', { hasText: '공동의장(국방부)' }).waitFor({ timeout: 10000 }).catch(() => {});
  check('the Korean header names the seat in Korean', (await text(kor, '#who')) === '공동의장(국방부) · KOR · 취급 인가 SECRET',
        await text(kor, '#who'));

  /* control starts and releases an item both may read */
  const ctl = await browser.newContext({ baseURL: URL_ });
  const jr = await ctl.request.post('/api/join', { data: { code: CODES.control } });
  const csrf = (await jr.json()).csrf;
  for (const input of [{ do: 'start' }, { do: 'release', inject: 'I-01' }]) {
    const r = await ctl.request.post('/api/input', { headers: { 'X-CSRF-Token': csrf }, data: input });
    check('control: ' + JSON.stringify(input), r.status() === 200, r.status());
  }
  const card = '#inbox [data-item-id="I-01"]';
  await usa.page.locator(card).waitFor({ timeout: 15000 });
  await kor.page.locator(card).waitFor({ timeout: 15000 });
  check('the Korean header clock reads the day and weekday in Korean', /일차 .요일 /.test(await text(kor, '#clock-mini')),
        await text(kor, '#clock-mini'));
  check('the Korean item line names sender and channel in Korean', /· 발신 control · 메시지$/.test(await text(kor, card + ' .meta')),
        await text(kor, card + ' .meta'));
  check('the English player reads the English title', (await text(usa, card + ' .item-title')) === 'STARTEX');
  await kor.page.locator(card + ' .item-title', { hasText: '연습 시작(STARTEX)' }).waitFor({ timeout: 15000 })
    .catch(() => {});
  check('the Korean player reads the Korean title', (await text(kor, card + ' .item-title')) === '연습 시작(STARTEX)',
        await text(kor, card + ' .item-title'));
  check('the Korean player reads the Korean body',
        (await text(kor, card + ' .body')) === '연습이 시작된다. 시나리오 1일차, 서울 시각 09:00.', await text(kor, card + ' .body'));
  check('the English player reads the English body',
        (await text(usa, card + ' .body')) === 'The exercise starts. Scenario day 1, 09:00 Seoul.');
  const ids = async (who) => who.page.locator('#inbox [data-item-id]').evaluateAll((n) => n.map((x) => x.getAttribute('data-item-id')).sort());
  check('both hold the same items', JSON.stringify(await ids(usa)) === JSON.stringify(await ids(kor)), [await ids(usa), await ids(kor)]);
  const banners = async (who) => who.page.locator(card + ' .banner').allTextContents();
  const ub = await banners(usa), kb = await banners(kor);
  check('the same canonical label banner for both', ub.length > 0 && JSON.stringify(ub) === JSON.stringify(kb), [ub, kb]);
  await kor.page.locator(card + ' .banner[data-display]').first().waitFor({ timeout: 10000 }).catch(() => {});
  check('the Korean banner shows the classification in Korean beside the marking',
        (await kor.page.locator(card + ' .banner').first().getAttribute('data-display')) === '비밀 아님');
  check('the English banner shows the marking alone',
        (await usa.page.locator(card + ' .banner').first().getAttribute('data-display')) === null);
  if (IMG) {
    fs.mkdirSync(IMG, { recursive: true });
    await kor.page.screenshot({ path: path.join(IMG, 'player-inbox-ko.png') });
  }
  /* what a player writes is shown as written, even a word the page's catalogue translates */
  const mr = await usa.ctx.request.post('/api/input', { headers: { 'X-CSRF-Token': usa.csrf },
    data: { do: 'message', to: ['kor-chair'], text: 'Cancel', label: 'UNCLASSIFIED//REL TO KOR, USA' } });
  check('the English player writes "Cancel"', mr.status() === 200, mr.status());
  const msg = '#inbox [data-kind="message"] .body';
  await kor.page.locator(msg).first().waitFor({ timeout: 15000 });
  await kor.page.waitForTimeout(1000);
  check('the Korean player reads the message as written', (await text(kor, msg)) === 'Cancel', await text(kor, msg));
  check('no uncaught error in either page', problems.length === 0, problems);
} catch (e) {
  check('the bilingual exercise (' + String(e.message || e).split('\n')[0] + ')', false);
}
await browser.close();
finish();
