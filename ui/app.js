/* caucus live exercise UI: join screen, control console and seat view over docs/http-api.md.
 * Plain DOM, no framework; every action is an engine input (POST /api/input) and every view
 * is rebuilt from GET /api/state after each event on /api/events. The UI holds no rule of
 * its own: what the engine refuses is shown with the engine's reason. */
'use strict';

(function () {
  /* the CSS class of each display style the label policy gives a classification (the server sends
   * each label's style and rank: the UI never reads a banner) */
  const STYLE_CSS = { unclassified: 'cls-u', confidential: 'cls-c', secret: 'cls-s', 'top-secret': 'cls-ts' };
  const STAGE_ACTION = {
    notify: 'Confirm notification',
    acknowledge: 'Acknowledge',
    assess: 'Complete assessment',
    convene: 'Convene',
    positions: 'Acknowledge',
    decide: 'Acknowledge',
    communicate: 'Confirm communicated',
    custom: 'Act in this stage',
  };

  const CEVENT = {
    'consult.escalate': (x) => (x.seat ? 'Escalated by ' + x.seat : 'Escalated (stage deadline)') + ' at ' + fmtRel(x.t),
    'consult.object': (x) => 'Objection by ' + (x.seat || '?') + ' at ' + fmtRel(x.t),
    'consult.deadline': (x) => 'Stage deadline passed at ' + fmtRel(x.t),
    'consult.silence_broken': (x) => 'Silence broken by ' + (x.seat || '?') + ' at ' + fmtRel(x.t),
    'consult.return': (x) => 'Back to an earlier stage at ' + fmtRel(x.t),
    'consult.held': (x) => 'Act held for a later stage by ' + (x.seat || '?') + ' at ' + fmtRel(x.t),
    'consult.remind': (x) => 'Reminder from ' + (x.seat || '?') + ' at ' + fmtRel(x.t),
  };

  /* ---- session ------------------------------------------------------------------------ */
  const session = {
    csrf: null,
    role: null,
    seat: null,
    load() {
      try {
        this.csrf = sessionStorage.getItem('caucus.csrf');
        this.role = sessionStorage.getItem('caucus.role');
        this.seat = sessionStorage.getItem('caucus.seat');
      } catch (e) {
        this.csrf = null;
      }
    },
    save(j) {
      this.csrf = j.csrf;
      this.role = j.role;
      this.seat = j.seat || null;
      try {
        sessionStorage.setItem('caucus.csrf', this.csrf);
        sessionStorage.setItem('caucus.role', this.role);
        if (this.seat) sessionStorage.setItem('caucus.seat', this.seat);
        else sessionStorage.removeItem('caucus.seat');
      } catch (e) {
        /* storage refused (private mode): the token stays in memory for this page */
      }
    },
    clear() {
      this.csrf = this.role = this.seat = null;
      try {
        sessionStorage.removeItem('caucus.csrf');
        sessionStorage.removeItem('caucus.role');
        sessionStorage.removeItem('caucus.seat');
      } catch (e) {
        /* nothing stored */
      }
    },
  };

  let state = null; /* last snapshot from /api/state */
  let stateAt = 0; /* performance.now() when it arrived */
  let events = null; /* EventSource */
  let refreshTimer = 0;
  let refreshing = false;
  let refreshAgain = false;
  let seenItems = null; /* ids of items already shown, for "new" marks and announcements */
  let seenFindings = null;
  let editing = null; /* inject id in the edit form */
  let replyTo = null;
  /* what this seat did to each inject (acknowledged, escalated, forwarded to), read from its own
   * events on the stream: the state lists items, not what a seat did with them */
  let myMarks = new Map();

  const $ = (id) => document.getElementById(id);

  /* el('p', {class: 'x', text: 'hi'}, child...) — text only through textContent */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    if (attrs) {
      for (const k of Object.keys(attrs)) {
        const v = attrs[k];
        if (v === null || v === undefined || v === false) continue;
        if (k === 'text') e.textContent = String(v);
        else if (k === 'class') e.className = v;
        else if (k === 'on') for (const ev of Object.keys(v)) e.addEventListener(ev, v[ev]);
        else if (k in e && typeof v !== 'string') e[k] = v;
        else e.setAttribute(k, v === true ? '' : String(v));
      }
    }
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function setText(node, text) {
    const s = text === null || text === undefined ? '' : String(text);
    if (node.textContent !== s) node.textContent = s;
  }

  function status(msg, kind) {
    const s = $('status');
    s.textContent = msg || '';
    s.className = 'status' + (kind ? ' ' + kind : '');
  }

  function announce(msg) {
    const a = $('announce');
    a.append(el('p', { text: msg }));
    while (a.childNodes.length > 5) a.removeChild(a.firstChild);
  }

  /* ---- labels ------------------------------------------------------------------------- */
  function styleClass(style) {
    return STYLE_CSS[style] || 'cls-x';
  }

  function banner(label, style, extra) {
    return el('div', {
      class: 'banner ' + styleClass(style) + (extra ? ' ' + extra : ''),
      text: label || 'NO LABEL',
      'data-label': label || '',
    });
  }

  function updateBanner(node, label, style) {
    node.className = 'banner ' + styleClass(style);
    setText(node, label || 'NO LABEL');
    node.setAttribute('data-label', label || '');
  }

  /* the style of a label this seat may put on a message (the server sends them side by side) */
  function pickerStyle(label) {
    const you = (state && state.you) || {};
    const i = (you.labels || []).indexOf(label);
    return i >= 0 && you.label_styles ? you.label_styles[i] : '';
  }

  /* ---- time --------------------------------------------------------------------------- */
  function parseSpeed(s) {
    if (s === null || s === undefined) return 1;
    const str = String(s);
    const m = /^(\d+(?:\.\d+)?)(?:\/(\d+(?:\.\d+)?))?$/.exec(str);
    if (!m) return 1;
    const v = Number(m[1]) / (m[2] ? Number(m[2]) : 1);
    return Number.isFinite(v) && v > 0 ? v : 1;
  }

  /* scenario time now, moved on from the snapshot while the clock runs */
  function nowT() {
    if (!state || !state.clock) return 0;
    const c = state.clock;
    let t = c.t || 0;
    if (c.started && c.running && !c.ended) t += (performance.now() - stateAt) * parseSpeed(c.speed);
    if (c.end_t && t > c.end_t) t = c.end_t;
    return Math.floor(t);
  }

  function pad(n) {
    return (n < 10 ? '0' : '') + n;
  }

  /* +1d02h30m style, as the CLI writes scenario times */
  function fmtRel(ms) {
    if (ms === null || ms === undefined) return '';
    const neg = ms < 0;
    let s = Math.floor(Math.abs(ms) / 1000);
    const d = Math.floor(s / 86400);
    s -= d * 86400;
    const h = Math.floor(s / 3600);
    s -= h * 3600;
    const m = Math.floor(s / 60);
    s -= m * 60;
    let out = (neg ? '-' : '+') + (d ? d + 'd' : '');
    out += d || h ? pad(h) + ':' + pad(m) : m + 'm';
    if (!d && !h) out += s ? pad(s) + 's' : '';
    return out;
  }

  function fmtDur(ms) {
    let s = Math.max(0, Math.round(ms / 1000));
    const d = Math.floor(s / 86400);
    s -= d * 86400;
    const h = Math.floor(s / 3600);
    s -= h * 3600;
    const m = Math.floor(s / 60);
    s -= m * 60;
    if (d) return d + 'd ' + h + 'h ' + m + 'm';
    if (h) return h + 'h ' + pad(m) + 'm';
    if (m) return m + 'm ' + pad(s) + 's';
    return s + 's';
  }

  const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  /* local time of the exercise (the offset written in clock.start) */
  function fmtAbs(t) {
    if (!state || !state.clock) return '';
    const start = String(state.clock.start || '');
    let base = Date.parse(start);
    if (!Number.isFinite(base) && typeof state.clock.start_unix === 'number') base = state.clock.start_unix * 1000;
    if (!Number.isFinite(base)) return '';
    const m = /([+-])(\d\d):?(\d\d)$/.exec(start);
    const off = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
    const d = new Date(base + t + off * 60000);
    const day = Math.floor(t / 86400000) + 1;
    return (
      'Day ' + day + ', ' + DAYS[d.getUTCDay()] + ' ' + pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) +
      (m ? ' (UTC' + m[1] + m[2] + ':' + m[3] + ')' : ' UTC')
    );
  }

  /* "due in 1h 20m (≈ 8 s at 600×)" for a deadline in scenario time */
  function countdown(deadline) {
    if (deadline === null || deadline === undefined) return { text: 'no deadline', over: false };
    const left = deadline - nowT();
    if (left <= 0) return { text: 'deadline passed ' + fmtDur(-left) + ' ago', over: true };
    let text = 'due in ' + fmtDur(left) + ' (at ' + fmtRel(deadline) + ')';
    const c = state && state.clock;
    if (c && c.running && !c.ended) {
      const sp = parseSpeed(c.speed);
      if (sp !== 1) text += ', about ' + fmtDur(left / sp) + ' of real time';
    } else if (c && c.started) {
      text += ', clock paused';
    }
    return { text: text, over: false };
  }

  /* ---- HTTP --------------------------------------------------------------------------- */
  async function api(method, path, body) {
    const opt = { method: method, credentials: 'same-origin', headers: {} };
    if (method === 'POST') {
      opt.headers['Content-Type'] = 'application/json';
      if (session.csrf) opt.headers['X-CSRF-Token'] = session.csrf;
      opt.body = JSON.stringify(body || {});
    }
    let res;
    try {
      res = await fetch(path, opt);
    } catch (e) {
      return { ok: false, status: 0, json: { error: 'the server cannot be reached', code: 'network' } };
    }
    let json = null;
    const ct = res.headers.get('Content-Type') || '';
    if (res.status !== 204 && ct.indexOf('json') >= 0) {
      try {
        json = await res.json();
      } catch (e) {
        json = null;
      }
    }
    return { ok: res.ok, status: res.status, json: json };
  }

  function errText(r) {
    const j = r.json || {};
    if (r.status === 429) return 'Too many attempts; wait a minute and try again.';
    return (j.error || 'request failed') + (r.status ? ' (' + r.status + (j.code ? ' ' + j.code : '') + ')' : '');
  }

  /* sends an engine input; the engine's refusal is shown, not hidden */
  async function input(obj, what) {
    status((what || obj.do) + '…', 'busy');
    const r = await api('POST', '/api/input', obj);
    if (r.status === 401) return lost();
    if (!r.ok) {
      status((what || obj.do) + ': ' + errText(r), 'bad');
      return false;
    }
    if (r.json && r.json.refused) {
      status((what || obj.do) + ' refused: ' + r.json.refused, 'bad');
      scheduleRefresh(0);
      return false;
    }
    status((what || obj.do) + ': done', 'good');
    scheduleRefresh(0);
    return true;
  }

  function lost() {
    status('Your session has ended; join again.', 'bad');
    stopEvents();
    session.clear();
    state = null;
    show('join');
    return false;
  }

  /* ---- live updates ------------------------------------------------------------------- */
  function startEvents() {
    stopEvents();
    if (typeof EventSource !== 'function') return;
    events = new EventSource('/api/events');
    events.addEventListener('open', () => {
      linkState(true);
      scheduleRefresh(0);
    });
    events.addEventListener('error', () => linkState(false));
    events.addEventListener('caucus', onEvent);
  }

  function stopEvents() {
    if (events) events.close();
    events = null;
    linkState(false);
  }

  function linkState(up) {
    const l = $('link-state');
    setText(l, up ? 'live' : 'reconnecting');
    l.className = 'link-state ' + (up ? 'up' : 'down');
  }

  function onEvent(ev) {
    let e = null;
    try {
      e = JSON.parse(ev.data);
    } catch (x) {
      e = null;
    }
    if (e) noteMine(e);
    if (e && state && typeof e.seq === 'number' && e.seq <= state.seq) return;
    scheduleRefresh(200);
  }

  /* the seat's own acknowledgements, escalations and forwards of injects */
  function noteMine(e) {
    const me = session.seat;
    if (!me || e.actor !== me || !e.payload || !e.payload.inject) return;
    const p = e.payload;
    let kind = null;
    if (e.type === 'inject.ack') kind = 'ack';
    else if (e.type === 'inject.escalate') kind = 'esc';
    else if (e.type === 'message' && p.kind === 'forward') kind = 'fwd';
    if (!kind) return;
    const m = myMarks.get(p.inject) || { ack: null, esc: null, fwd: [] };
    if (kind === 'fwd') m.fwd.push({ to: [].concat(p.to || []), t: e.t });
    else if (m[kind] === null) m[kind] = e.t;
    myMarks.set(p.inject, m);
    const card = document.querySelector('#inbox [data-item-id="' + CSS.escape(p.inject) + '"]');
    if (card) updateMarks(card, p.inject);
  }

  function updateMarks(card, id) {
    const n = card.querySelector('.marks');
    if (!n) return;
    const m = myMarks.get(id);
    const parts = [];
    if (m && m.ack !== null) parts.push('You acknowledged it at ' + fmtRel(m.ack));
    if (m && m.esc !== null) parts.push('You escalated it at ' + fmtRel(m.esc));
    if (m) for (const f of m.fwd) parts.push('You forwarded it to ' + f.to.join(', ') + ' at ' + fmtRel(f.t) + ' (delivered where its label allows)');
    setText(n, parts.join('. '));
    n.hidden = parts.length === 0;
    card.setAttribute('data-acked', m && m.ack !== null ? 'true' : 'false');
    card.setAttribute('data-escalated', m && m.esc !== null ? 'true' : 'false');
    card.setAttribute('data-forwarded', m ? m.fwd.map((f) => f.to.join(',')).join(' ') : '');
  }

  function scheduleRefresh(ms) {
    if (refreshTimer) {
      if (ms > 0) return; /* one refresh already pending: debounce */
      clearTimeout(refreshTimer);
    }
    refreshTimer = setTimeout(() => {
      refreshTimer = 0;
      refresh();
    }, ms);
  }

  async function refresh() {
    if (refreshing) {
      refreshAgain = true;
      return;
    }
    refreshing = true;
    try {
      const r = await api('GET', '/api/state');
      if (r.status === 401 || r.status === 403) {
        lost();
        return;
      }
      if (!r.ok || !r.json) {
        status('Could not load the exercise state: ' + errText(r), 'bad');
        return;
      }
      if (state && r.json.seq < state.seq) return; /* an older snapshot overtook a newer one */
      state = r.json;
      stateAt = performance.now();
      render();
    } finally {
      refreshing = false;
      if (refreshAgain) {
        refreshAgain = false;
        scheduleRefresh(0);
      }
    }
  }

  /* ---- views -------------------------------------------------------------------------- */
  function show(view) {
    for (const v of ['join', 'control', 'player']) $('view-' + v).hidden = v !== view;
    $('session').hidden = view === 'join';
    document.body.setAttribute('data-view', view);
    if (view === 'join') {
      $('page-banner').hidden = true;
      $('page-banner-bottom').hidden = true;
      setText($('exercise-title'), 'Live exercise');
      document.title = 'caucus — join';
      $('join-code').focus();
    }
  }

  function render() {
    if (!state) return;
    const control = state.you && state.you.role === 'control';
    show(control ? 'control' : 'player');
    const ex = state.exercise || {};
    setText($('exercise-title'), ex.title || ex.name || ex.scenario || 'Live exercise');
    const you = state.you || {};
    setText($('who'), control ? 'Exercise control' : (you.name || you.seat || '') + ' · ' + (you.party || '') +
      (you.clearance ? ' · cleared ' + you.clearance : ''));
    document.title = 'caucus — ' + (control ? 'control' : you.seat || 'seat') + ' — ' + (ex.scenario || '');
    renderPageBanner();
    if (control) renderControl();
    else renderPlayer();
    tick();
  }

  /* page banner: the highest classification of what is on the page */
  function renderPageBanner() {
    let top = 0;
    for (const list of [state.items, state.consultations, state.decisions, state.injects])
      for (const o of list || []) if (o && o.label_rank > top) top = o.label_rank;
    const cls = (state.classes || [])[top] || { name: '', style: '' };
    for (const id of ['page-banner', 'page-banner-bottom']) {
      const b = $(id);
      b.hidden = false;
      updateBanner(b, cls.name, cls.style);
      setText(b, 'Highest classification on this page: ' + cls.name);
    }
  }

  function tick() {
    if (!state || !state.clock) return;
    const t = nowT();
    const c = state.clock;
    const rel = fmtRel(t);
    setText($('clock-mini'), rel + ' · ' + fmtAbs(t) + (c.ended ? ' · ended' : c.started && !c.running ? ' · paused' : ''));
    const ct = $('clock-t');
    setText(ct, rel);
    ct.setAttribute('data-t', String(t));
    setText($('clock-abs'), fmtAbs(t));
    setText($('clock-state'), c.ended ? 'ended' : !c.started ? 'not started' : c.running ? 'running' : 'paused');
    setText($('clock-speed'), c.speed || '1');
    for (const n of document.querySelectorAll('[data-deadline]')) {
      const cd = countdown(Number(n.getAttribute('data-deadline')));
      setText(n, cd.text);
      n.classList.toggle('over', cd.over);
    }
  }

  /* Reuses child elements by key so that forms inside them keep what is being typed. */
  function keyed(container, list, key, create, update) {
    const old = new Map();
    for (const c of Array.from(container.children)) old.set(c.getAttribute('data-key'), c);
    let prev = null;
    for (const item of list) {
      const k = String(key(item));
      let node = old.get(k);
      if (node) old.delete(k);
      else {
        node = create(item);
        node.setAttribute('data-key', k);
      }
      update(node, item);
      const want = prev ? prev.nextSibling : container.firstChild;
      if (want !== node) container.insertBefore(node, want);
      prev = node;
    }
    for (const n of old.values()) n.remove();
  }

  function seatName(id) {
    if (!state) return id;
    for (const s of state.seats || []) if (s.id === id) return s.name ? s.name + ' (' + id + ')' : id;
    return id;
  }

  function trackNew(items) {
    const ids = new Set(items.map((i) => i.id));
    const fresh = new Set();
    if (seenItems) {
      for (const it of items) {
        if (!seenItems.has(it.id)) {
          fresh.add(it.id);
          announce('New ' + (it.kind || 'item') + ': ' + (it.title || it.text || it.id) + ' [' + (it.label || '') + ']');
        }
      }
    }
    seenItems = seenItems ? new Set([...seenItems, ...ids]) : ids;
    return fresh;
  }

  /* ---- search (GET /api/search: only what this viewer may read) ------------------------ */
  async function runSearch(which) {
    const q = $('search-q-' + which).value.trim();
    const out = $('search-results-' + which);
    if (!q) return;
    const r = await api('GET', '/api/search?q=' + encodeURIComponent(q));
    out.replaceChildren();
    if (!r.ok || !r.json) {
      status((r.json && r.json.error) || 'the search failed', 'error');
      return;
    }
    const n = r.json.total, shown = r.json.items.length;
    out.append(
      el('p', {
        class: 'meta search-count',
        text: n === 0 ? 'No item matches.' : n + (n === 1 ? ' item matches' : ' items match') + (n > shown ? ', the newest ' + shown + ' listed' : '') + '.',
      })
    );
    const ol = el('ol', { class: 'search-hits' });
    for (const it of r.json.items)
      ol.append(el('li', { 'data-item-id': it.id }, banner(it.label, it.label_style, 'inline'), el('strong', { text: it.id }), ' ', it.title || it.text || ''));
    out.append(ol);
  }

  /* ---- items (inbox, released list) --------------------------------------------------- */
  function itemCard(it, forSeat) {
    const body = el('p', { class: 'body' });
    const meta = el('p', { class: 'meta' });
    const acts = el('div', { class: 'row actions' });
    const art = el(
      'article',
      { class: 'item', 'data-item-id': it.id, tabindex: '-1', 'aria-labelledby': 'item-h-' + it.id },
      banner(it.label, it.label_style, 'top'),
      el('h3', { id: 'item-h-' + it.id }, el('span', { class: 'item-id' }), ' ', el('span', { class: 'item-title' })),
      meta,
      body,
      forSeat ? el('p', { class: 'marks', hidden: true }) : null,
      acts,
      banner(it.label, it.label_style, 'bottom')
    );
    if (forSeat) {
      if (it.kind !== 'message') {
        acts.append(
          el('button', { type: 'button', text: 'Acknowledge', on: { click: () => input({ do: 'acknowledge', inject: it.id }, 'Acknowledge ' + it.id) } }),
          el('button', { type: 'button', text: 'Escalate', on: { click: () => input({ do: 'escalate', inject: it.id }, 'Escalate ' + it.id) } })
        );
        const sel = el('select', { id: 'share-' + it.id, 'aria-label': 'Seat to share ' + it.id + ' with' });
        acts.append(
          el('label', { for: 'share-' + it.id, class: 'visually-hidden', text: 'Share ' + it.id + ' with' }),
          sel,
          el('button', {
            type: 'button',
            text: 'Share',
            on: {
              click: () => {
                if (sel.value) input({ do: 'share', inject: it.id, to: [sel.value] }, 'Share ' + it.id);
              },
            },
          })
        );
      }
      acts.append(
        el('button', {
          type: 'button',
          class: 'quiet',
          text: 'Reply',
          on: { click: () => startReply(it) },
        })
      );
    }
    return art;
  }

  function updateItemCard(node, it, fresh) {
    const b = node.querySelectorAll('.banner');
    updateBanner(b[0], it.label, it.label_style);
    updateBanner(b[b.length - 1], it.label, it.label_style);
    node.setAttribute('data-t', String(it.t));
    node.setAttribute('data-kind', it.kind || 'inject');
    node.setAttribute('data-label', it.label || '');
    setText(node.querySelector('.item-id'), it.id);
    setText(node.querySelector('.item-title'), it.title || (it.kind === 'message' ? 'Message' : ''));
    let meta = fmtRel(it.t) + ' · ' + fmtAbs(it.t);
    if (it.from) meta += ' · from ' + it.from;
    if (it.to && it.to.length) meta += ' · to ' + [].concat(it.to).join(', ');
    if (it.channel) meta += ' · ' + it.channel;
    if (it.reply_to) meta += ' · reply to ' + it.reply_to;
    setText(node.querySelector('.meta'), meta);
    setText(node.querySelector('.body'), it.body || it.text || '');
    if (fresh) node.classList.add('new');
    const sel = node.querySelector('select');
    if (sel) fillSeatSelect(sel);
    updateMarks(node, it.id);
  }

  function fillSeatSelect(sel) {
    const me = state.you && state.you.seat;
    const want = (state.seats || []).filter((s) => s.id !== me).map((s) => s.id);
    const have = Array.from(sel.options).map((o) => o.value);
    if (have.join(',') === want.join(',')) return;
    const keep = sel.value;
    sel.textContent = '';
    for (const id of want) sel.append(el('option', { value: id, text: seatName(id) }));
    if (want.indexOf(keep) >= 0) sel.value = keep;
  }

  function sortedItems() {
    return (state.items || []).slice().sort((a, b) => (b.seq || 0) - (a.seq || 0) || (b.t || 0) - (a.t || 0));
  }

  /* ---- consultation and decision cards ------------------------------------------------ */
  function consultCard(c, forSeat) {
    const card = el(
      'article',
      { class: 'card consult', 'data-consultation': c.id, 'aria-labelledby': 'c-h-' + c.id },
      banner(c.label, c.label_style),
      el('h3', { id: 'c-h-' + c.id }, el('span', { class: 'cid' }), ' ', el('span', { class: 'topic' })),
      el('p', { class: 'stage' }),
      el('p', { class: 'deadline', 'data-deadline': '' }),
      el('p', { class: 'who-acted' }),
      el('ul', { class: 'positions' }),
      el('ul', { class: 'cevents', 'aria-label': 'Escalations, objections and deadlines' })
    );
    if (forSeat) {
      const acts = el('div', { class: 'row actions' });
      acts.append(
        el('button', { type: 'button', class: 'act', on: { click: () => input({ do: 'acknowledge', consultation: c.id }, 'Act in ' + c.id) } }),
        el('button', { type: 'button', text: 'Object', on: { click: () => input({ do: 'object', consultation: c.id }, 'Object in ' + c.id) } }),
        el('button', { type: 'button', text: 'Escalate', on: { click: () => input({ do: 'escalate', consultation: c.id }, 'Escalate ' + c.id) } }),
        el('button', { type: 'button', text: 'Remind', title: 'Remind the participants who have not acted in this stage', on: { click: () => input({ do: 'remind', consultation: c.id }, 'Remind in ' + c.id) } })
      );
      const ta = el('textarea', { id: 'pos-' + c.id, rows: '2', required: true });
      const form = el(
        'form',
        { class: 'position-form' },
        el('label', { for: 'pos-' + c.id, text: 'Your position on ' + c.id }),
        ta,
        el('button', { type: 'submit', text: 'Post position' })
      );
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        const text = ta.value.trim();
        if (!text) return;
        if (await input({ do: 'position', consultation: c.id, text: text }, 'Position in ' + c.id)) ta.value = '';
      });
      card.append(acts, form);
    }
    return card;
  }

  function updateConsultCard(node, c) {
    updateBanner(node.querySelector('.banner'), c.label, c.label_style);
    node.setAttribute('data-state', c.state || '');
    node.setAttribute('data-stage', c.stage || '');
    node.setAttribute('data-stage-kind', c.stage_kind || '');
    setText(node.querySelector('.cid'), c.id);
    setText(node.querySelector('.topic'), c.topic || '');
    const done = c.state !== 'in progress';
    const rounds = !done && c.rounds ? ', review round ' + (c.round || 1) + ' of ' + c.rounds +
      (c.revising ? ': the requester is revising after objections' : '') : '';
    setText(node.querySelector('.stage'), done
      ? 'State: ' + (c.state || 'requested') + (c.reason ? ' (' + c.reason + ')' : '')
      : 'Stage: ' + (c.stage || '') + (c.stage_kind && c.stage_kind !== c.stage ? ' (' + c.stage_kind + ')' : '') +
        (c.rule ? ', decided by ' + c.rule : '') +
        (c.since_t !== undefined && c.since_t !== null ? ' since ' + fmtRel(c.since_t) : '') + rounds);
    const dl = node.querySelector('.deadline');
    if (!done && c.deadline_t !== null && c.deadline_t !== undefined) {
      dl.hidden = false;
      dl.setAttribute('data-deadline', String(c.deadline_t));
    } else {
      dl.hidden = true;
      dl.removeAttribute('data-deadline');
    }
    const acks = c.acks || [];
    const parts = c.participants || [];
    const objectors = c.objectors || [];
    setText(node.querySelector('.who-acted'), 'Participants: ' + (parts.join(', ') || '—') + '. Acted in this stage: ' + (acks.join(', ') || 'nobody yet') +
      (objectors.length ? '. Objected in this round: ' + objectors.join(', ') : ''));
    const ul = node.querySelector('.positions');
    keyed(
      ul,
      c.positions || [],
      (p) => p.seat + '|' + p.text,
      (p) => el('li', null, el('strong', { text: p.seat }), ': ', el('span', { text: p.text })),
      () => {}
    );
    keyed(
      node.querySelector('.cevents'),
      c.events || [],
      (x) => x.type + '|' + x.t + '|' + (x.seat || ''),
      (x) => el('li', { 'data-type': x.type, 'data-seat': x.seat || '', text: CEVENT[x.type] ? CEVENT[x.type](x) : x.type + ' at ' + fmtRel(x.t) }),
      () => {}
    );
    const act = node.querySelector('button.act');
    if (act) {
      setText(act, STAGE_ACTION[c.stage_kind] || 'Act in this stage');
      act.disabled = done;
      /* positions are posted with the form below, and a decide stage is voted under Decisions */
      act.hidden = c.stage_kind === 'positions' || c.stage_kind === 'decide';
      const me = state.you && state.you.seat;
      act.setAttribute('aria-pressed', acks.indexOf(me) >= 0 ? 'true' : 'false');
    }
    const form = node.querySelector('.position-form');
    if (form) form.hidden = done || c.stage_kind !== 'positions';
    for (const b of node.querySelectorAll('.actions button')) b.disabled = done;
  }

  function decisionCard(d, forSeat) {
    const card = el(
      'article',
      { class: 'card decision', 'data-decision': d.id, 'aria-labelledby': 'd-h-' + d.id },
      banner(d.label, d.label_style),
      el('h3', { id: 'd-h-' + d.id }, el('span', { class: 'did' }), ' ', el('span', { class: 'question' })),
      el('p', { class: 'dstate' }),
      el('p', { class: 'deadline', 'data-deadline': '' }),
      el('ul', { class: 'options' }),
      el('p', { class: 'objections', hidden: true })
    );
    if (forSeat) {
      const ta = el('input', { id: 'prop-' + d.id, required: true });
      const form = el(
        'form',
        { class: 'propose-form row' },
        el('label', { for: 'prop-' + d.id, text: 'Propose an option on ' + d.id }),
        ta,
        el('button', { type: 'submit', text: 'Propose' })
      );
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        const text = ta.value.trim();
        if (!text) return;
        if (await input({ do: 'propose', decision: d.id, text: text }, 'Proposal on ' + d.id)) ta.value = '';
      });
      card.append(
        form,
        el('div', { class: 'row actions' },
          el('button', { type: 'button', text: 'Object', on: { click: () => input({ do: 'object', decision: d.id }, 'Object to ' + d.id) } }))
      );
    }
    return card;
  }

  function updateDecisionCard(node, d, forSeat) {
    updateBanner(node.querySelector('.banner'), d.label, d.label_style);
    node.setAttribute('data-state', d.state || '');
    node.setAttribute('data-outcome', d.outcome || '');
    setText(node.querySelector('.did'), d.id);
    setText(node.querySelector('.question'), d.question || '');
    const open = d.state === 'open';
    let st = 'State: ' + (d.state || '') + ' · rule: ' + (d.rule || '') + ' · deciders: ' + (d.deciders || []).join(', ');
    if (d.outcome) {
      const o = (d.options || []).find((x) => x.id === d.outcome);
      st = 'Decided: ' + d.outcome + (o ? ' — ' + o.text : '') + ' · rule: ' + (d.rule || '');
    }
    setText(node.querySelector('.dstate'), st);
    const objs = d.objections || [];
    const on = node.querySelector('.objections');
    setText(on, objs.length ? 'Objected: ' + objs.join(', ') : '');
    on.hidden = objs.length === 0;
    const dl = node.querySelector('.deadline');
    if (open && d.deadline_t !== null && d.deadline_t !== undefined) {
      dl.hidden = false;
      dl.setAttribute('data-deadline', String(d.deadline_t));
    } else {
      dl.hidden = true;
      dl.removeAttribute('data-deadline');
    }
    const votes = d.votes || {};
    const me = state.you && state.you.seat;
    const decider = forSeat && (d.deciders || []).indexOf(me) >= 0;
    keyed(
      node.querySelector('.options'),
      d.options || [],
      (o) => o.id,
      (o) => {
        const li = el('li', { 'data-option': o.id }, el('span', { class: 'otext' }), ' ', el('span', { class: 'ovotes' }));
        if (forSeat) {
          li.append(
            ' ',
            el('button', {
              type: 'button',
              class: 'vote',
              text: 'Vote ' + o.id,
              'aria-label': 'Vote for option ' + o.id + ' on ' + d.id,
              on: { click: () => input({ do: 'vote', decision: d.id, option: o.id }, 'Vote on ' + d.id) },
            })
          );
        }
        return li;
      },
      (li, o) => {
        setText(li.querySelector('.otext'), o.id + ': ' + o.text);
        const by = Object.keys(votes).filter((s) => votes[s] === o.id);
        setText(li.querySelector('.ovotes'), by.length ? '— votes: ' + by.join(', ') : '');
        li.classList.toggle('chosen', d.outcome === o.id);
        const b = li.querySelector('button.vote');
        if (b) {
          b.hidden = !decider;
          b.disabled = !open;
          b.setAttribute('aria-pressed', votes[me] === o.id ? 'true' : 'false');
        }
      }
    );
    const form = node.querySelector('.propose-form');
    if (form) form.hidden = !decider || !open;
    const acts = node.querySelector('.actions');
    if (acts) acts.hidden = !decider || !open;
  }

  /* ---- control console ---------------------------------------------------------------- */
  /* the improvement plan is store data, not exercise state: fetched on its own */
  /* the improvement-plan matrix, in the order of the form and the table's columns */
  const PLAN_FIELDS = ['capability', 'issue', 'finding', 'action', 'element', 'owner', 'poc', 'start', 'due', 'status'];
  let planLoaded = 0;
  let planItems = [];
  let planEditing = null; /* id of the item in the plan form, null when adding */

  async function loadPlan() {
    planLoaded = Date.now();
    const r = await api('GET', '/api/plan');
    if (!r.ok || !r.json) return;
    planItems = r.json.items || [];
    const tb = $('plan-items');
    /* a close form being filled in is kept */
    const closing = tb.querySelector('tr.closing');
    const closingId = closing ? closing.getAttribute('data-closing') : null;
    const closingText = closing ? closing.querySelector('input').value : '';
    const closingFocus = !!closing && closing.contains(document.activeElement);
    tb.textContent = '';
    for (const it of planItems) {
      const acts = el('td', { class: 'pactions' });
      if (it.status === 'closed') {
        acts.append(el('span', { class: 'closed-note', text: 'Closed: ' + (it.closed_note || '') }));
      } else {
        acts.append(
          el('button', { type: 'button', class: 'plan-edit', text: 'Edit', 'aria-label': 'Edit plan item ' + it.id, on: { click: () => startPlanEdit(it.id) } }),
          ' ',
          el('button', { type: 'button', class: 'plan-close', text: 'Close…', 'aria-label': 'Close plan item ' + it.id, on: { click: () => startPlanClose(it.id) } })
        );
      }
      const tr = el('tr', { 'data-plan': String(it.id), 'data-status': it.status || '', class: 'st-' + String(it.status || 'open').replace(/ /g, '-') },
        el('th', { scope: 'row', text: String(it.id) }));
      for (const f of PLAN_FIELDS) tr.append(el('td', { 'data-field': f, text: it[f] || '' }));
      tr.append(acts);
      tb.append(tr);
      if (closingId === String(it.id) && it.status !== 'closed') startPlanClose(it.id, closingText, !closingFocus);
    }
  }

  function planForm(item) {
    for (const f of PLAN_FIELDS) $('plan-' + f).value = item ? item[f] || (f === 'status' ? 'open' : '') : f === 'status' ? 'open' : '';
  }

  function startPlanEdit(id) {
    const it = planItems.find((x) => x.id === id);
    if (!it) return;
    planEditing = id;
    planForm(it);
    setText($('plan-legend'), 'Edit item ' + id);
    setText($('plan-submit'), 'Save item ' + id);
    $('plan-cancel').hidden = false;
    $('plan-form').classList.add('editing');
    $('plan-capability').focus();
  }

  function stopPlanEdit() {
    planEditing = null;
    planForm(null);
    setText($('plan-legend'), 'Add an item');
    setText($('plan-submit'), 'Add item');
    $('plan-cancel').hidden = true;
    $('plan-form').classList.remove('editing');
  }

  /* closing asks why, in a row under the item (closing needs a note) */
  function startPlanClose(id, text, keepFocus) {
    const tb = $('plan-items');
    const old = tb.querySelector('tr.closing');
    if (old) old.remove();
    const row = tb.querySelector('tr[data-plan="' + id + '"]');
    if (!row) return;
    const inp = el('input', { id: 'plan-close-note', required: true, value: text || '' });
    const form = el('form', { class: 'plan-close-form' },
      el('label', { for: 'plan-close-note', text: 'Why is item ' + id + ' closed?' }), inp,
      el('button', { type: 'submit', text: 'Close item ' + id }),
      el('button', { type: 'button', class: 'quiet', text: 'Cancel', on: { click: () => { tr.remove(); row.querySelector('.plan-close').focus(); } } }));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const note = inp.value.trim();
      if (!note) return status('Say why item ' + id + ' is closed.', 'bad');
      status('Plan item ' + id + '…', 'busy');
      const c = await api('POST', '/api/plan', { verb: 'close', id: id, closed_note: note });
      if (c.status === 401) return lost();
      if (!c.ok) return status('Plan item ' + id + ': ' + errText(c), 'bad');
      tr.remove();
      status('Plan item ' + id + ': closed', 'good');
      if (planEditing === id) stopPlanEdit();
      loadPlan();
    });
    const tr = el('tr', { class: 'closing', 'data-closing': String(id) }, el('td', { colspan: String(PLAN_FIELDS.length + 2) }, form));
    row.after(tr);
    if (!keepFocus) inp.focus();
  }

  async function submitPlan() {
    const item = planEditing === null ? { verb: 'add' } : { verb: 'update', id: planEditing };
    const old = planEditing === null ? null : planItems.find((x) => x.id === planEditing) || {};
    for (const f of PLAN_FIELDS) {
      const v = $('plan-' + f).value.trim();
      if (!old) {
        if (v) item[f] = v;
      } else if (v !== (old[f] || '')) {
        item[f] = v || null; /* an emptied field is cleared */
      }
    }
    if (!$('plan-issue').value.trim()) return status('Plan item: the issue is required.', 'bad');
    if (old && Object.keys(item).length === 2) return status('Nothing to change.', 'bad');
    status('Plan item…', 'busy');
    const r = await api('POST', '/api/plan', item);
    if (r.status === 401) return lost();
    if (!r.ok) return status('Plan item' + (old ? ' ' + planEditing : '') + ': ' + errText(r), 'bad');
    status('Plan item ' + r.json.id + (old ? ': updated' : ': added'), 'good');
    stopPlanEdit();
    loadPlan();
  }

  function renderControl() {
    if (Date.now() - planLoaded > 30000) loadPlan();
    const c = state.clock || {};
    $('btn-start').disabled = !!c.started || !!c.ended;
    $('btn-pause').disabled = !c.started || !c.running || !!c.ended;
    $('btn-resume').disabled = !c.started || !!c.running || !!c.ended;
    $('report-link').classList.toggle('ended', !!c.ended);
    setText($('report-link'), c.ended ? 'After-action report (final)' : 'After-action report');
    $('btn-end').hidden = !!c.ended;
    if (c.ended) $('end-confirm').hidden = true;
    $('ended-note').hidden = !c.ended;
    document.body.classList.toggle('ended', !!c.ended);
    /* after the end nothing more is played: the clock and MSEL controls are off */
    for (const b of document.querySelectorAll('#speed-form button, #jump-form button, #add-form button, #edit-form button[type="submit"]')) b.disabled = !!c.ended;

    keyed(
      $('roster'),
      state.seats || [],
      (s) => s.id,
      (s) => el('li', { 'data-seat': s.id }, el('span', { class: 'dot', 'aria-hidden': 'true' }), el('span', { class: 'sname' }), el('span', { class: 'sstate' })),
      (li, s) => {
        setText(li.querySelector('.sname'), s.id + (s.name ? ' — ' + s.name : '') + (s.party ? ' (' + s.party + ')' : ''));
        const st = s.connected ? 'connected' : s.code_used ? 'joined, not connected' : 'not joined';
        setText(li.querySelector('.sstate'), st);
        li.className = s.connected ? 'on' : s.code_used ? 'idle' : 'off';
        li.setAttribute('data-connected', s.connected ? 'true' : 'false');
      }
    );

    const injects = (state.injects || []).slice();
    keyed(
      $('msel').tBodies[0],
      injects,
      (i) => i.id,
      (i) => {
        const tr = el('tr', { 'data-inject': i.id });
        tr.append(
          el('td', { class: 'at' }),
          el('th', { scope: 'row' }, el('span', { class: 'iid' }), ' ', el('span', { class: 'ititle' })),
          el('td', null, banner(i.label, i.label_style, 'mini')),
          el('td', { class: 'to' }),
          el('td', { class: 'istate' }),
          el(
            'td',
            { class: 'row' },
            el('button', { type: 'button', class: 'rel', text: 'Release', 'aria-label': 'Release ' + i.id, on: { click: () => input({ do: 'release', inject: i.id }, 'Release ' + i.id) } }),
            el('button', { type: 'button', class: 'hold', text: 'Hold', 'aria-label': 'Hold ' + i.id, on: { click: () => input({ do: 'hold', inject: i.id }, 'Hold ' + i.id) } }),
            el('button', { type: 'button', class: 'edit', text: 'Edit', 'aria-label': 'Edit ' + i.id, on: { click: () => startEdit(i.id) } })
          )
        );
        return tr;
      },
      (tr, i) => {
        setText(tr.querySelector('.at'), i.at_t !== null && i.at_t !== undefined ? fmtRel(i.at_t) : 'trigger');
        setText(tr.querySelector('.iid'), i.id);
        setText(tr.querySelector('.ititle'), i.title || '');
        updateBanner(tr.querySelector('.banner'), i.label, i.label_style);
        tr.querySelector('.banner').classList.add('mini');
        setText(tr.querySelector('.to'), [].concat(i.to || []).join(', '));
        setText(tr.querySelector('.istate'), i.state || '');
        tr.className = 'st-' + (i.state || 'pending');
        tr.setAttribute('data-state', i.state || '');
        const over = !!(state.clock && state.clock.ended);
        tr.querySelector('.rel').disabled = over || i.state === 'released';
        tr.querySelector('.hold').disabled = over || i.state !== 'pending';
        tr.querySelector('.edit').disabled = over || i.state === 'released';
      }
    );
    const dl = $('label-list');
    const labels = (state.you && state.you.labels) || [];
    if (dl.childNodes.length !== labels.length) {
      dl.textContent = '';
      for (const l of labels) dl.append(el('option', { value: l }));
    }

    const cons = state.consultations || [];
    const decs = state.decisions || [];
    keyed($('control-consultations'), cons, (c2) => c2.id, (c2) => consultCard(c2, false), (n, c2) => updateConsultCard(n, c2));
    keyed($('control-decisions'), decs, (d) => d.id, (d) => decisionCard(d, false), (n, d) => updateDecisionCard(n, d, false));
    $('board-empty').hidden = cons.length + decs.length > 0;

    const findings = (state.findings || []).slice().sort((a, b) => (b.seq || 0) - (a.seq || 0));
    const freshF = new Set();
    if (seenFindings) for (const f of findings) if (!seenFindings.has(f.seq)) {
      freshF.add(f.seq);
      announce('Finding: ' + f.guideline + ' ' + f.result + ' (' + f.subject + ')');
    }
    seenFindings = new Set(findings.map((f) => f.seq));
    keyed(
      $('findings'),
      findings,
      (f) => f.seq,
      (f) => el('li', { class: 'finding ' + (f.result === 'met' ? 'met' : 'missed'), 'data-guideline': f.guideline, 'data-result': f.result },
        el('strong', { text: f.result === 'met' ? 'MET' : 'MISSED' }), ' ',
        el('span', { text: f.guideline + ' on ' + f.subject + ' at ' + fmtRel(f.t) })),
      (li, f) => li.classList.toggle('new', freshF.has(f.seq))
    );
    $('findings-empty').hidden = findings.length > 0;

    keyed(
      $('objectives'),
      state.objectives || [],
      (o) => o.id,
      (o) => {
        const sel = el('select', { id: 'rate-' + o.id },
          el('option', { value: '', text: '—' }),
          el('option', { value: 'P', text: 'P — performed without challenges' }),
          el('option', { value: 'S', text: 'S — performed with some challenges' }),
          el('option', { value: 'M', text: 'M — performed with major challenges' }),
          el('option', { value: 'U', text: 'U — unable to be performed' }));
        const txt = el('input', { id: 'rate-text-' + o.id, placeholder: 'note (optional)' });
        const form = el('form', { class: 'rate-form row' },
          el('label', { for: 'rate-' + o.id, text: 'Rating' }), sel,
          el('label', { for: 'rate-text-' + o.id, class: 'visually-hidden', text: 'Rating note for ' + o.id }), txt,
          el('button', { type: 'submit', text: 'Rate' }));
        form.addEventListener('submit', async (ev) => {
          ev.preventDefault();
          if (!sel.value) return status('Choose a rating first.', 'bad');
          const obj = { do: 'rate', objective: o.id, rating: sel.value };
          if (txt.value.trim()) obj.text = txt.value.trim();
          if (await input(obj, 'Rate ' + o.id)) txt.value = '';
        });
        return el('li', { 'data-objective': o.id }, el('p', null, el('strong', { text: o.id }), ' ', el('span', { class: 'otext' }), ' ', el('span', { class: 'orating' })), form);
      },
      (li, o) => {
        setText(li.querySelector('.otext'), o.text || '');
        setText(li.querySelector('.orating'), o.rating ? 'rated ' + o.rating : 'not rated');
        li.setAttribute('data-rating', o.rating || '');
      }
    );

    const items = sortedItems();
    const fresh = trackNew(items);
    keyed($('control-items'), items, (i) => i.id, (i) => itemCard(i, false), (n, i) => updateItemCard(n, i, fresh.has(i.id)));
    renderNotes($('control-notes'));
  }

  function startEdit(id) {
    const inj = (state.injects || []).find((i) => i.id === id);
    if (!inj) return;
    editing = id;
    setText($('edit-id'), id);
    $('edit-title').value = inj.title || '';
    $('edit-body').value = '';
    $('edit-at').value = '';
    $('edit-form').hidden = false;
    $('edit-title').focus();
  }

  /* ---- seat view ---------------------------------------------------------------------- */
  function renderPlayer() {
    const items = sortedItems();
    const fresh = trackNew(items);
    keyed($('inbox'), items, (i) => i.id, (i) => itemCard(i, true), (n, i) => updateItemCard(n, i, fresh.has(i.id)));
    $('inbox-empty').hidden = items.length > 0;
    setText($('inbox-count'), items.length ? '(' + items.length + ')' : '');

    /* consultations this seat may ask for now (it is their requester and they have not started) */
    keyed(
      $('requestable'),
      state.requestable || [],
      (c) => c.id,
      (c) =>
        el(
          'p',
          { class: 'request' },
          el('button', {
            type: 'button',
            class: 'req-btn',
            text: 'Request consultation ' + c.id,
            onclick: () => input({ do: 'request', consultation: c.id }, 'request ' + c.id),
          }),
          ' ',
          el('span', { class: 'req-topic', text: c.topic || '' })
        ),
      () => {}
    );
    const cons = state.consultations || [];
    keyed($('consultations'), cons, (c) => c.id, (c) => consultCard(c, true), (n, c) => updateConsultCard(n, c));
    $('consult-empty').hidden = cons.length > 0 || (state.requestable || []).length > 0;
    const active = cons.filter((c) => c.state === 'in progress').length;
    setText($('consult-count'), active ? '(' + active + ')' : '');

    const decs = state.decisions || [];
    keyed($('decisions'), decs, (d) => d.id, (d) => decisionCard(d, true), (n, d) => updateDecisionCard(n, d, true));
    $('decide-empty').hidden = decs.length > 0;
    const open = decs.filter((d) => d.state === 'open').length;
    setText($('decide-count'), open ? '(' + open + ' open)' : '');

    /* recipients: every other seat */
    const me = state.you && state.you.seat;
    keyed(
      $('msg-to'),
      (state.seats || []).filter((s) => s.id !== me),
      (s) => s.id,
      (s) =>
        el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'to', value: s.id }), ' ', el('span', { class: 'sname' })),
      (lab, s) => setText(lab.querySelector('.sname'), s.id + (s.party ? ' (' + s.party + ')' : ''))
    );
    /* the label picker offers only what this seat may use */
    const sel = $('msg-label');
    const labels = (state.you && state.you.labels) || [];
    const have = Array.from(sel.options).map((o) => o.value);
    if (have.join('\n') !== labels.join('\n')) {
      const keep = sel.value;
      sel.textContent = '';
      for (const l of labels) sel.append(el('option', { value: l, text: l }));
      if (labels.indexOf(keep) >= 0) sel.value = keep;
    }
    updateBanner($('msg-label-banner'), sel.value, pickerStyle(sel.value));
    renderNotes($('notes'));
  }

  function renderNotes(ol) {
    const notes = (state.notes || []).slice().sort((a, b) => (b.seq || 0) - (a.seq || 0));
    keyed(
      ol,
      notes,
      (n) => n.seq,
      (n) => el('li', { 'data-seq': String(n.seq) }, el('span', { class: 'meta', text: fmtRel(n.t) + ' · ' + (n.seat || 'control') + ': ' }), el('span', { class: 'ntext', text: n.text })),
      () => {}
    );
  }

  function startReply(it) {
    replyTo = it.id;
    $('msg-reply').hidden = false;
    setText($('msg-reply-id'), it.id + (it.title ? ' — ' + it.title : ''));
    const sender = it.kind === 'message' ? it.from : null;
    for (const cb of document.querySelectorAll('#msg-to input')) if (sender && cb.value === sender) cb.checked = true;
    const sel = $('msg-label');
    if (Array.from(sel.options).some((o) => o.value === it.label)) sel.value = it.label;
    updateBanner($('msg-label-banner'), sel.value, pickerStyle(sel.value));
    $('msg-text').focus();
  }

  /* ---- wiring ------------------------------------------------------------------------- */
  function bindForm(id, fn) {
    $(id).addEventListener('submit', (ev) => {
      ev.preventDefault();
      fn();
    });
  }

  async function join() {
    const code = $('join-code').value.trim();
    setText($('join-error'), '');
    if (!code) {
      setText($('join-error'), 'Enter your join code.');
      return;
    }
    const r = await api('POST', '/api/join', { code: code });
    if (!r.ok || !r.json || !r.json.csrf) {
      setText($('join-error'), r.status === 401 ? 'That code was not accepted. Check it and try again.' : errText(r));
      $('join-code').select();
      return;
    }
    $('join-code').value = '';
    session.save(r.json);
    seenItems = null;
    seenFindings = null;
    myMarks = new Map();
    status('Joined as ' + (r.json.seat || 'exercise control') + '.', 'good');
    await refresh();
    startEvents();
    $('main').focus({ preventScroll: true });
  }

  async function logout() {
    await api('POST', '/api/logout', {});
    stopEvents();
    session.clear();
    state = null;
    status('You have left the exercise.', '');
    show('join');
  }

  function wire() {
    bindForm('join-form', join);
    $('logout').addEventListener('click', logout);
    $('btn-start').addEventListener('click', () => input({ do: 'start' }, 'Start'));
    $('btn-pause').addEventListener('click', () => input({ do: 'pause' }, 'Pause'));
    $('btn-resume').addEventListener('click', () => input({ do: 'resume' }, 'Resume'));
    bindForm('speed-form', () => input({ do: 'speed', factor: $('speed-factor').value.trim() }, 'Speed'));
    bindForm('jump-form', async () => {
      if (await input({ do: 'jump', to: $('jump-to').value.trim() }, 'Jump')) $('jump-to').value = '';
    });
    bindForm('edit-form', async () => {
      if (!editing) return;
      const obj = { do: 'edit', inject: editing };
      const inj = (state.injects || []).find((i) => i.id === editing) || {};
      const title = $('edit-title').value.trim();
      if (title && title !== inj.title) obj.title = title;
      if ($('edit-body').value.trim()) obj.body = $('edit-body').value.trim();
      if ($('edit-at').value.trim()) obj.at = $('edit-at').value.trim();
      if (Object.keys(obj).length === 2) return status('Nothing to change.', 'bad');
      if (await input(obj, 'Edit ' + editing)) {
        $('edit-form').hidden = true;
        editing = null;
      }
    });
    $('edit-cancel').addEventListener('click', () => {
      $('edit-form').hidden = true;
      editing = null;
    });
    bindForm('add-form', async () => {
      const inj = {
        id: $('add-id').value.trim(),
        title: $('add-title').value.trim(),
        label: $('add-label').value.trim(),
        from: $('add-from').value.trim(),
        to: $('add-to').value.split(',').map((s) => s.trim()).filter(Boolean),
        channel: $('add-channel').value.trim(),
      };
      if ($('add-body').value.trim()) inj.body = $('add-body').value.trim();
      if ($('add-at').value.trim()) inj.at = $('add-at').value.trim();
      if (await input({ do: 'add', inject: inj }, 'Add ' + inj.id)) {
        $('add-id').value = '';
        $('add-title').value = '';
        $('add-body').value = '';
        $('add-at').value = '';
      }
    });
    bindForm('search-form-c', () => runSearch('c'));
    bindForm('search-form-p', () => runSearch('p'));
    bindForm('control-note-form', async () => {
      const text = $('control-note').value.trim();
      if (text && (await input({ do: 'note', text: text }, 'Note'))) $('control-note').value = '';
    });
    bindForm('plan-form', submitPlan);
    $('plan-cancel').addEventListener('click', stopPlanEdit);
    $('btn-end').addEventListener('click', () => {
      $('end-confirm').hidden = false;
      $('btn-end').setAttribute('aria-expanded', 'true');
      $('btn-end-no').focus();
    });
    $('btn-end-no').addEventListener('click', () => {
      $('end-confirm').hidden = true;
      $('btn-end').setAttribute('aria-expanded', 'false');
      $('btn-end').focus();
    });
    $('btn-end-yes').addEventListener('click', async () => {
      $('btn-end-yes').disabled = true;
      const ok = await input({ do: 'end' }, 'End exercise');
      $('btn-end-yes').disabled = false;
      $('end-confirm').hidden = true;
      $('btn-end').setAttribute('aria-expanded', 'false');
      if (ok) {
        announce('The exercise has ended. The after-action report is final.');
        await refresh();
        $('report-link').focus();
      }
    });
    bindForm('note-form', async () => {
      const text = $('note-text').value.trim();
      if (text && (await input({ do: 'note', text: text }, 'Note'))) $('note-text').value = '';
    });
    $('msg-label').addEventListener('change', () =>
      updateBanner($('msg-label-banner'), $('msg-label').value, pickerStyle($('msg-label').value))
    );
    $('msg-reply-clear').addEventListener('click', () => {
      replyTo = null;
      $('msg-reply').hidden = true;
    });
    bindForm('msg-form', async () => {
      const to = Array.from(document.querySelectorAll('#msg-to input:checked')).map((c) => c.value);
      const text = $('msg-text').value.trim();
      if (!to.length) return status('Choose at least one seat to send to.', 'bad');
      if (!text) return status('Write the message first.', 'bad');
      const obj = { do: 'message', to: to, text: text, label: $('msg-label').value };
      if (replyTo) obj.reply_to = replyTo;
      if (window.caucusLang) obj.lang = window.caucusLang.lang; /* marked with the writer's language (i18n.js) */
      if (await input(obj, 'Message')) {
        $('msg-text').value = '';
        replyTo = null;
        $('msg-reply').hidden = true;
        for (const cb of document.querySelectorAll('#msg-to input:checked')) cb.checked = false;
      }
    });
    setInterval(tick, 500);
  }

  async function boot() {
    wire();
    session.load();
    if (!session.csrf) {
      show('join');
      return;
    }
    const r = await api('GET', '/api/state');
    if (!r.ok || !r.json) {
      session.clear();
      show('join');
      return;
    }
    state = r.json;
    stateAt = performance.now();
    render();
    startEvents();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
  else boot();
})();
