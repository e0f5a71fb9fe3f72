/* caucus debrief (hotwash) page: control steps through the ended exercise's log and sees it as any
 * seat saw it right after each event (GET /api/debrief: the server rebuilds the live state with its
 * own label rule; this page only shows what it is given), and runs "fork from here" headless
 * (POST /api/debrief/fork). docs/ui.md, "Debrief". Strings are English and go through i18n.js. */
(function () {
  'use strict';
  const STYLE_CSS = { unclassified: 'cls-u', confidential: 'cls-c', secret: 'cls-s', 'top-secret': 'cls-ts' };
  const $ = (id) => document.getElementById(id);
  const db = { csrf: null, viewer: 'control', events: [], total: 0, pos: 0, seats: [], busy: 0, vbusy: 0 };

  function el(tag, attrs, ...kids) {
    const n = document.createElement(tag);
    for (const k in attrs || {}) {
      if (k === 'text') n.textContent = attrs[k];
      else if (k === 'class') n.className = attrs[k];
      else if (attrs[k] !== undefined && attrs[k] !== null && attrs[k] !== false) n.setAttribute(k, attrs[k]);
    }
    for (const c of kids) if (c !== null && c !== undefined) n.append(c);
    return n;
  }
  /* the status line and the API calls (ui/page.js) */
  const { status, errText } = window.caucusPage;
  const api = (method, path, body) => window.caucusPage.api(method, path, body, db.csrf);

  function banner(label, style, extra) {
    return el('span', {
      class: 'banner ' + (STYLE_CSS[style] || 'cls-x') + (extra ? ' ' + extra : ''),
      text: label || 'NO LABEL', 'data-label': label || '',
    });
  }
  function clock(ms) {
    const m = Math.floor((ms || 0) / 60000), d = Math.floor(m / 1440), h = Math.floor((m % 1440) / 60), mm = m % 60;
    return '+' + (d ? d + 'd' : '') + (d || h ? h + 'h' : '') + String(mm).padStart(d || h ? 2 : 1, '0') + 'm';
  }

  /* ---- views ---- */
  function show(which) {
    for (const id of ['db-join', 'db-wait', 'db-main']) $(id).hidden = id !== which;
  }
  function needJoin() {
    show('db-join');
    status('The debrief is control\'s: join with control\'s code.', 'busy');
    $('db-join-code').focus();
  }

  /* ---- the list of one kind ---- */
  function fill(listId, noneId, rows) {
    const ol = $(listId);
    ol.replaceChildren(...rows);
    $(noneId).hidden = rows.length > 0;
  }
  function render(j) {
    const st = j.state;
    const ev = j.event;
    const shown = db.events[db.pos];
    $('db-where').textContent = 'Event ' + j.at + ' of ' + (j.events - 1) + ' · ' + clock(shown ? shown.t : 0) + ' · ' +
      (ev ? ev.type : 'not seen by this viewer');
    $('db-title').textContent = (st.exercise && st.exercise.title) || 'Debrief';
    const items = (st.items || []).slice().sort((a, b) => a.seq - b.seq);
    fill('db-items', 'db-items-none', items.map((it) => el('li', { 'data-item-id': it.id, 'data-seq': it.seq },
      banner(it.label, it.label_style, 'inline'), ' ', el('strong', { text: it.id }), ' ',
      el('span', { class: 'item-title', text: it.title || it.text || '' }), ' ', el('span', { class: 'when', text: clock(it.t) }))));
    fill('db-cons', 'db-cons-none', (st.consultations || []).map((c) => el('li', { 'data-consultation': c.id },
      banner(c.label, c.label_style, 'inline'), ' ', el('strong', { text: c.id }), ' ', el('span', { text: c.topic || '' }), ' — ',
      el('span', { class: 'state', text: c.state + (c.stage ? ' (' + c.stage + ')' : '') }))));
    fill('db-decs', 'db-decs-none', (st.decisions || []).map((d) => el('li', { 'data-decision': d.id },
      banner(d.label, d.label_style, 'inline'), ' ', el('strong', { text: d.id }), ' ', el('span', { text: d.question || '' }), ' — ',
      el('span', { class: 'state', text: d.state + (d.outcome ? ': ' + d.outcome : '') }))));
    fill('db-notes', 'db-notes-none', (st.notes || []).map((n) => el('li', { 'data-seq': n.seq },
      el('strong', { text: n.seat || 'control' }), ' ', el('span', { class: 'ntext', text: n.text || '' }))));
    /* the page banner: the highest classification shown (the state lists the classes in rank order) */
    let top = -1, style = '', name = '';
    for (const x of [].concat(st.items || [], st.consultations || [], st.decisions || []))
      if (typeof x.label_rank === 'number' && x.label_rank > top) { top = x.label_rank; style = x.label_style; }
    if (top >= 0 && st.classes && st.classes[top]) name = st.classes[top].name;
    const b = $('db-banner');
    b.hidden = top < 0;
    b.className = 'banner page-banner ' + (STYLE_CSS[style] || 'cls-x');
    b.textContent = name;
  }

  /* ---- stepping ---- */
  async function go(pos) {
    if (!db.events.length) return;
    db.pos = Math.max(0, Math.min(db.events.length - 1, pos));
    $('db-range').value = String(db.pos);
    const k = db.events[db.pos].seq;
    const ticket = ++db.busy;
    const r = await api('GET', '/api/debrief?at=' + k + '&seat=' + encodeURIComponent(db.viewer));
    if (ticket !== db.busy) return; /* a later step has been asked for */
    if (!r.ok) return status(errText(r), 'bad');
    status('');
    render(r.json);
  }
  async function loadViewer(viewer, keepSeq) {
    db.viewer = viewer;
    const ticket = ++db.vbusy;
    const r = await api('GET', '/api/debrief/events?seat=' + encodeURIComponent(viewer));
    if (ticket !== db.vbusy) return; /* another viewer has been picked meanwhile */
    if (r.status === 401 || r.status === 403) return needJoin();
    if (r.status === 409) { show('db-wait'); return status(''); }
    if (!r.ok) return status(errText(r), 'bad');
    show('db-main');
    db.events = r.json.events;
    db.total = r.json.total;
    $('db-range').max = String(Math.max(0, db.events.length - 1));
    let pos = db.events.length - 1;
    if (keepSeq !== undefined) { /* the same moment for the new viewer: its last event at or before it */
      pos = 0;
      db.events.forEach((e, i) => { if (e.seq <= keepSeq) pos = i; });
    }
    await go(pos);
  }

  /* ---- seats ---- */
  async function loadSeats() {
    const r = await api('GET', '/api/state');
    if (r.status === 401) return false;
    if (!r.ok) { status(errText(r), 'bad'); return false; }
    if (!r.json.you || r.json.you.role !== 'control') return false;
    db.seats = r.json.seats || [];
    const sel = $('db-seat');
    sel.replaceChildren(el('option', { value: 'control', text: 'Control' }),
      ...db.seats.map((s) => el('option', { value: s.id, text: s.id + ' — ' + (s.name || '') + ' (' + (s.party || '') + ')' })));
    const fs = $('db-fork-seats');
    fs.replaceChildren(...db.seats.filter((s) => s.agent).map((s) => {
      const o = el('option', { value: s.id, text: s.id });
      o.selected = true;
      return o;
    }));
    return true;
  }

  /* ---- fork ---- */
  async function fork() {
    const k = db.events.length ? db.events[db.pos].seq : 0;
    const seats = Array.from($('db-fork-seats').selectedOptions).map((o) => o.value);
    const out = $('db-fork-out');
    out.replaceChildren(el('p', { text: 'Forking from event ' + k + '…' }));
    const r = await api('POST', '/api/debrief/fork', { at: k, auto: seats });
    if (!r.ok) { out.replaceChildren(el('p', { class: 'error', role: 'alert', text: errText(r) })); return; }
    const j = r.json;
    const rows = [].concat(j.outcome.decisions.map((d) => el('li', { 'data-decision': d.id }, el('strong', { text: d.id }), ' ',
      el('span', { text: d.state + (d.outcome ? ': ' + d.outcome : '') }))),
    j.outcome.consultations.map((c) => el('li', { 'data-consultation': c.id }, el('strong', { text: c.id }), ' ',
      el('span', { text: c.state }))));
    out.replaceChildren(
      el('p', { class: 'fork-summary', text: 'Forked at event ' + j.at + ': ' + j.events + ' events; decisions made ' + j.decisions_made +
        ', expired ' + j.decisions_expired + '; consultations completed ' + j.consultations_done + '; agent actions ' + j.agent_actions }),
      el('ul', { class: 'db-list fork-outcome' }, ...rows),
      el('p', { class: 'hint', text: 'Origin: event hash ' + j.event_hash + ', Merkle root ' + j.merkle_root }));
  }

  /* ---- wiring ---- */
  function wire() {
    try { db.csrf = sessionStorage.getItem('caucus.csrf'); } catch (e) { db.csrf = null; }
    $('db-join-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const r = await api('POST', '/api/join', { code: $('db-join-code').value.trim() });
      if (!r.ok) { $('db-join-error').textContent = errText(r); return; }
      db.csrf = r.json.csrf;
      try {
        sessionStorage.setItem('caucus.csrf', r.json.csrf);
        sessionStorage.setItem('caucus.role', r.json.role);
      } catch (e) { /* kept in memory */ }
      $('db-join-error').textContent = '';
      start();
    });
    $('db-seat').addEventListener('change', () => {
      const at = db.events.length ? db.events[db.pos].seq : undefined;
      loadViewer($('db-seat').value, at);
    });
    $('db-range').addEventListener('input', () => go(Number($('db-range').value)));
    $('db-first').addEventListener('click', () => go(0));
    $('db-prev').addEventListener('click', () => go(db.pos - 1));
    $('db-next').addEventListener('click', () => go(db.pos + 1));
    $('db-last').addEventListener('click', () => go(db.events.length - 1));
    $('db-fork').addEventListener('click', fork);
    document.addEventListener('keydown', (ev) => {
      const t = ev.target;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA')) return;
      if (ev.key === 'ArrowLeft') { ev.preventDefault(); go(db.pos - 1); }
      if (ev.key === 'ArrowRight') { ev.preventDefault(); go(db.pos + 1); }
    });
  }
  async function start() {
    if (!(await loadSeats())) return needJoin();
    await loadViewer('control');
  }
  wire();
  start();
})();
