/* caucus control forms (docs/ui.md, "Control console"): the label composer that offers every label
 * the scenario's policy allows (its classifications, caveats and REL TO parties and groups, from the
 * control state's pickers.label_parts), the exercise-time picker of the edit form, and where an
 * engine's refusal belongs in a form. Loaded before app.js, which uses window.caucusForms. */
'use strict';

(function () {
  function make(tag, attrs, text) {
    const n = document.createElement(tag);
    for (const k of Object.keys(attrs || {})) n.setAttribute(k, attrs[k]);
    if (text !== undefined) n.textContent = text;
    return n;
  }

  /* "SECRET//NCG//REL TO KOR, USA" -> {cls, caveats, mode: 'rel' | 'noforn' | 'none', release} */
  function parseBanner(banner) {
    const parts = String(banner || '').split('//');
    const out = { cls: parts[0] || '', caveats: [], mode: 'none', release: [] };
    for (const p of parts.slice(1)) {
      if (p === 'NOFORN') out.mode = 'noforn';
      else if (p.indexOf('REL TO ') === 0) {
        out.mode = 'rel';
        out.release = p.slice(7).split(', ').filter((x) => x);
      } else out.caveats = out.caveats.concat(p.split('/').filter((x) => x));
    }
    return out;
  }

  /* the banner of a composed label (docs/scenario-format.md, banner grammar) */
  function bannerOf(v) {
    let b = v.cls;
    if (v.caveats.length) b += '//' + v.caveats.join('/');
    if (v.mode === 'noforn') b += '//NOFORN';
    else if (v.mode === 'rel' && v.release.length) b += '//REL TO ' + v.release.slice().sort().join(', '); /* as the server writes it */
    return b;
  }

  /* A label composer in root (an element whose id prefixes its controls): a classification, the
   * caveats, and the release (REL TO some of the policy's groups and parties, NOFORN, or the
   * originator only). Returns {value(), set(banner), refresh(parts)}. */
  function composer(root, onchange) {
    const id = root.id;
    let parts = { classes: [], caveats: [], release: [] };
    let built = '';
    const changed = () => {
      const out = root.querySelector('output');
      if (out) out.textContent = value();
      if (onchange) onchange(value());
    };
    function build() {
      const key = JSON.stringify(parts);
      if (key === built) return;
      built = key;
      root.textContent = '';
      const cl = make('label', { for: id + '-class' }, 'Classification');
      const sel = make('select', { id: id + '-class' });
      for (const c of parts.classes) sel.append(make('option', { value: c }, c));
      sel.addEventListener('change', changed);
      root.append(cl, sel);
      if (parts.caveats.length) {
        const fs = make('fieldset', { class: 'checks', id: id + '-caveats' });
        fs.append(make('legend', {}, 'Caveats'));
        for (const c of parts.caveats) {
          const lab = make('label');
          const cb = make('input', { type: 'checkbox', value: c, 'data-caveat': c });
          cb.addEventListener('change', changed);
          lab.append(cb, ' ' + c);
          fs.append(lab);
        }
        root.append(fs);
      }
      const rs = make('fieldset', { class: 'checks', id: id + '-release' });
      rs.append(make('legend', {}, 'Release'));
      const modes = [['rel', 'REL TO the parties and groups ticked'], ['noforn', 'NOFORN (the originator only)'], ['none', 'No release marking (the originator only)']];
      for (const [m, text] of modes) {
        const lab = make('label');
        const r = make('input', { type: 'radio', name: id + '-mode', value: m });
        r.addEventListener('change', changed);
        lab.append(r, ' ' + text);
        rs.append(lab);
      }
      const list = make('div', { class: 'rel-list' });
      for (const p of parts.release) {
        const lab = make('label');
        const cb = make('input', { type: 'checkbox', value: p, 'data-rel': p });
        cb.addEventListener('change', () => {
          const r = root.querySelector('input[value="rel"]');
          if (cb.checked && r) r.checked = true;
          changed();
        });
        lab.append(cb, ' ' + p);
        list.append(lab);
      }
      rs.append(list);
      root.append(rs, make('p', { class: 'label-preview' }, 'Label: '));
      root.lastChild.append(make('output', { for: id + '-class', 'aria-live': 'polite' }));
    }
    function value() {
      const cls = root.querySelector('select');
      const mode = root.querySelector('input[type="radio"]:checked');
      return bannerOf({
        cls: cls ? cls.value : '',
        caveats: [...root.querySelectorAll('input[data-caveat]:checked')].map((x) => x.value),
        mode: mode ? mode.value : 'none',
        release: [...root.querySelectorAll('input[data-rel]:checked')].map((x) => x.value),
      });
    }
    function set(banner) {
      build();
      const v = parseBanner(banner);
      const sel = root.querySelector('select');
      if (sel) sel.value = parts.classes.indexOf(v.cls) >= 0 ? v.cls : parts.classes[0] || '';
      for (const cb of root.querySelectorAll('input[data-caveat]')) cb.checked = v.caveats.indexOf(cb.value) >= 0;
      for (const cb of root.querySelectorAll('input[data-rel]')) cb.checked = v.release.indexOf(cb.value) >= 0;
      for (const r of root.querySelectorAll('input[type="radio"]')) r.checked = r.value === v.mode;
      changed();
    }
    function refresh(p) {
      if (!p) return;
      const before = built ? value() : null;
      parts = { classes: p.classes || [], caveats: p.caveats || [], release: p.release || [] };
      const was = built;
      build();
      if (built !== was && before !== null) set(before);
    }
    return { value, set, refresh };
  }

  /* The exercise's start as shown on its own clock: the offset of state.clock.start ("+09:00",
   * "Z"), in ms. Times are picked in that offset. */
  function offsetMs(clock) {
    const m = /([+-])(\d\d):(\d\d)$/.exec((clock && clock.start) || '');
    return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60000 : 0;
  }

  /* scenario time (ms) -> a datetime-local value ("2026-07-01T10:00") on the exercise's clock */
  function localOf(ms, clock) {
    const d = new Date(clock.start_unix * 1000 + offsetMs(clock) + ms);
    return d.toISOString().slice(0, 16);
  }

  /* a datetime-local value -> scenario time as the engine reads it ("+1:05"), or null */
  function scenarioOf(value, clock) {
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(value || '')) return null;
    const ms = Date.parse(value + ':00Z') - offsetMs(clock) - clock.start_unix * 1000;
    if (!(ms >= 0)) return null;
    const min = Math.round(ms / 60000);
    return '+' + Math.floor(min / 60) + ':' + String(min % 60).padStart(2, '0');
  }

  /* Sets a time input's bounds to the exercise's: from now (or its start) to its end. */
  function bound(input, clock) {
    input.min = localOf(Math.max(0, clock.t || 0), clock);
    input.max = localOf(clock.end_t, clock);
  }

  /* Which field of a form an engine's refusal is about: 'label', 'to', 'at', 'reason', 'title', or
   * '' (the form as a whole). */
  function fieldOf(reason) {
    const r = String(reason || '');
    if (/"reason"|a downgrade needs/.test(r)) return 'reason';
    if (/label/i.test(r)) return 'label';
    if (/"to"|recipient|addressed to|names nothing/.test(r)) return 'to';
    if (/time|"at"|after the end/.test(r)) return 'at';
    if (/title/.test(r)) return 'title';
    return '';
  }

  window.caucusForms = { composer, parseBanner, bannerOf, localOf, scenarioOf, bound, fieldOf };
})();
