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
    'consult.force': (x) => 'Stage ended by control at ' + fmtRel(x.t),
    'consult.reopen': (x) => 'Stage re-opened by control at ' + fmtRel(x.t),
    'consult.extend': (x) => 'Deadline extended by control at ' + fmtRel(x.t),
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
  /* attention (docs/ui.md): items marked new until read, kept by the server per session (the
   * state's "unread", POST /api/read), so a reload or another tab of the session keeps them; the
   * items already announced are kept for this browser session (sessionStorage, per seat); an
   * optional sound and desktop notification on arrival */
  let unread = new Set();
  function attnKey(k) {
    return 'caucus.' + k + '.' + ((state && state.you && (state.you.seat || state.you.role)) || '');
  }
  function attnLoad() {
    try {
      const s = sessionStorage.getItem(attnKey('seen'));
      const u = sessionStorage.getItem(attnKey('unread'));
      if (s) seenItems = new Set(JSON.parse(s));
      if (u) unread = new Set(JSON.parse(u));
    } catch (e) {
      /* nothing kept */
    }
  }
  function attnSave() {
    try {
      sessionStorage.setItem(attnKey('seen'), JSON.stringify([...(seenItems || [])]));
      sessionStorage.setItem(attnKey('unread'), JSON.stringify([...unread]));
    } catch (e) {
      /* storage refused: marks last for this page only */
    }
  }
  let readPending = 0; /* POST /api/read in flight: a state fetched meanwhile may not show it yet */
  function markRead(id) {
    if (id === undefined) unread.clear();
    else unread.delete(id);
    attnSave();
    if (state) render();
    readPending++;
    api('POST', '/api/read', id === undefined ? { all: true } : { items: [id] }).then((r) => {
      readPending--;
      if (r.status === 401) return lost();
      if (r.ok && r.json && Array.isArray(r.json.unread) && state) {
        state.unread = r.json.unread; /* the session's marks as they now stand */
        unread = new Set(r.json.unread);
        render();
      }
    });
  }
  function alertArrival(items) {
    if (!items.length) return;
    const sound = $('opt-sound');
    if (sound && sound.checked && window.AudioContext) {
      try {
        const ac = new AudioContext();
        const o = ac.createOscillator();
        o.frequency.value = 660;
        o.connect(ac.destination);
        o.start();
        o.stop(ac.currentTime + 0.15);
      } catch (e) {
        /* no audio */
      }
    }
    if (window.Notification && Notification.permission === 'granted' && document.hidden) {
      try {
        new Notification('caucus: ' + items.length + ' new', { body: items.map((i) => i.id + ' ' + (i.title || i.text || '')).join('\n') });
      } catch (e) {
        /* not allowed here */
      }
    }
  }
  let seenFindings = null;
  let editing = null; /* inject id in the edit form */
  let lastRefusal = ''; /* the reason of the last input refused or in error (shown beside a form's field) */
  const forms = window.caucusForms;
  let addLabel = null, editLabel = null; /* the label composers (control-forms.js) */
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

  /* the server's affordances: may this seat do `act` on item (kind, id, option) now? */
  function may(act, kind, id, option) {
    return (state.affordances || []).some((a) => a.do === act && a[kind] === id && (option === undefined || a.option === option));
  }

  /* who really took a seat's act, when it was not the seat's person (docs/ui.md, "Hybrid seats") */
  function byMark(by) {
    return by === 'agent' ? ' (agent)' : by === 'control' ? ' (control for the seat)' : '';
  }

  /* an input with a text the writer wrote, marked with the page's language (docs/http-api.md) */
  function written(obj) {
    if (window.caucusLang) obj.lang = window.caucusLang.lang;
    return obj;
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
    a.append(msg instanceof Node ? el('p', null, msg) : el('p', { text: msg }));
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
    lastRefusal = '';
    if (!r.ok) {
      lastRefusal = (r.json && r.json.error) || errText(r);
      status((what || obj.do) + ': ' + errText(r), 'bad');
      return false;
    }
    if (r.json && r.json.refused) {
      lastRefusal = r.json.refused;
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
    lastSeq = -1;
    session.clear();
    state = null;
    show('join');
    return false;
  }

  /* ---- live updates ------------------------------------------------------------------- */
  /* The browser reconnects an EventSource by itself after a network error, but gives up for good
     after an HTTP error (a 429 while every stream of the session is taken, as after a few quick
     reloads; a 503): then this page reconnects, after 2 s, then 4, 8, ... up to 30 s, from the last
     event it had. A 401 ends the session, which the state's refresh finds. */
  let lastSeq = -1;
  let retryMs = 0;
  let retryTimer = null;

  function startEvents() {
    stopEvents();
    if (typeof EventSource !== 'function') return;
    const es = new EventSource(lastSeq >= 0 ? '/api/events?after=' + lastSeq : '/api/events');
    events = es;
    es.addEventListener('open', () => {
      retryMs = 0;
      linkState(true);
      scheduleRefresh(0);
    });
    es.addEventListener('error', () => {
      linkState(false);
      if (es.readyState !== EventSource.CLOSED || events !== es) return;
      retryMs = Math.min(retryMs ? retryMs * 2 : 2000, 30000);
      retryTimer = setTimeout(() => {
        retryTimer = null;
        if (events !== es) return;
        scheduleRefresh(0);
        startEvents();
      }, retryMs);
    });
    es.addEventListener('caucus', onEvent);
  }

  function stopEvents() {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
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
    if (e && typeof e.seq === 'number' && e.seq > lastSeq) lastSeq = e.seq;
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
    if (!seenItems) attnLoad(); /* after a reload: what arrived meanwhile is announced */
    /* the session's marks (while a mark is being sent, the page's own are newer) */
    const server = Array.isArray(state.unread) && !readPending ? new Set(state.unread) : null;
    if (seenItems) {
      for (const it of items) {
        if (!seenItems.has(it.id)) {
          fresh.add(it.id);
          if (!server) unread.add(it.id);
          if (it.kind === 'message' && !it.title && window.caucusLang) {
            /* a participant's words, marked with their language (i18n.js) */
            const w = el('span', { text: it.text || it.id });
            window.caucusLang.mark(w, it.lang);
            announce(el('span', null, 'New message:', ' ', w, ' [' + (it.label || '') + ']'));
          } else announce('New ' + (it.kind || 'item') + ': ' + (it.title || it.text || it.id) + ' [' + (it.label || '') + ']');
        }
      }
    }
    seenItems = seenItems ? new Set([...seenItems, ...ids]) : ids;
    if (server) unread = server;
    attnSave();
    alertArrival(items.filter((i) => fresh.has(i.id)));
    return new Set([...fresh].filter((id) => !server || server.has(id)).concat([...unread].filter((id) => ids.has(id))));
  }

  /* unread counts on the tabs and in the page title: "(3) caucus — ..." */
  function renderAttention() {
    const items = state.items || [];
    const n = items.filter((i) => unread.has(i.id)).length;
    const waiting = (state.waiting || []).length;
    setText($('inbox-count'), items.length ? '(' + items.length + (n ? ', ' + n + ' new' : '') + ')' : '');
    const total = n + waiting;
    document.title = (total ? '(' + total + ') ' : '') + document.title.replace(/^\(\d+\) /, '');
    const mr = $('mark-read');
    if (mr) mr.hidden = n === 0;
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
      el('h3', { id: 'item-h-' + it.id }, el('span', { class: 'new-mark', text: 'New', hidden: true }), el('span', { class: 'item-id' }), ' ', el('span', { class: 'item-title' })),
      meta,
      body,
      forSeat ? el('p', { class: 'marks', hidden: true }) : null,
      acts,
      banner(it.label, it.label_style, 'bottom')
    );
    if (forSeat) {
      if (it.kind !== 'message') {
        acts.append(
          el('button', { type: 'button', 'data-act': 'acknowledge', text: 'Acknowledge', on: { click: () => input({ do: 'acknowledge', inject: it.id }, 'Acknowledge ' + it.id) } }),
          el('button', { type: 'button', 'data-act': 'escalate', text: 'Escalate', on: { click: () => input({ do: 'escalate', inject: it.id }, 'Escalate ' + it.id) } })
        );
        const sel = el('select', { id: 'share-' + it.id, 'aria-label': 'Seat to share ' + it.id + ' with' });
        acts.append(
          el(
            'span',
            { class: 'share', 'data-act': 'share' },
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
          )
        );
      }
      acts.append(
        el('button', {
          type: 'button',
          class: 'quiet',
          'data-act': 'reply',
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
    node.querySelector('.item-title').classList.toggle('ui-word', !it.title); /* the page's word, not a title */
    let meta = fmtRel(it.t) + ' · ' + fmtAbs(it.t);
    if (it.from) meta += ' · from ' + it.from;
    if (it.to && it.to.length) meta += ' · to ' + [].concat(it.to).join(', ');
    if (it.channel) meta += ' · ' + it.channel;
    if (it.reply_to) meta += ' · reply to ' + it.reply_to;
    setText(node.querySelector('.meta'), meta);
    setText(node.querySelector('.body'), it.body || it.text || '');
    if (it.kind === 'message' && window.caucusLang) window.caucusLang.mark(node.querySelector('.body'), it.lang);
    node.classList.toggle('new', !!fresh);
    const nm = node.querySelector('.new-mark');
    if (nm) nm.hidden = !fresh; /* "New" in words, not only the outline (docs/ui.md) */
    node.setAttribute('data-unread', unread.has(it.id) ? 'true' : 'false');
    const sel = node.querySelector('select');
    if (sel) fillSeatSelect(sel);
    /* only the acts the engine would accept now (state.item_acts; docs/ui.md, "Seat view") */
    const can = state.item_acts ? state.item_acts[it.id] || [] : null;
    for (const a of node.querySelectorAll('[data-act]')) a.hidden = !!can && can.indexOf(a.getAttribute('data-act')) < 0;
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
        el('button', { type: 'button', text: 'Object', 'data-do': 'object', on: { click: () => input({ do: 'object', consultation: c.id }, 'Object in ' + c.id) } }),
        el('button', { type: 'button', text: 'Escalate', 'data-do': 'escalate', on: { click: () => input({ do: 'escalate', consultation: c.id }, 'Escalate ' + c.id) } }),
        el('button', { type: 'button', text: 'Remind', 'data-do': 'remind', title: 'Remind the participants who have not acted in this stage', on: { click: () => input({ do: 'remind', consultation: c.id }, 'Remind in ' + c.id) } })
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
        if (await input(written({ do: 'position', consultation: c.id, text: text }), 'Position in ' + c.id)) ta.value = '';
      });
      card.append(acts, form);
    } else {
      card.append(behalfForm(c), steerForm(c));
    }
    return card;
  }

  /* Control steers a consultation (docs/ui.md, "Control steers"): end the stage (complete, or the
   * consultation fails), extend its deadline, re-open the current stage. */
  function steerForm(c) {
    const what = el('select', { id: 'steer-' + c.id, class: 'steer-what' },
      el('option', { value: 'complete', text: 'End the stage as complete' }),
      el('option', { value: 'fail', text: 'End the consultation as failed' }),
      el('option', { value: 'extend', text: 'Extend the stage deadline by' }),
      el('option', { value: 'reopen', text: 'Re-open the current stage' }));
    const arg = el('input', { id: 'steer-arg-' + c.id, class: 'steer-arg', placeholder: 'reason, or a duration such as 1h' });
    const opt = el('select', { id: 'steer-opt-' + c.id, class: 'steer-option', hidden: true });
    const form = el('form', { class: 'steer-form row' },
      el('label', { for: 'steer-' + c.id, text: 'Steer' }), what,
      el('label', { for: 'steer-arg-' + c.id, class: 'visually-hidden', text: 'Reason or duration for ' + c.id }), arg,
      el('label', { for: 'steer-opt-' + c.id, class: 'visually-hidden', text: 'Outcome of the decision' }), opt,
      el('button', { type: 'submit', text: 'Apply' }));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const cur = (state.consultations || []).find((x) => x.id === c.id) || c;
      const v = arg.value.trim();
      let obj;
      if (what.value === 'extend') obj = { do: 'extend', consultation: c.id, duration: v };
      else if (what.value === 'reopen') obj = { do: 'reopen', consultation: c.id, stage: cur.stage, reason: v };
      else obj = { do: 'force', consultation: c.id, outcome: what.value, reason: v };
      if (what.value === 'complete' && !opt.hidden && opt.value) obj.option = opt.value;
      if (!v && what.value !== 'reopen') return status(what.value === 'extend' ? 'Give the duration first (e.g. 1h).' : 'Give the reason first.', 'bad');
      if (await input(obj, 'Steer ' + c.id)) arg.value = '';
    });
    return form;
  }

  function updateSteerForm(node, c) {
    const form = node.querySelector('.steer-form');
    if (!form) return;
    form.hidden = c.state !== 'in progress' || !!(state.clock && state.clock.ended);
    /* a decide stage that decides its decision: control names the outcome */
    const d = c.stage_kind === 'decide' ? (state.decisions || []).find((x) => x.id === c.decision && x.state === 'open') : null;
    const opt = form.querySelector('.steer-option');
    opt.hidden = !d;
    fillSelect(opt, d ? (d.options || []).map((o) => o.id) : []);
  }

  /* Control acts in a consultation's current stage on behalf of a participant who has not acted
   * (nobody fills the seat): the server records "by": "control". A decide stage is voted on under
   * Decisions. */
  function behalfForm(c) {
    const sel = el('select', { id: 'behalf-' + c.id, class: 'behalf-seat' });
    const txt = el('input', { id: 'behalf-text-' + c.id, class: 'behalf-text', placeholder: 'position text' });
    const form = el('form', { class: 'behalf-form row' },
      el('label', { for: 'behalf-' + c.id, text: 'Act for' }), sel,
      el('label', { for: 'behalf-text-' + c.id, class: 'visually-hidden', text: 'Position for the seat in ' + c.id }), txt,
      el('button', { type: 'submit', class: 'behalf-act', text: 'Act for the seat' }));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const cur = (state.consultations || []).find((x) => x.id === c.id) || c;
      if (!sel.value) return status('Choose the seat first.', 'bad');
      const obj = { do: 'acknowledge', seat: sel.value, consultation: c.id };
      if (cur.stage_kind === 'positions') {
        if (!txt.value.trim()) return status('Write the position first.', 'bad');
        obj.do = 'position';
        obj.text = txt.value.trim();
      }
      if (await input(obj, 'Act for ' + sel.value + ' in ' + c.id)) txt.value = '';
    });
    return form;
  }

  function updateBehalfForm(node, c) {
    const form = node.querySelector('.behalf-form');
    if (!form) return;
    const acks = c.acks || [];
    const waiting = c.state === 'in progress' && c.stage_kind !== 'decide' && !c.revising ? (c.participants || []).filter((s) => acks.indexOf(s) < 0) : [];
    form.hidden = waiting.length === 0 || !!(state.clock && state.clock.ended);
    const sel = form.querySelector('select');
    const keep = sel.value;
    if (sel.options.length !== waiting.length || [...sel.options].some((o, k) => o.value !== waiting[k])) {
      sel.textContent = '';
      for (const s of waiting) sel.append(el('option', { value: s, text: s }));
      if (waiting.indexOf(keep) >= 0) sel.value = keep;
    }
    form.querySelector('.behalf-text').hidden = c.stage_kind !== 'positions';
    setText(form.querySelector('.behalf-act'), c.stage_kind === 'positions' ? 'Post position for the seat' : (STAGE_ACTION[c.stage_kind] || 'Act') + ' for the seat');
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
    const by = c.acted_by || {};
    setText(node.querySelector('.who-acted'), 'Participants: ' + (parts.join(', ') || '—') + '. Acted in this stage: ' + (acks.map((s) => s + byMark(by[s])).join(', ') || 'nobody yet') +
      (objectors.length ? '. Objected in this round: ' + objectors.join(', ') : ''));
    const ul = node.querySelector('.positions');
    keyed(
      ul,
      c.positions || [],
      (p) => p.seat + '|' + p.text,
      (p) => {
        const t = el('span', { text: p.text });
        const li = el('li', null, el('strong', { text: p.seat + byMark(p.by) }), ': ', t);
        if (window.caucusLang) window.caucusLang.mark(t, p.lang);
        return li;
      },
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
      /* a seat is offered only what the server would accept now (state.affordances); positions are
       * posted with the form below, and a decide stage is voted under Decisions */
      setText(act, STAGE_ACTION[c.stage_kind] || 'Act in this stage');
      act.hidden = c.stage_kind === 'positions' || !may('acknowledge', 'consultation', c.id);
      const me = state.you && state.you.seat;
      act.setAttribute('aria-pressed', acks.indexOf(me) >= 0 ? 'true' : 'false');
      for (const b of node.querySelectorAll('.actions button[data-do]')) b.hidden = !may(b.getAttribute('data-do'), 'consultation', c.id);
    }
    const form = node.querySelector('.position-form');
    /* a position may be stated in any stage; the form is offered where positions are the work */
    if (form) form.hidden = !may('position', 'consultation', c.id) || (c.stage_kind !== 'positions' && c.stage_kind !== 'assess');
    updateBehalfForm(node, c);
    updateSteerForm(node, c);
    if (!act) for (const b of node.querySelectorAll('.actions button')) b.disabled = done;
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
        if (await input(written({ do: 'propose', decision: d.id, text: text }), 'Proposal on ' + d.id)) ta.value = '';
      });
      card.append(
        form,
        el('div', { class: 'row actions' },
          el('button', { type: 'button', text: 'Object', on: { click: () => input({ do: 'object', decision: d.id }, 'Object to ' + d.id) } }))
      );
    } else {
      /* control votes on behalf of a decider nobody fills (recorded "by": "control") */
      const who = el('select', { id: 'vfor-' + d.id, class: 'vote-for-seat' });
      const opt = el('select', { id: 'vfor-opt-' + d.id, class: 'vote-for-option' });
      const form = el('form', { class: 'vote-for-form row' },
        el('label', { for: 'vfor-' + d.id, text: 'Vote for' }), who,
        el('label', { for: 'vfor-opt-' + d.id, text: 'option' }), opt,
        el('button', { type: 'submit', text: 'Vote for the seat' }));
      const dur = el('input', { id: 'dext-' + d.id, class: 'extend-duration', placeholder: '1h' });
      const ext = el('form', { class: 'extend-form row' },
        el('label', { for: 'dext-' + d.id, text: 'Extend the deadline by' }), dur,
        el('button', { type: 'submit', text: 'Extend' }));
      ext.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        if (!dur.value.trim()) return status('Give the duration first (e.g. 1h).', 'bad');
        if (await input({ do: 'extend', decision: d.id, duration: dur.value.trim() }, 'Extend ' + d.id)) dur.value = '';
      });
      card.append(ext);
      form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        if (!who.value || !opt.value) return status('Choose the seat and the option first.', 'bad');
        input({ do: 'vote', seat: who.value, decision: d.id, option: opt.value }, 'Vote for ' + who.value + ' on ' + d.id);
      });
      card.append(form);
    }
    return card;
  }

  function fillSelect(sel, values) {
    if (sel.options.length === values.length && [...sel.options].every((o, k) => o.value === values[k])) return;
    const keep = sel.value;
    sel.textContent = '';
    for (const v of values) sel.append(el('option', { value: v, text: v }));
    if (values.indexOf(keep) >= 0) sel.value = keep;
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
        const li = el('li', { 'data-option': o.id }, el('span', { class: 'otext' }), ' ', el('span', { class: 'omark', text: 'decided', hidden: true }), ' ', el('span', { class: 'ovotes' }));
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
        if (o.by && window.caucusLang) window.caucusLang.mark(li.querySelector('.otext'), o.lang); /* a proposal */
        const by = Object.keys(votes).filter((s) => votes[s] === o.id);
        const vb = d.votes_by || {};
        setText(li.querySelector('.ovotes'), by.length ? '— votes: ' + by.map((s) => s + byMark(vb[s])).join(', ') : '');
        li.classList.toggle('chosen', d.outcome === o.id);
        li.querySelector('.omark').hidden = d.outcome !== o.id; /* not by colour alone (docs/ui.md) */
        const b = li.querySelector('button.vote');
        if (b) {
          b.hidden = !may('vote', 'decision', d.id, o.id);
          b.disabled = !open;
          b.setAttribute('aria-pressed', votes[me] === o.id ? 'true' : 'false');
        }
      }
    );
    const form = node.querySelector('.propose-form');
    if (form) form.hidden = forSeat ? !may('propose', 'decision', d.id) : !decider || !open;
    const ef = node.querySelector('.extend-form');
    if (ef) ef.hidden = !open || d.deadline_t === null || d.deadline_t === undefined || !!(state.clock && state.clock.ended);
    const vf = node.querySelector('.vote-for-form');
    if (vf) {
      const pending = (d.deciders || []).filter((s) => !votes[s]);
      vf.hidden = !open || pending.length === 0 || !!(state.clock && state.clock.ended);
      fillSelect(vf.querySelector('.vote-for-seat'), pending);
      fillSelect(vf.querySelector('.vote-for-option'), (d.options || []).map((o) => o.id));
    }
    const acts = node.querySelector('.actions');
    if (acts) acts.hidden = forSeat ? !may('object', 'decision', d.id) : !decider || !open;
  }

  /* control's add-inject form offers the scenario's senders, recipients, channels and labels
   * (state.pickers); reset: back to the defaults (control, all, message, the first label) */
  function fillPickers(reset) {
    const pk = state.pickers || {};
    const sets = [['add-from', pk.senders, 'control'], ['add-channel', pk.channels, 'message'], ['add-label', pk.labels, null], ['add-to', pk.recipients, 'all'], ['edit-to', editRecipients(pk), null]];
    /* the composers offer every label the policy allows; the add form's starts from its preset */
    if (!addLabel) addLabel = forms.composer($('add-label-parts'));
    if (!editLabel) editLabel = forms.composer($('edit-label-parts'));
    addLabel.refresh(pk.label_parts);
    editLabel.refresh(pk.label_parts);
    let freshLabel = reset;
    for (const [id, values, dflt] of sets) {
      const sel = $(id);
      if (!values) continue;
      let r = reset;
      const same = sel.options.length === values.length && [...sel.options].every((o, k) => o.value === values[k]);
      if (!same) {
        const keep = [...sel.selectedOptions].map((o) => o.value);
        sel.textContent = '';
        for (const v of values) sel.append(el('option', { value: v, text: v || '(unchanged)' }));
        for (const o of sel.options) o.selected = keep.indexOf(o.value) >= 0;
        if (!keep.length) r = true;
      }
      if (r && id === 'add-label') freshLabel = true;
      if (r && id !== 'edit-to') for (const o of sel.options) o.selected = dflt !== null ? o.value === dflt : o.index === 0;
    }
    if (freshLabel && pk.label_parts) addLabel.set($('add-label').value);
  }

  /* a new join code for a seat: the old one stops working and its sessions end */
  async function reissue(seat) {
    status('New code for ' + seat + '…', 'busy');
    const r = await api('POST', '/api/reissue', { seat: seat });
    if (r.status === 401) return lost();
    if (!r.ok) return status('New code for ' + seat + ': ' + errText(r), 'bad');
    status('New join code for ' + seat + ': ' + r.json.code + ' (the old one no longer works)', 'good');
    scheduleRefresh(0);
  }

  function renderStuck() {
    const list = state.stuck || [];
    keyed(
      $('stuck'),
      list,
      (x) => x.kind + ':' + x.id,
      (x) => el('li', { 'data-id': x.id, 'data-kind': x.kind }, el('strong', { class: 'sid' }), ' ', el('span', { class: 'swhat' })),
      (li, x) => {
        setText(li.querySelector('.sid'), x.id + (x.stage ? ' · ' + x.stage : ''));
        const who = (x.waiting_for || []).map((s) => {
          const seat = (state.seats || []).find((y) => y.id === s);
          return s + (seat && seat.played_by === 'agent' ? ' (agent)' : seat && !seat.connected ? ' (not connected)' : '');
        });
        setText(li.querySelector('.swhat'), 'waits for ' + (who.join(', ') || 'nobody (its rule is not met yet)') +
          (x.since_t !== null && x.since_t !== undefined ? ' since ' + fmtRel(x.since_t) + ' (' + fmtDur(x.waiting_ms) + ')' : '') +
          (x.overdue ? ' — deadline passed' : ''));
        li.classList.toggle('overdue', !!x.overdue);
        li.setAttribute('data-overdue', x.overdue ? 'true' : 'false');
      }
    );
    $('stuck-empty').hidden = list.length > 0;
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

  /* control's questionnaires: when each is sent, how many of the seats asked answered; Hotwash and
   * Send now (docs/ui.md, "Finishing the report") */
  function renderQuestionnaires() {
    const qs = state.questionnaires || [];
    $('eval-panel').hidden = qs.length === 0;
    const ended = !!(state.clock || {}).ended;
    $('btn-hotwash').disabled = ended || !qs.some((q) => q.send === 'end' && q.sent_t === null);
    keyed(
      $('questionnaires'),
      qs,
      (q) => q.id,
      (q) =>
        el('li', { class: 'questionnaire' }, el('span', { class: 'q-text' }), ' ',
          el('button', { type: 'button', class: 'q-send', text: 'Send now',
            onclick: () => input({ do: 'send', questionnaire: q.id }, 'send ' + q.id) })),
      (n, q) => {
        setText(n.querySelector('.q-text'), q.id + ' ' + (q.title || '') + ': ' +
          (q.sent_t === null ? 'not sent (' + (q.send === 'end' ? 'at the hotwash' : q.send === 'control' ? 'by control' : 'at the end of ' + q.send) + ')'
            : 'sent ' + fmtRel(q.sent_t) + ', ' + q.answered + ' of ' + q.asked + ' answered'));
        n.querySelector('.q-send').hidden = q.sent_t !== null || ended;
      }
    );
  }

  function renderControl() {
    if (Date.now() - planLoaded > 30000) loadPlan();
    renderQuestionnaires();
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
      (s) => el('li', { 'data-seat': s.id }, el('span', { class: 'dot', 'aria-hidden': 'true' }), el('span', { class: 'sname' }), el('span', { class: 'sstate' }),
        /* hybrid seats: control hands a seat to its agent policy and back (docs/ui.md) */
        s.agent ? el('button', { type: 'button', class: 'play', on: { click: (ev) => {
          const agent = ev.currentTarget.getAttribute('data-by') !== 'agent';
          input({ do: 'play', seat: s.id, by: agent ? 'agent' : 'person' }, (agent ? 'Hand ' + s.id + ' to its agent' : 'Take ' + s.id + ' back from its agent'));
        } } }) : null,
        el('button', { type: 'button', class: 'reissue', text: 'New code', 'aria-label': 'New code for ' + s.id, on: { click: () => reissue(s.id) } })),
      (li, s) => {
        setText(li.querySelector('.sname'), s.id + (s.name ? ' — ' + s.name : '') + (s.party ? ' (' + s.party + ')' : ''));
        const st = (s.played_by === 'agent' ? 'agent plays · ' : '') + (s.connected ? 'connected' : s.code_used ? 'joined, not connected' : 'not joined');
        setText(li.querySelector('.sstate'), st);
        li.setAttribute('data-played-by', s.played_by || 'person');
        const pb = li.querySelector('button.play');
        if (pb) {
          pb.setAttribute('data-by', s.played_by || 'person');
          setText(pb, s.played_by === 'agent' ? 'Play by a person' : 'Play by agent');
          /* the accessible name starts with the visible text (WCAG 2.5.3, docs/ui.md) */
          pb.setAttribute('aria-label', s.played_by === 'agent' ? 'Play by a person (take ' + s.id + ' back from its agent)' : 'Play by agent (hand ' + s.id + ' to its agent ' + s.agent + ')');
          pb.disabled = !!(state.clock && state.clock.ended);
        }
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
            el('button', { type: 'button', class: 'edit', text: 'Edit', 'aria-label': 'Edit ' + i.id, on: { click: () => startEdit(i.id) } }),
            el('button', { type: 'button', class: 'skip', text: 'Skip chain', 'aria-label': 'Skip ' + i.id + ' and the injects triggered after it', on: { click: () => input({ do: 'skip', inject: i.id }, 'Skip ' + i.id) } })
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
        tr.querySelector('.edit').disabled = over; /* a released inject's label and recipients still change */
        tr.querySelector('.skip').disabled = over || i.state === 'released';
      }
    );
    const dl = $('label-list');
    const labels = (state.you && state.you.labels) || [];
    if (dl.childNodes.length !== labels.length) {
      dl.textContent = '';
      for (const l of labels) dl.append(el('option', { value: l }));
    }
    fillPickers(false);

    renderStuck();
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
        return el('li', { 'data-objective': o.id }, el('p', null, el('strong', { text: o.id }), ' ', el('span', { class: 'otext' }), ' ', el('span', { class: 'orating' })), form,
          el('ul', { class: 'obj-observations', 'aria-label': 'Evaluators\' observations of ' + o.id }));
      },
      (li, o) => {
        setText(li.querySelector('.otext'), o.text || '');
        setText(li.querySelector('.orating'), o.rating ? 'rated ' + o.rating : 'not rated');
        li.setAttribute('data-rating', o.rating || '');
        /* the evaluators' observations of this objective, as they come (state.observations) */
        const mine = (state.observations || []).filter((b) => b.objective === o.id);
        keyed(li.querySelector('.obj-observations'), mine, (b) => b.seq,
          (b) => el('li', { class: 'obj-observation', 'data-observation': b.observation || '' },
            el('strong', { text: (b.observation || '') + ' ' + (b.kind || '') + (b.rating ? ' ' + b.rating : '') }), ' ',
            el('span', { text: (b.by || '') + ' at ' + fmtRel(b.t) + ': ' + (b.text || '') +
              (b.evidence && b.evidence.length ? ' (evidence ' + b.evidence.map((x) => '#' + x).join(', ') + ')' : '') })),
          () => {});
      }
    );

    const items = sortedItems();
    const fresh = trackNew(items);
    keyed($('control-items'), items, (i) => i.id, (i) => itemCard(i, false), (n, i) => updateItemCard(n, i, fresh.has(i.id)));
    renderNotes($('control-notes'));
  }

  /* the edit form's recipients: the scenario's, and whatever the inject being edited names besides */
  function editRecipients(pk) {
    if (!pk.recipients) return null;
    const inj = editing && (state.injects || []).find((i) => i.id === editing);
    const extra = [].concat((inj && inj.to) || []).filter((r) => pk.recipients.indexOf(r) < 0);
    return pk.recipients.concat(extra);
  }

  /* the edit form: before the release every field, after it the label and recipients only
   * (docs/cli.md, "Control edits an inject"); the time is picked on the exercise's clock */
  function startEdit(id) {
    const inj = (state.injects || []).find((i) => i.id === id);
    if (!inj) return;
    editing = id;
    clearEditErrors();
    const released = inj.state === 'released';
    setText($('edit-id'), id);
    $('edit-released').hidden = !released;
    $('edit-text').hidden = released;
    $('edit-title').value = inj.title || '';
    $('edit-body').value = '';
    const c = state.clock || {};
    forms.bound($('edit-at'), c);
    $('edit-at').value = inj.at_t !== null && inj.at_t !== undefined ? forms.localOf(inj.at_t, c) : '';
    $('edit-at').dataset.was = $('edit-at').value;
    if (editLabel) editLabel.set(inj.label || '');
    fillPickers(false);
    const to = [].concat(inj.to || []);
    for (const o of $('edit-to').options) o.selected = to.indexOf(o.value) >= 0;
    $('edit-reason').value = '';
    $('edit-form').hidden = false;
    (released ? $('edit-label-parts').querySelector('select') : $('edit-title')).focus();
  }

  function clearEditErrors() {
    for (const f of ['title', 'at', 'label', 'to', 'reason', '']) {
      const n = $(f ? 'edit-' + f + '-error' : 'edit-error');
      n.hidden = true;
      setText(n, '');
    }
  }

  /* an error beside the field it is about (the form's own line when it is about none) */
  function editError(reason) {
    const f = forms.fieldOf(reason);
    const hidden = (f === 'title' || f === 'at') && $('edit-text').hidden;
    const n = $(f && !hidden ? 'edit-' + f + '-error' : 'edit-error');
    setText(n, reason);
    n.hidden = false;
    n.scrollIntoView({ block: 'nearest' });
  }

  function stopEdit() {
    $('edit-form').reset();
    clearEditErrors();
    $('edit-form').hidden = true;
    editing = null;
  }

  async function submitEdit() {
    if (!editing) return;
    clearEditErrors();
    const obj = { do: 'edit', inject: editing };
    const inj = (state.injects || []).find((i) => i.id === editing) || {};
    if (inj.state !== 'released') {
      const title = $('edit-title').value.trim();
      if (title && title !== inj.title) obj.title = title;
      if ($('edit-body').value.trim()) obj.body = $('edit-body').value.trim();
      const at = $('edit-at').value;
      if (at && at !== $('edit-at').dataset.was) {
        const t = forms.scenarioOf(at, state.clock || {});
        if (!t) return editError('The time must be a date and time within the exercise.');
        obj.at = t;
      }
    }
    const label = editLabel ? editLabel.value() : '';
    if (label && label !== inj.label) obj.label = label;
    const to = [...$('edit-to').selectedOptions].map((o) => o.value);
    if (!to.length) return editError('Choose at least one recipient ("to").');
    if (to.slice().sort().join('\n') !== [].concat(inj.to || []).sort().join('\n')) obj.to = to;
    if ($('edit-reason').value.trim()) obj.reason = $('edit-reason').value.trim();
    if (Object.keys(obj).length === 2 || (Object.keys(obj).length === 3 && obj.reason)) return editError('Nothing to change.');
    if (await input(obj, 'Edit ' + editing)) stopEdit();
    else editError(lastRefusal || 'refused');
  }

  /* ---- seat view ---------------------------------------------------------------------- */
  /* "Waiting for you": what the seat is expected to do now, first on the page */
  const WAIT_TEXT = { acknowledge: 'act in', position: 'post your position in', vote: 'vote on' };
  function renderWaiting() {
    const list = state.waiting || [];
    keyed(
      $('waiting'),
      list,
      (w) => w.kind + ':' + w.id,
      (w) => el('li', { 'data-kind': w.kind, 'data-id': w.id }, el('a', { href: '#' })),
      (li, w) => {
        const item = ((w.kind === 'decision' ? state.decisions : state.consultations) || []).find((x) => x.id === w.id) || {};
        const a = li.querySelector('a');
        a.setAttribute('href', '#' + (w.kind === 'decision' ? 'd-h-' : 'c-h-') + w.id);
        const stage = w.kind === 'consultation' && item.stage ? ' (stage ' + item.stage + ')' : '';
        setText(a, (WAIT_TEXT[w.do] || w.do) + ' ' + w.id + (item.topic || item.question ? ' — ' + (item.topic || item.question) : '') + stage);
      }
    );
    $('waiting-empty').hidden = list.length > 0;
  }

  function renderPlayer() {
    const items = sortedItems();
    const fresh = trackNew(items);
    keyed($('inbox'), items, (i) => i.id, (i) => itemCard(i, true), (n, i) => updateItemCard(n, i, fresh.has(i.id)));
    $('inbox-empty').hidden = items.length > 0;

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
    renderWaiting();
    const cons = state.consultations || [];
    keyed($('consultations'), cons, (c) => c.id, (c) => consultCard(c, true), (n, c) => updateConsultCard(n, c));
    keyed(
      $('upcoming'),
      state.upcoming || [],
      (u) => u.consultation,
      (u) => el('li', { 'data-upcoming': u.consultation }),
      (li, u) => setText(li, u.consultation + (u.topic ? ' — ' + u.topic : '') + ': in progress (now ' + u.current + '); you take part from stage ' + u.stage)
    );
    $('consult-empty').hidden = cons.length > 0 || (state.requestable || []).length > 0 || (state.upcoming || []).length > 0;
    const active = cons.filter((c) => c.state === 'in progress').length;
    const wc = (state.waiting || []).filter((w) => w.kind === 'consultation').length;
    setText($('consult-count'), active ? '(' + active + (wc ? ', ' + wc + ' for you' : '') + ')' : '');

    const decs = state.decisions || [];
    keyed($('decisions'), decs, (d) => d.id, (d) => decisionCard(d, true), (n, d) => updateDecisionCard(n, d, true));
    $('decide-empty').hidden = decs.length > 0;
    const open = decs.filter((d) => d.state === 'open').length;
    const wd = (state.waiting || []).filter((w) => w.kind === 'decision').length;
    setText($('decide-count'), open ? '(' + open + ' open' + (wd ? ', ' + wd + ' for you' : '') + ')' : '');

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
    renderFeedback();
    renderScoring();
    renderObserve();
    renderNotes($('notes'));
    renderAttention();
  }

  /* ---- participant feedback (docs/ui.md): one form per questionnaire sent to this seat ---- */
  function questionField(q, qn, k, prev) {
    const name = 'fb-' + qn + '-' + k.id;
    const req = k.required ? ' (required)' : '';
    const box = el('fieldset', { class: 'fb-q', 'data-q': k.id, 'data-kind': k.kind },
      el('legend', { text: k.text + req }));
    if (k.kind === 'likert') {
      const row = el('div', { class: 'fb-scale' });
      for (let i = 1; i <= (k.scale || 5); i++)
        row.append(el('label', { class: 'check' },
          el('input', { type: 'radio', name: name, value: String(i), checked: prev === i }), ' ' + i));
      box.append(row);
    } else if (k.kind === 'choice') {
      const many = k.multiple;
      const chosen = Array.isArray(prev) ? prev : prev ? [prev] : [];
      for (const o of k.options || [])
        box.append(el('label', { class: 'check' },
          el('input', { type: many ? 'checkbox' : 'radio', name: name, value: o.id, checked: chosen.indexOf(o.id) >= 0 }),
          ' ' + (o.text || o.id)));
    } else {
      box.append(el('textarea', { name: name, rows: 3, maxlength: 2000, 'aria-label': k.text }));
      if (typeof prev === 'string') box.querySelector('textarea').value = prev;
    }
    box.append(el('p', { class: 'fb-missing', hidden: true, text: 'This question needs an answer.' }));
    return box;
  }

  function feedbackAnswers(form, q) {
    const answers = {};
    let missing = false;
    for (const k of q.questions) {
      const box = form.querySelector('[data-q="' + CSS.escape(k.id) + '"]');
      let v;
      if (k.kind === 'text') {
        const t = box.querySelector('textarea').value.trim();
        if (t) v = t;
      } else {
        const on = Array.from(box.querySelectorAll('input:checked')).map((i) => i.value);
        if (k.kind === 'likert' && on.length) v = parseInt(on[0], 10);
        else if (k.kind === 'choice' && on.length) v = k.multiple ? on : on[0];
      }
      box.querySelector('.fb-missing').hidden = !(k.required && v === undefined);
      if (k.required && v === undefined) missing = true;
      if (v !== undefined) answers[k.id] = v;
    }
    return missing ? null : answers;
  }

  function feedbackCard(q) {
    const form = el('form', { class: 'card fb-form' });
    form.append(el('h3', { text: (q.title || q.id) + ' (' + q.id + ')' }));
    if (q.label) form.append(banner(q.label, pickerStyle(q.label)));
    const prev = q.answer || {};
    for (const k of q.questions) form.append(questionField(q, q.id, k, prev[k.id]));
    form.append(el('p', { class: 'fb-sent', text: q.answer ? 'Answers sent; you may change them and send again.' : '' }));
    form.append(el('button', { type: 'submit', text: 'Send answers' }));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const answers = feedbackAnswers(form, q);
      if (!answers) return status('Answer the questions marked as required.', 'bad');
      input({ do: 'answer', questionnaire: q.id, answers: answers }, 'answers to ' + q.id);
    });
    return form;
  }

  function renderFeedback() {
    const qs = state.questionnaires || [];
    $('feedback-panel').hidden = qs.length === 0;
    keyed($('feedback'), qs, (q) => q.id, feedbackCard, (n, q) =>
      setText(n.querySelector('.fb-sent'), q.answer ? 'Answers sent; you may change them and send again.' : ''));
  }

  /* ---- the evaluator's observation form (docs/ui.md, "Evaluator view"): pickers from its guides;
   * the form is a draft kept in this tab's sessionStorage as it is typed ---- */
  const OBS_FIELDS = ['objective', 'target', 'task', 'kind', 'rating', 'text', 'root_cause', 'recommendation', 'evidence', 'label'];
  function obsDraftKey() {
    return 'caucus-observation-' + ((state && state.you && state.you.seat) || '');
  }
  function fillSelect(sel, values, keepEmpty) {
    const want = (keepEmpty ? [''] : []).concat(values.map((v) => v[0]));
    const have = Array.from(sel.options).map((o) => o.value);
    if (have.join('\n') === want.join('\n')) return;
    const keep = sel.value;
    sel.textContent = '';
    if (keepEmpty) sel.append(el('option', { value: '', text: '(none)' }));
    for (const [v, t] of values) sel.append(el('option', { value: v, text: t }));
    if (want.indexOf(keep) >= 0) sel.value = keep;
  }
  function obsPickers() {
    const f = $('obs-form');
    const guides = state.guides || [];
    const objs = (state.objectives || []).filter((o) => guides.some((g) => g.objective === o.id));
    fillSelect(f.objective, objs.map((o) => [o.id, o.id + ': ' + (o.title || '')]), false);
    const g = guides.find((x) => x.objective === f.objective.value);
    const targets = g ? g.targets : [];
    fillSelect(f.target, targets.map((t) => [t.id, t.id + ': ' + (t.text || '')]), true);
    const t = targets.find((x) => x.id === f.target.value);
    fillSelect(f.task, (t ? t.tasks : []).map((k) => [k.id, k.id + ': ' + (k.text || '') + (k.observe ? ' (observe: ' + k.observe + ')' : '')]), true);
    fillSelect(f.label, ((state.you && state.you.labels) || []).map((l) => [l, l]), false);
  }
  let obsRestored = false;
  function renderObserve() {
    const isEval = state.you && state.you.role === 'evaluator';
    $('observe-panel').hidden = !isEval;
    if (!isEval) return;
    const f = $('obs-form');
    if (!obsRestored) {
      obsRestored = true;
      let d = null;
      try {
        d = JSON.parse(sessionStorage.getItem(obsDraftKey()) || 'null');
      } catch (e) {
        d = null;
      }
      obsPickers();
      for (const k of OBS_FIELDS) {
        if (!d || d[k] === undefined) continue;
        f[k].value = d[k];
        if (k === 'objective' || k === 'target') obsPickers();
      }
      f.addEventListener('input', () => {
        obsPickers();
        const d2 = {};
        for (const k of OBS_FIELDS) d2[k] = f[k].value;
        sessionStorage.setItem(obsDraftKey(), JSON.stringify(d2));
      });
      f.addEventListener('submit', async (e) => {
        e.preventDefault();
        const o = { do: 'observe', objective: f.objective.value, kind: f.kind.value, text: f.text.value.trim(), label: f.label.value };
        for (const k of ['target', 'task', 'rating', 'root_cause', 'recommendation']) if (f[k].value.trim()) o[k] = f[k].value.trim();
        const ev = f.evidence.value.split(/[\s,]+/).filter((x) => x).map((x) => parseInt(x.replace(/^#/, ''), 10));
        if (ev.some((x) => !(x >= 0))) return status('Evidence: event numbers, such as 12, 31', 'bad');
        if (ev.length) o.evidence = ev;
        if (await input(o, 'observation')) {
          sessionStorage.removeItem(obsDraftKey());
          for (const k of ['text', 'root_cause', 'recommendation', 'evidence']) f[k].value = '';
        }
      });
    }
    obsPickers();
  }

  /* ---- team score (docs/ui.md): per model, a move that has started and one box per criterion ---- */
  function weighted(m, form) {
    let num = 0;
    let den = 0;
    for (const c of m.criteria) {
      const v = parseInt(form.querySelector('[name="sc-' + CSS.escape(c.id) + '"]').value, 10);
      num += c.weight * (v >= 0 ? Math.min(v, c.max) : 0);
      den += c.weight * c.max;
    }
    return den ? (100 * num) / den : 0;
  }

  function scoreCard(m) {
    const form = el('form', { class: 'card score-form' });
    form.append(el('h3', { text: (m.title || m.id) + ' (' + m.id + '), team ' + m.teams.join(', ') }));
    if (m.label) form.append(banner(m.label, pickerStyle(m.label)));
    const mv = el('select', { name: 'move', 'aria-label': 'Move' });
    form.append(el('label', { class: 'score-move' }, 'Move ', mv));
    for (const c of m.criteria)
      form.append(el('label', { class: 'score-crit' },
        c.id + ' (' + (c.text || '') + '; weight ' + c.weight + ', 0 to ' + c.max + ') ',
        el('input', { type: 'number', name: 'sc-' + c.id, min: 0, max: c.max, step: 1, required: true, inputmode: 'numeric' })));
    const out = el('p', { class: 'score-weighted', 'aria-live': 'polite' });
    form.append(out, el('p', { class: 'score-sent' }), el('button', { type: 'submit', text: 'Submit score' }));
    form.addEventListener('input', () => setText(out, 'Weighted score: ' + weighted(m, form).toFixed(1) + '%'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const scores = {};
      for (const c of m.criteria) scores[c.id] = parseInt(form.querySelector('[name="sc-' + CSS.escape(c.id) + '"]').value, 10);
      input({ do: 'score', model: m.id, move: mv.value, scores: scores }, 'score ' + m.id);
    });
    return form;
  }

  function renderScoring() {
    const ms = state.scoring || [];
    $('score-panel').hidden = ms.length === 0;
    keyed($('scoring'), ms, (m) => m.id, scoreCard, (n, m) => {
      const mv = n.querySelector('select[name="move"]');
      const open = m.moves.filter((x) => x.open).map((x) => x.id);
      if (Array.from(mv.options).map((o) => o.value).join() !== open.join()) {
        const keep = mv.value;
        mv.textContent = '';
        for (const id of open) mv.append(el('option', { value: id, text: id }));
        if (open.indexOf(keep) >= 0) mv.value = keep;
      }
      const sent = Object.keys(m.submitted || {});
      setText(n.querySelector('.score-sent'), sent.length ? 'Submitted for ' + sent.join(', ') + '; a new submission replaces it.' : '');
    });
  }

  function renderNotes(ol) {
    const notes = (state.notes || []).slice().sort((a, b) => (b.seq || 0) - (a.seq || 0));
    keyed(
      ol,
      notes,
      (n) => n.seq,
      (n) => {
        const t = el('span', { class: 'ntext', text: n.text });
        const li = el('li', { 'data-seq': String(n.seq) }, el('span', { class: 'meta', text: fmtRel(n.t) + ' · ' + (n.seat || 'control') + ': ' }), t);
        if (window.caucusLang) window.caucusLang.mark(t, n.lang);
        return li;
      },
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
    unread = new Set();
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

  function wireAttention() {
    $('mark-read').addEventListener('click', () => markRead());
    for (const ev of ['click', 'focusin']) {
      $('inbox').addEventListener(ev, (e) => {
        const card = e.target.closest && e.target.closest('[data-item-id]');
        const id = card && card.getAttribute('data-item-id');
        if (id && unread.has(id)) markRead(id);
      });
    }
    const nb = $('btn-notify');
    if (!window.Notification) nb.hidden = true;
    nb.addEventListener('click', async () => {
      const p = await Notification.requestPermission();
      status(p === 'granted' ? 'Desktop notifications on (when this tab is hidden).' : 'Desktop notifications not allowed.', p === 'granted' ? 'good' : 'bad');
    });
  }

  function wire() {
    wireAttention();
    bindForm('join-form', join);
    $('logout').addEventListener('click', logout);
    $('btn-start').addEventListener('click', () => input({ do: 'start' }, 'Start'));
    $('btn-pause').addEventListener('click', () => input({ do: 'pause' }, 'Pause'));
    $('btn-resume').addEventListener('click', () => input({ do: 'resume' }, 'Resume'));
    $('btn-hotwash').addEventListener('click', () => {
      if (window.confirm('Start the hotwash? The end-of-exercise questionnaires are sent to the seats now.'))
        input({ do: 'hotwash' }, 'Hotwash');
    });
    bindForm('speed-form', () => input({ do: 'speed', factor: $('speed-factor').value.trim() }, 'Speed'));
    bindForm('jump-form', async () => {
      if (await input({ do: 'jump', to: $('jump-to').value.trim() }, 'Jump')) $('jump-to').value = '';
    });
    bindForm('edit-form', submitEdit);
    $('edit-cancel').addEventListener('click', stopEdit);
    $('add-label').addEventListener('change', () => {
      if (addLabel) addLabel.set($('add-label').value);
    });
    bindForm('add-form', async () => {
      const inj = {
        id: $('add-id').value.trim(),
        title: $('add-title').value.trim(),
        label: addLabel ? addLabel.value() : $('add-label').value,
        from: $('add-from').value,
        to: [...$('add-to').selectedOptions].map((o) => o.value),
        channel: $('add-channel').value,
      };
      if ($('add-body').value.trim()) inj.body = $('add-body').value.trim();
      if ($('add-at').value.trim()) inj.at = $('add-at').value.trim();
      /* the engine's reason, if any, is shown beside the form (and in the status line) */
      const err = $('add-error');
      err.hidden = true;
      if (!inj.to.length) {
        setText(err, 'Choose at least one recipient.');
        err.hidden = false;
        return;
      }
      if (await input({ do: 'add', inject: inj }, 'Add ' + inj.id)) {
        $('add-form').reset();
        fillPickers(true);
      } else {
        setText(err, lastRefusal || $('status').textContent || 'refused');
        err.hidden = false;
        err.scrollIntoView({ block: 'nearest' });
      }
    });
    bindForm('search-form-c', () => runSearch('c'));
    bindForm('search-form-p', () => runSearch('p'));
    bindForm('control-note-form', async () => {
      const text = $('control-note').value.trim();
      if (text && (await input(written({ do: 'note', text: text }), 'Note'))) $('control-note').value = '';
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
      if (text && (await input(written({ do: 'note', text: text }), 'Note'))) $('note-text').value = '';
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
      written(obj);
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

  /* a page left or reloaded closes its stream at once, so that its slot is free for the next */
  window.addEventListener('pagehide', () => {
    if (events) events.close();
  });
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
  else boot();
})();
