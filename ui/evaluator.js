/* evaluator.js — the evaluator's page (docs/ui.md, "Evaluator view"): its guides with the tasks
 * whose moment has come marked `now`, the record of play it may see (its own event stream, filtered
 * by the server) with Cite on each row, the observation form kept as a draft in this tab's
 * sessionStorage (every field and the cited evidence), and its observations per objective. */
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const FIELDS = ['objective', 'target', 'task', 'kind', 'rating', 'observed', 'text', 'root_cause', 'recommendation', 'label'];
  const ev = { csrf: null, state: null, seat: '', evidence: [], record: new Map(), source: null, lastSeq: -1, timer: 0, restored: false };

  function el(tag, attrs, ...kids) {
    const n = document.createElement(tag);
    for (const k in attrs || {}) {
      if (k === 'text') n.textContent = attrs[k];
      else if (k === 'class') n.className = attrs[k];
      else if (k.startsWith('on')) n.addEventListener(k.slice(2), attrs[k]);
      else if (attrs[k] !== undefined && attrs[k] !== null && attrs[k] !== false) n.setAttribute(k, attrs[k] === true ? '' : attrs[k]);
    }
    for (const c of kids) if (c !== null && c !== undefined) n.append(c);
    return n;
  }
  /* the status line and the API calls (ui/page.js) */
  const { status, errText } = window.caucusPage;
  const api = (method, path, body) => window.caucusPage.api(method, path, body, ev.csrf);
  function hms(ms) {
    if (typeof ms !== 'number') return '';
    const s = Math.floor(ms / 1000);
    return '+' + Math.floor(s / 3600) + ':' + String(Math.floor(s / 60) % 60).padStart(2, '0') + ':' + String(s % 60).padStart(2, '0');
  }

  /* ---- the draft: every field and the evidence, in this tab's sessionStorage ---- */
  const draftKey = () => 'caucus-evaluator-draft-' + ev.seat;
  function saveDraft() {
    const f = $('ev-form');
    const d = { evidence: ev.evidence };
    for (const k of FIELDS) d[k] = f[k].value;
    try { sessionStorage.setItem(draftKey(), JSON.stringify(d)); } catch (e) { /* kept in the page only */ }
  }
  function restoreDraft() {
    let d = null;
    try { d = JSON.parse(sessionStorage.getItem(draftKey()) || 'null'); } catch (e) { d = null; }
    const f = $('ev-form');
    pickers();
    if (!d) return;
    for (const k of FIELDS) {
      if (d[k] === undefined) continue;
      f[k].value = d[k];
      if (k === 'objective' || k === 'target') pickers();
    }
    ev.evidence = Array.isArray(d.evidence) ? d.evidence.filter((x) => Number.isInteger(x)) : [];
  }
  function clearDraft() {
    try { sessionStorage.removeItem(draftKey()); } catch (e) { /* nothing kept */ }
    const f = $('ev-form');
    for (const k of ['observed', 'text', 'root_cause', 'recommendation']) f[k].value = '';
    f.rating.value = '';
    ev.evidence = [];
    renderEvidence();
  }

  /* ---- pickers from the guides ---- */
  function fill(sel, values, keepEmpty) {
    const want = (keepEmpty ? [''] : []).concat(values.map((v) => v[0]));
    if (Array.from(sel.options).map((o) => o.value).join('\n') === want.join('\n')) return;
    const keep = sel.value;
    sel.textContent = '';
    if (keepEmpty) sel.append(el('option', { value: '', text: '(none)' }));
    for (const [v, t] of values) sel.append(el('option', { value: v, text: t }));
    if (want.indexOf(keep) >= 0) sel.value = keep;
  }
  function pickers() {
    const st = ev.state;
    if (!st) return;
    const f = $('ev-form');
    const guides = st.guides || [];
    const objs = (st.objectives || []).filter((o) => guides.some((g) => g.objective === o.id));
    fill(f.objective, objs.map((o) => [o.id, o.id + ': ' + (o.title || '')]), false);
    const g = guides.find((x) => x.objective === f.objective.value);
    const targets = g ? g.targets : [];
    fill(f.target, targets.map((t) => [t.id, t.id + ': ' + (t.text || '')]), true);
    const t = targets.find((x) => x.id === f.target.value);
    fill(f.task, (t ? t.tasks : []).map((k) => [k.id, k.id + ': ' + (k.text || '')]), true);
    fill(f.label, ((st.you && st.you.labels) || []).map((l) => [l, l]), false);
    $('ev-aoi').hidden = f.kind.value !== 'improvement';
  }

  /* ---- evidence ---- */
  function cite(seq) {
    if (ev.evidence.indexOf(seq) < 0) ev.evidence.push(seq);
    ev.evidence.sort((a, b) => a - b);
    saveDraft();
    renderEvidence();
    status('Event #' + seq + ' cited.', 'good');
  }
  function renderEvidence() {
    const ul = $('ev-evidence');
    ul.textContent = '';
    for (const seq of ev.evidence) {
      const r = ev.record.get(seq);
      ul.append(el('li', { 'data-seq': String(seq) }, el('span', { text: '#' + seq + (r ? ' ' + r.what : '') }),
        el('button', { type: 'button', class: 'quiet', 'aria-label': 'Remove #' + seq, text: '×',
          onclick: () => { ev.evidence = ev.evidence.filter((x) => x !== seq); saveDraft(); renderEvidence(); } })));
    }
    if (!ev.evidence.length) ul.append(el('li', { class: 'ev-none', text: 'none yet' }));
    for (const li of $('ev-play').children) li.classList.toggle('cited', ev.evidence.indexOf(Number(li.dataset.seq)) >= 0);
  }

  /* ---- the record of play: the evaluator's own event stream ---- */
  function describe(e) {
    const p = e.payload || {};
    const bits = [e.type];
    const name = p.title || p.topic || p.question || p.text;
    const ref = p.inject || p.item || p.consultation || p.decision || p.message || p.observation;
    if (ref) bits.push(ref);
    if (p.stage) bits.push('stage ' + p.stage);
    if (p.seat) bits.push('to ' + p.seat);
    if (name) bits.push('"' + String(name).slice(0, 160) + '"');
    if (e.actor) bits.push('by ' + e.actor);
    return bits.join(' ');
  }
  function addEvent(e) {
    if (typeof e.seq !== 'number' || ev.record.has(e.seq)) return;
    const what = describe(e);
    ev.record.set(e.seq, { what, e });
    ev.lastSeq = Math.max(ev.lastSeq, e.seq);
    const li = el('li', { id: 'ev-row-' + e.seq, 'data-seq': String(e.seq), 'data-type': e.type },
      el('span', { text: '#' + e.seq + ' ' + hms(e.t) }),
      e.label ? el('span', { class: 'banner mini', text: e.label }) : null,
      el('span', { class: 'ev-what', text: what }),
      el('button', { type: 'button', class: 'ev-cite', text: 'Cite', 'aria-label': 'Cite event #' + e.seq, onclick: () => cite(e.seq) }));
    const ul = $('ev-play');
    let before = null;
    for (const c of ul.children) if (Number(c.dataset.seq) < e.seq) { before = c; break; }
    ul.insertBefore(li, before);
    if (ev.evidence.indexOf(e.seq) >= 0) li.classList.add('cited');
  }
  function openStream() {
    if (ev.source) ev.source.close();
    const url = '/api/events' + (ev.lastSeq >= 0 ? '?after=' + ev.lastSeq : '');
    ev.source = new EventSource(url, { withCredentials: true });
    ev.source.addEventListener('caucus', (m) => {
      let e = null;
      try { e = JSON.parse(m.data); } catch (x) { return; }
      addEvent(e);
      renderGuides();
      scheduleState();
    });
    ev.source.onerror = () => {
      /* the browser reconnects by itself with Last-Event-ID */
    };
  }

  /* ---- guides with `now` marks ---- */
  function isNow(w) {
    const st = ev.state;
    if (!w || !st) return false;
    const events = Array.from(ev.record.values()).map((r) => r.e);
    if (w.inject) return events.some((e) => e.type === 'inject.release' && e.payload && e.payload.inject === w.inject);
    if (w.consultation) {
      const c = (st.consultations || []).find((x) => x.id === w.consultation);
      return !!c && c.state === 'in progress' && (!w.stage || c.stage === w.stage);
    }
    if (w.stage_kind) return (st.consultations || []).some((c) => c.state === 'in progress' && c.stage_kind === w.stage_kind);
    if (w.decision) {
      const d = (st.decisions || []).find((x) => x.id === w.decision);
      return !!d && !d.outcome && d.state !== 'made' && d.state !== 'expired';
    }
    if (w.phase && typeof w.at_t === 'number') {
      const t = st.clock ? st.clock.t : -1;
      return t >= w.at_t && !st.clock.ended;
    }
    return false;
  }
  function whenText(w) {
    if (!w) return 'any time';
    if (w.inject) return 'when inject ' + w.inject + ' is released';
    if (w.consultation) return 'during consultation ' + w.consultation + (w.stage ? ', stage ' + w.stage : '');
    if (w.stage_kind) return 'during any ' + w.stage_kind + ' stage';
    if (w.decision) return 'while decision ' + w.decision + ' is open';
    if (w.phase) return 'in phase ' + w.phase;
    return 'any time';
  }
  function renderGuides() {
    const box = $('ev-guides');
    const st = ev.state;
    box.textContent = '';
    if (!st) return;
    for (const g of st.guides || []) {
      const sec = el('div', { class: 'ev-guide' }, el('h3', { text: g.id + ' — objective ' + g.objective }), g.label ? el('span', { class: 'banner mini', text: g.label }) : null);
      for (const t of g.targets) {
        sec.append(el('p', {}, el('strong', { text: t.id + ': ' }), t.text || ''));
        for (const k of t.tasks) {
          const now = isNow(k.when);
          sec.append(el('div', { class: 'ev-task', 'data-task': k.id },
            el('span', { text: k.id + ': ' + (k.text || '') }), now ? el('span', { class: 'ev-now', text: 'now' }) : null,
            el('div', { class: 'muted', text: (k.observe ? 'Observe: ' + k.observe + '. ' : '') + 'When: ' + whenText(k.when) + '.' })));
        }
      }
      box.append(sec);
    }
    if (!(st.guides || []).length) box.append(el('p', { text: 'No guide you may read.' }));
  }

  /* ---- my observations, per objective ---- */
  function renderMine() {
    const box = $('ev-mine');
    const st = ev.state;
    box.textContent = '';
    const d = $('ev-form');
    if (d.text.value.trim() || ev.evidence.length) {
      box.append(el('div', { class: 'ev-obs ev-draft' }, el('strong', { text: 'Draft (not recorded): ' }),
        el('span', { text: (d.objective.value || '') + ' ' + d.kind.value + ': ' + d.text.value.trim().slice(0, 160) + (ev.evidence.length ? ' (evidence ' + ev.evidence.map((x) => '#' + x).join(', ') + ')' : '') }),
        el('button', { type: 'button', class: 'quiet', text: 'Edit the draft', onclick: () => d.text.focus() })));
    }
    const obs = (st && st.observations) || [];
    const byObj = new Map();
    for (const o of obs) {
      if (!byObj.has(o.objective)) byObj.set(o.objective, []);
      byObj.get(o.objective).push(o);
    }
    for (const [obj, list] of byObj) {
      const sec = el('div', { class: 'ev-mine-obj', 'data-objective': obj }, el('h3', { text: 'Objective ' + obj }));
      for (const o of list) {
        sec.append(el('div', { class: 'ev-obs', 'data-observation': o.observation || '' },
          el('div', {}, el('strong', { text: (o.observation || '') + ' ' + (o.kind || '') + (o.rating ? ' ' + o.rating : '') }),
            el('span', { text: ' ' + [o.target, o.task].filter((x) => x).join(' / ') + ' ' + hms(o.t) + (o.by !== ev.seat ? ' by ' + o.by : '') })),
          o.label ? el('span', { class: 'banner mini', text: o.label }) : null,
          el('div', { text: o.text || '' }),
          o.evidence && o.evidence.length ? el('div', { text: 'Evidence: ' + o.evidence.map((x) => '#' + x).join(', ') }) : null,
          el('button', { type: 'button', class: 'quiet', text: 'Copy into the draft', onclick: () => copyToDraft(o) })));
      }
      box.append(sec);
    }
    if (!obs.length) box.append(el('p', { text: 'None recorded yet.' }));
  }
  function copyToDraft(o) {
    const f = $('ev-form');
    f.objective.value = o.objective || '';
    pickers();
    f.target.value = o.target || '';
    pickers();
    f.task.value = o.task || '';
    f.kind.value = o.kind || 'observation';
    f.rating.value = o.rating || '';
    f.text.value = o.text || '';
    f.root_cause.value = o.root_cause || '';
    f.recommendation.value = o.recommendation || '';
    ev.evidence = (o.evidence || []).slice();
    pickers();
    saveDraft();
    renderEvidence();
    renderMine();
    f.text.focus();
  }

  /* ---- state ---- */
  function scheduleState() {
    clearTimeout(ev.timer);
    ev.timer = setTimeout(loadState, 300);
  }
  async function loadState() {
    const r = await api('GET', '/api/state');
    if (r.status === 401) return needJoin();
    if (!r.ok) return status(errText(r), 'bad');
    const st = r.json;
    if (!st.you || st.you.role !== 'evaluator') {
      $('ev-main').hidden = true;
      status('This page is an evaluator\'s: your session is ' + ((st.you && st.you.role) || 'another role') + '\'s.', 'bad');
      return;
    }
    ev.state = st;
    ev.seat = st.you.seat;
    $('ev-join').hidden = true;
    $('ev-main').hidden = false;
    $('ev-title').textContent = ((st.exercise && (st.exercise.title || st.exercise.scenario)) || 'Exercise') + ' — evaluator';
    $('ev-who').textContent = st.you.seat + ' (' + (st.you.clearance || '') + ')';
    $('ev-clock').textContent = st.clock ? hms(st.clock.t) + (st.clock.ended ? ' ended' : '') : '';
    if (!ev.restored) {
      ev.restored = true;
      restoreDraft();
      renderEvidence();
      openStream();
    }
    pickers();
    renderGuides();
    renderMine();
  }
  function needJoin() {
    $('ev-main').hidden = true;
    $('ev-join').hidden = false;
    status('Join with your evaluator seat\'s code.', 'busy');
    $('ev-join-code').focus();
  }

  function wire() {
    try { ev.csrf = sessionStorage.getItem('caucus.csrf'); } catch (e) { ev.csrf = null; }
    $('ev-join-form').addEventListener('submit', async (e) => {
      e.preventDefault();
      const r = await api('POST', '/api/join', { code: $('ev-join-code').value.trim() });
      if (!r.ok) { $('ev-join-error').textContent = errText(r); return; }
      ev.csrf = r.json.csrf;
      try {
        sessionStorage.setItem('caucus.csrf', r.json.csrf);
        sessionStorage.setItem('caucus.role', r.json.role);
        if (r.json.seat) sessionStorage.setItem('caucus.seat', r.json.seat);
      } catch (x) { /* kept in memory */ }
      $('ev-join-error').textContent = '';
      loadState();
    });
    const f = $('ev-form');
    f.addEventListener('input', () => { pickers(); saveDraft(); renderMine(); });
    f.addEventListener('change', () => { pickers(); saveDraft(); renderMine(); });
    $('ev-clear').addEventListener('click', () => { clearDraft(); renderMine(); status('Draft cleared.', 'good'); });
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      const o = { do: 'observe', objective: f.objective.value, kind: f.kind.value, text: f.text.value.trim(), label: f.label.value };
      for (const k of ['target', 'task', 'rating', 'observed']) if (f[k].value.trim()) o[k] = f[k].value.trim();
      if (f.kind.value === 'improvement')
        for (const k of ['root_cause', 'recommendation']) if (f[k].value.trim()) o[k] = f[k].value.trim();
      if (ev.evidence.length) o.evidence = ev.evidence.slice();
      status('Recording…', 'busy');
      const r = await api('POST', '/api/input', o);
      if (r.status === 401) return needJoin();
      if (!r.ok) return status('Observation: ' + errText(r), 'bad');
      if (r.json && r.json.refused) return status('Observation refused: ' + r.json.refused, 'bad');
      clearDraft();
      status('Observation recorded.', 'good');
      await loadState();
    });
    loadState();
  }
  wire();
})();
