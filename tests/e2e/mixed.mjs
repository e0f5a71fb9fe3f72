// End-to-end test of a mixed table in a real browser (docs/ui.md, "Hybrid seats"; docs/cli.md,
// "Hybrid seats"), on the policy TTX sample (scenarios/ncg-policy-ttx.yaml): three people of two
// parties (usa-chair, kor-chair, usa-pa) play in their pages, joined with their codes and acting
// only through the buttons and forms their page offers; `caucus serve --auto` gave every other seat
// to its agent. Control drives the clock from its console (Start, Pause, Jump to) in steps,
// and after each step every person does what "Waiting for you" asks of it: acknowledge, convene,
// post a position, vote, confirm a statement. Asserts that every decision ends decided (control's
// state and the final report), that the log attributes each person's act to the person (an
// `input` of the seat precedes it) and each agent's to its agent (no input), that the report's seat
// table says who played each seat, and that no page was ever answered 4xx on /api/input.
// Usage: CAUCUS_URL=... CAUCUS_CODES='{"control":"...","usa-chair":"...",...}' node tests/e2e/mixed.mjs
import { suite, launch, openPage, joinForm, state, waitState as harnessWait, statusAfter as harnessStatus, CODES } from './harness.mjs';

const PEOPLE = ['usa-chair', 'kor-chair', 'usa-pa'];
const DECISIONS = ['D-1', 'D-2', 'D-3'];
/* the option each person votes for when its vote is asked (the co-chairs' agents' choices) */
const CHOICE = { 'D-1': 'raise', 'D-2': 'joint', 'D-3': 'adopt' };
const STEP = 15 * 60000; /* control's jump: shorter than every stage deadline the people face */
const ACTS = ['consult.ack', 'consult.position', 'decision.vote', 'decision.propose', 'consult.object', 'consult.escalate', 'consult.remind'];
const { check, finish, problems } = suite('mixed-table', { seconds: 600, seats: ['control', ...PEOPLE], width: 600 });
const browser = await launch();
const refused = []; /* every 4xx answer to a page's /api/input: a button the server refused */
async function newPage(name) {
  const who = await openPage(browser, name, problems);
  who.page.on('response', async (r) => {
    if (r.url().endsWith('/api/input') && r.status() >= 400) refused.push({ who: name, status: r.status(), body: await r.text().catch(() => ''), sent: r.request().postData() });
  });
  return who;
}
const join = joinForm;
/* the people wait for agents and the clock: longer than the harness's defaults */
const waitState = (who, what, fn, ms = 30000) => harnessWait(who, what, fn, ms);
/* the status line after an input sent by the page: "WHAT … done" or "WHAT … refused: …" */
const statusAfter = (who, startsWith) => harnessStatus(who, startsWith, 30000);
/* a fresh status line for the next input, so statusAfter never reads the previous one */
async function clearStatus(who) {
  await who.page.evaluate(() => { document.getElementById('status').textContent = ''; });
}
function fmt(t) { /* scenario time as the console's "+HH:MM" */
  const m = Math.floor(t / 60000);
  return '+' + String(Math.floor(m / 60)).padStart(2, '0') + ':' + String(m % 60).padStart(2, '0');
}
async function console_(label, button, value) {
  await clearStatus(ctl);
  if (value !== undefined) await ctl.page.getByLabel(label).fill(value);
  await ctl.page.getByRole('button', { name: button, exact: true }).click();
  return statusAfter(ctl, button === 'Jump' ? 'Jump' : button);
}

/* one waiting act of a person, through its page only */
const done = []; /* "seat do id" of every act a person took */
async function act(who, w) {
  const p = who.page;
  await clearStatus(who);
  if (w.kind === 'consultation' && w.do === 'position') {
    const card = p.locator('#consultations [data-consultation="' + w.id + '"]');
    await card.locator('.position-form').waitFor({ state: 'visible', timeout: 30000 });
    await p.getByLabel('Your position on ' + w.id).fill(who.name + ' (person): a measured, jointly agreed response.');
    await card.getByRole('button', { name: 'Post position' }).click();
    return statusAfter(who, 'Position in ' + w.id);
  }
  if (w.kind === 'consultation') {
    const b = p.locator('#consultations [data-consultation="' + w.id + '"] .actions button.act');
    await b.waitFor({ state: 'visible', timeout: 30000 });
    await b.click();
    return statusAfter(who, 'Act in ' + w.id);
  }
  if (w.kind === 'decision' && w.do === 'vote') {
    const b = p.getByRole('button', { name: 'Vote for option ' + CHOICE[w.id] + ' on ' + w.id });
    await b.waitFor({ state: 'visible', timeout: 30000 });
    await b.click();
    return statusAfter(who, 'Vote on ' + w.id);
  }
  return 'not a stage act or a vote: ' + JSON.stringify(w);
}

const ctl = await newPage('control');
const people = [];
let cst = null;
try {
  check('control joins', (await join(ctl, CODES.control)) === 200);
  for (const s of PEOPLE) {
    const who = await newPage(s);
    check(s + ' joins', (await join(who, CODES[s])) === 200);
    people.push(who);
  }
  /* serve --auto gave every other seat to its agent; the people's seats stay theirs */
  cst = await state(ctl);
  const byAgent = cst.seats.filter((s) => s.played_by === 'agent').map((s) => s.id).sort();
  check('every seat but the people\'s is played by its agent', JSON.stringify(byAgent) ===
    JSON.stringify(cst.seats.map((s) => s.id).filter((s) => PEOPLE.indexOf(s) < 0).sort()), byAgent);
  check('the people\'s seats are played by persons', PEOPLE.every((s) => cst.seats.find((x) => x.id === s).played_by === 'person'));
  await ctl.page.locator('#roster li[data-seat="usa-nsc"][data-played-by="agent"]').waitFor({ timeout: 30000 });
  check('the console roster says the agent plays usa-nsc', true);

  check('control starts the clock', (await console_(null, 'Start')).endsWith('done'));
  check('control pauses it', (await console_(null, 'Pause')).endsWith('done'));
  cst = await waitState(ctl, 'the paused clock', (s) => s.clock && !s.clock.running);
  const end = cst.clock.end_t;
  let jumps = 0;
  let bad = 0;
  /* steps: each person does what waits for it (states read, acts clicked), then control jumps */
  while (cst.clock.t < end) {
    let acted = false;
    for (const who of people) {
      const st = await state(who);
      for (const w of st.waiting || []) {
        const aff = (st.affordances || []).some((a) => a.do === w.do && (a.consultation === w.id || a.decision === w.id));
        if (!aff) { bad++; check(who.name + ': what waits is an affordance', false, w); continue; }
        const s = await act(who, w);
        if (!s.endsWith('done')) { bad++; check(who.name + ' ' + w.do + ' ' + w.id + ' done', false, s); continue; }
        done.push(who.name + ' ' + w.do + ' ' + w.id);
        acted = true;
      }
    }
    if (bad > 5) throw new Error('too many failed acts');
    if (acted) continue; /* the acts may open the next stage at once: look again before jumping */
    cst = await state(ctl);
    const open = cst.consultations.some((c) => c.state === 'in progress') || cst.decisions.some((d) => d.state === 'open');
    const to = Math.min(end, Math.floor((cst.clock.t + (open ? STEP : 4 * STEP)) / 60000) * 60000);
    const s = await console_('Jump to', 'Jump', fmt(to));
    if (!s.endsWith('done')) throw new Error('jump to ' + fmt(to) + ': ' + s);
    jumps++;
    cst = await waitState(ctl, 'the clock at ' + fmt(to), (x) => x.clock && x.clock.t >= to);
  }
  console.log('people acted ' + done.length + ' times over ' + jumps + ' jumps: ' + done.join('; '));
  for (const s of PEOPLE) check(s + ' acted in the browser', done.some((d) => d.startsWith(s + ' ')), done);
  for (const d of ['D-1', 'D-2']) {
    for (const s of ['usa-chair', 'kor-chair']) check(s + ' voted on ' + d + ' in its page', done.indexOf(s + ' vote ' + d) >= 0, done);
  }
  for (const c of ['C-1', 'C-2']) check('usa-pa confirmed the statement of ' + c, done.indexOf('usa-pa acknowledge ' + c) >= 0, done);

  /* the run ends at the scenario's end time (docs/http-api.md, the end of the exercise); had it
   * not, control would end it from its console */
  cst = await state(ctl);
  if (!cst.clock.ended) {
    await clearStatus(ctl);
    await ctl.page.locator('#btn-end').click();
    await ctl.page.locator('#btn-end-yes').click();
    check('control ends the exercise', (await statusAfter(ctl, 'End exercise')).endsWith('done'));
  }
  cst = await waitState(ctl, 'the end', (x) => x.clock && x.clock.ended);
  await ctl.page.locator('#ended-note').waitFor({ state: 'visible', timeout: 30000 });
  check('the console says the exercise has ended', await ctl.page.locator('#btn-end').isHidden());
  for (const id of DECISIONS) {
    const d = cst.decisions.find((x) => x.id === id);
    check(id + ' ends decided in control\'s state', d && d.state === 'decided' && d.outcome === CHOICE[id], d && { state: d.state, outcome: d.outcome });
  }
  for (const id of ['C-1', 'C-2']) {
    const c = cst.consultations.find((x) => x.id === id);
    check(id + ' is done', c && c.state === 'done', c && c.state);
  }

  /* the log says who really acted: an act of a person's seat follows that seat's input, an
   * agent's act has none (docs/cli.md, "Hybrid seats") */
  const lr = await ctl.ctx.request.get('/api/log');
  const log = (await lr.text()).split('\n').filter((l) => l).map((l) => JSON.parse(l));
  const evs = log.map((e) => ({ type: e.type || e.event || e.kind, actor: e.actor, p: e.payload || {} }));
  let personActs = 0;
  let agentActs = 0;
  const misattributed = [];
  for (let i = 0; i < evs.length; i++) {
    const e = evs[i];
    if (ACTS.indexOf(e.type) < 0 || !e.actor) continue;
    /* the input that caused it: the nearest earlier input of the same seat, with only the
     * consequences of that input (its acts, stage changes without an actor) between them */
    let j = i - 1;
    while (j >= 0 && evs[j].type !== 'input' && (evs[j].actor === e.actor || !evs[j].actor)) j--;
    const viaInput = j >= 0 && evs[j].type === 'input' && evs[j].actor === e.actor && evs[j].p.by !== 'control';
    if (PEOPLE.indexOf(e.actor) >= 0) {
      personActs++;
      if (!viaInput) misattributed.push(['person act without its input', e.type, e.actor, i]);
    } else {
      agentActs++;
      if (viaInput) misattributed.push(['agent act after an input', e.type, e.actor, i]);
    }
  }
  console.log('log: ' + evs.length + ' events, ' + personActs + ' acts by people, ' + agentActs + ' by agents');
  check('the log holds acts of both', personActs >= done.length && agentActs > 0, { personActs, agentActs, done: done.length });
  check('every act is attributed to who took it', misattributed.length === 0, misattributed.slice(0, 5));
  const inputs = evs.filter((e) => e.type === 'input' && PEOPLE.indexOf(e.actor) < 0 && e.actor && e.actor !== 'control');
  check('no input for an agent\'s seat', inputs.length === 0, inputs.slice(0, 3));
  /* serve --auto hands each seat to its agent by control's play input at scenario time 0 */
  const plays = log.filter((e) => (e.type || e.event) === 'seat.play');
  check('serve --auto handed the agents\' seats over at +0s', JSON.stringify(plays.filter((e) => e.t === 0 && e.payload.by === 'agent').map((e) => e.payload.seat).sort()) ===
    JSON.stringify(byAgent) && plays.length === byAgent.length, plays.map((e) => [e.t, e.payload]));

  /* the final report: every decision decided, the seat table says who played each seat */
  const rp = await ctl.ctx.newPage();
  await rp.goto('/api/report');
  const title = await rp.title();
  check('the report is final', !/Interim/.test(title), title);
  const text = await rp.locator('body').innerText();
  for (const id of DECISIONS) {
    check('the report says ' + id + ' was decided ' + CHOICE[id], new RegExp(id + '[^\\n]*decided[^\\n]*' + CHOICE[id]).test(text) ||
      new RegExp(id + '[^\\n]*' + CHOICE[id]).test(text), text.split('\n').filter((l) => l.includes(id)).slice(0, 4));
    check('the report has no expired ' + id, !new RegExp(id + '[^\\n]*expired').test(text), text.split('\n').filter((l) => l.includes(id) && /expired/.test(l)));
  }
  const row = async (seat) => (await rp.locator('tr', { has: rp.locator('td', { hasText: new RegExp('^' + seat + '$') }) }).first().innerText().catch(() => '')).replace(/\s+/g, ' ');
  for (const s of PEOPLE) {
    const r = await row(s);
    check('the seat table says a person played ' + s, /person/.test(r) && !/agent/.test(r), r);
  }
  for (const s of byAgent) {
    const r = await row(s);
    check('the seat table says its agent played ' + s, /agent/.test(r) && !/person/.test(r), r);
  }
  await rp.close();
} catch (e) {
  check('mixed table (' + String(e.message || e).split('\n')[0] + ')', false);
}
check('no page showed a button the server refused (no 4xx on /api/input)', refused.length === 0, refused.slice(0, 5));
check('no console errors, CSP violations or uncaught exceptions', problems.length === 0, problems.slice(0, 5));
await browser.close();
finish();
