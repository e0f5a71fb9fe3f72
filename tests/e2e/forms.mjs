// End-to-end test of control's inject forms in a real browser (docs/ui.md, "Control console";
// docs/cli.md, "Control edits an inject"), on tests/scenarios/valid/river-basin.yaml at 1366x768:
// control releases I-1, then from the Edit form narrows its label (a desk no longer cleared loses
// it from its inbox), widens it again (refused without a reason, the reason shown beside the
// Reason field; applied with one), changes its recipients; moves I-2 with the time picker, and an
// impossible time is refused beside the time field; the label composer offers every part of a label
// the policy allows, and both forms are cleared after a save.
// Usage: CAUCUS_URL=... CAUCUS_CODES='{"control":"...","xmd-hydro":"...",...}' node tests/e2e/forms.mjs
import { suite, launch, openPage, joinForm as join, state, statusAfter, CODES } from './harness.mjs';

const { check, finish, problems } = suite('forms', { seconds: 120, seats: ['control', 'xmd-hydro'] });
const browser = await launch();
/* 400 and 403 answers are the refusals the test provokes */
const seat = (name) => openPage(browser, name, problems, { ignore: (t) => / 40[03] /.test(t) });
const visible = (who, sel) => who.page.locator(sel).isVisible();

const ctl = await seat('control');
const desk = await seat('xmd-hydro');
try {
  check('control joins', (await join(ctl, CODES.control)) === 200);
  check('xmd-hydro joins', (await join(desk, CODES['xmd-hydro'])) === 200);
  const row = (id) => ctl.page.locator('#msel tr[data-inject="' + id + '"]');
  await row('I-1').getByRole('button', { name: 'Release I-1' }).click();
  check('control releases I-1', (await statusAfter(ctl, 'Release I-1')).endsWith('done'));
  await desk.page.locator('#inbox [data-item-id="I-1"]').waitFor({ timeout: 5000 });
  check('the desk receives I-1', true);
  /* the item's acts shown are exactly those the engine accepts (state.item_acts), and each works */
  const acts = (await state(desk)).item_acts['I-1'];
  const shown = await desk.page.locator('#inbox [data-item-id="I-1"] [data-act]:visible').evaluateAll((x) => x.map((n) => n.getAttribute('data-act')));
  check('the card shows exactly the acts offered on I-1', JSON.stringify(shown.slice().sort()) === JSON.stringify(acts.slice().sort()), [shown, acts]);
  await desk.page.locator('#inbox [data-item-id="I-1"]').getByRole('button', { name: 'Acknowledge' }).click();
  check('offered Acknowledge is accepted', (await statusAfter(desk, 'Acknowledge I-1')).endsWith('done'));
  await desk.page.locator('#inbox [data-item-id="I-1"]').getByRole('button', { name: 'Escalate' }).click();
  check('offered Escalate is accepted', (await statusAfter(desk, 'Escalate I-1')).endsWith('done'));

  /* the label composer offers every part of a label the policy allows */
  await row('I-1').getByRole('button', { name: 'Edit I-1' }).click();
  const parts = (await state(ctl)).pickers.label_parts;
  const classes = await ctl.page.locator('#edit-label-parts-class option').allTextContents();
  const rel = await ctl.page.locator('#edit-label-parts input[data-rel]').evaluateAll((x) => x.map((c) => c.value));
  check('the composer offers every classification', JSON.stringify(classes) === JSON.stringify(parts.classes), [classes, parts]);
  check('and every group and party for REL TO', JSON.stringify(rel) === JSON.stringify(parts.release), rel);
  check('a released inject: the text fields are hidden, the form says why', !(await visible(ctl, '#edit-title')) && (await visible(ctl, '#edit-released')));
  check('the composer starts from the current label', (await ctl.page.locator('#edit-label-parts output').textContent()) === 'PUBLIC//REL TO EXCON, XLW, XMD, XUP');
  const to = await ctl.page.locator('#edit-to').evaluate((s) => [...s.selectedOptions].map((o) => o.value));
  check('the recipients start from the current ones', JSON.stringify(to) === '["all"]', to);

  /* an upgrade: RESTRICTED, REL TO XUP and EXCON only */
  await ctl.page.locator('#edit-label-parts-class').selectOption('RESTRICTED');
  for (const p of ['XMD', 'XLW']) await ctl.page.locator('#edit-label-parts input[data-rel="' + p + '"]').uncheck();
  check('the banner follows the parts', (await ctl.page.locator('#edit-label-parts output').textContent()) === 'RESTRICTED//REL TO EXCON, XUP');
  await ctl.page.getByRole('button', { name: 'Save edit' }).click();
  check('the upgrade is saved', (await statusAfter(ctl, 'Edit I-1')).endsWith('done'));
  await ctl.page.locator('#edit-form').waitFor({ state: 'hidden', timeout: 5000 });
  check('the form closes after a save', true);
  await desk.page.locator('#inbox [data-item-id="I-1"]').waitFor({ state: 'detached', timeout: 5000 });
  check('the desk no longer cleared loses I-1 from its inbox', true);
  await ctl.page.locator('#msel tr[data-inject="I-1"] .banner', { hasText: 'RESTRICTED' }).waitFor({ timeout: 5000 });
  check('the MSEL shows the new label', true);

  /* a downgrade without a reason: refused, the reason beside the Reason field */
  await row('I-1').getByRole('button', { name: 'Edit I-1' }).click();
  check('the reason field is empty again', (await ctl.page.locator('#edit-reason').inputValue()) === '');
  await ctl.page.locator('#edit-label-parts input[data-rel="XMD"]').check();
  await ctl.page.getByRole('button', { name: 'Save edit' }).click();
  check('refused without a reason', (await statusAfter(ctl, 'Edit I-1')).includes('refused'));
  await ctl.page.locator('#edit-reason-error').waitFor({ state: 'visible', timeout: 5000 });
  check('the error is beside the Reason field', /reason/.test(await ctl.page.locator('#edit-reason-error').textContent()) &&
    !(await visible(ctl, '#edit-error')) && !(await visible(ctl, '#edit-label-error')));
  check('the form stays open with the parts chosen', (await ctl.page.locator('#edit-label-parts output').textContent()) === 'RESTRICTED//REL TO EXCON, XMD, XUP');
  await ctl.page.locator('#edit-reason').fill('cleared for the Midvale delegation');
  await ctl.page.getByRole('button', { name: 'Save edit' }).click();
  check('with a reason it is applied', (await statusAfter(ctl, 'Edit I-1')).endsWith('done'));
  await desk.page.locator('#inbox [data-item-id="I-1"]').waitFor({ timeout: 5000 });
  check('the desk receives I-1 again', true);

  /* recipients: the commissioners only */
  await row('I-1').getByRole('button', { name: 'Edit I-1' }).click();
  await ctl.page.locator('#edit-to').selectOption(['cell:commissioners']);
  await ctl.page.getByRole('button', { name: 'Save edit' }).click();
  check('new recipients are saved', (await statusAfter(ctl, 'Edit I-1')).endsWith('done'));
  await desk.page.locator('#inbox [data-item-id="I-1"]').waitFor({ state: 'detached', timeout: 5000 });
  check('the desk, no longer named, loses I-1', true);
  await ctl.page.locator('#msel tr[data-inject="I-1"] .to', { hasText: 'cell:commissioners' }).waitFor({ timeout: 5000 });
  check('the MSEL shows the new recipients', true);

  /* the time picker: I-2 moved to 10:30 on the exercise's clock (+1:30, it starts at 09:00 UTC) */
  await row('I-2').getByRole('button', { name: 'Edit I-2' }).click();
  check('the time is a date-and-time picker', (await ctl.page.locator('#edit-at').getAttribute('type')) === 'datetime-local');
  check('it starts at the inject\'s time', (await ctl.page.locator('#edit-at').inputValue()) === '2026-07-01T17:00', await ctl.page.locator('#edit-at').inputValue());
  await ctl.page.locator('#edit-at').fill('2026-07-03T10:30');
  await ctl.page.getByRole('button', { name: 'Save edit' }).click();
  check('a time after the end is refused', (await statusAfter(ctl, 'Edit I-2')).includes('refused'));
  await ctl.page.locator('#edit-at-error').waitFor({ state: 'visible', timeout: 5000 });
  check('the error is beside the time field', /after the end/.test(await ctl.page.locator('#edit-at-error').textContent()));
  await ctl.page.locator('#edit-at').fill('2026-07-01T10:30');
  await ctl.page.getByRole('button', { name: 'Save edit' }).click();
  check('the new time is saved', (await statusAfter(ctl, 'Edit I-2')).endsWith('done'));
  const i2 = (await state(ctl)).injects.find((i) => i.id === 'I-2');
  check('I-2 is now at +1:30', i2.at_t === 90 * 60000, i2);
  check('the time error is cleared', !(await visible(ctl, '#edit-at-error')));

  /* the add form composes its label too, and is reset after an add */
  await ctl.page.locator('#add-details summary').click();
  check('the add form starts from a preset label', (await ctl.page.locator('#add-label-parts output').textContent()) === 'PUBLIC//REL TO EXCON, XLW, XMD, XUP');
  await ctl.page.locator('#add-id').fill('N-1');
  await ctl.page.locator('#add-title').fill('Commission press line');
  await ctl.page.locator('#add-label-parts-class').selectOption('RESTRICTED');
  await ctl.page.locator('#add-to').selectOption(['cell:technical']);
  await ctl.page.getByRole('button', { name: 'Add inject' }).click();
  check('an inject with a composed label is added', (await statusAfter(ctl, 'Add N-1')).endsWith('done'));
  const n1 = (await state(ctl)).injects.find((i) => i.id === 'N-1') || {};
  check('under the composed label', n1.label === 'RESTRICTED//REL TO EXCON, XLW, XMD, XUP', n1);
  check('the add form is reset', (await ctl.page.locator('#add-id').inputValue()) === '' &&
    (await ctl.page.locator('#add-label-parts output').textContent()) === 'PUBLIC//REL TO EXCON, XLW, XMD, XUP');
  await desk.page.locator('#inbox [data-item-id="N-1"]').waitFor({ timeout: 5000 });
  check('it reaches the desks', true);
  check('no page errors', problems.length === 0, problems);
} catch (e) {
  check('the forms test ran to its end', false, String(e && e.stack ? e.stack : e));
}
await browser.close();
finish();
