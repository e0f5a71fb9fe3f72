/* caucus scenario editor (docs/ui.md): the MSEL as a grid, each item in a form whose pickers
 * come from the scenario, live checks with the diagnostics of `caucus lint` beside the field,
 * versions with diffs, exports, the inject catalogue and a headless run, over /api/editor/
 * (docs/http-api.md). Plain DOM; the server writes the YAML and judges every edit. */
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const CHANNELS = ['message', 'cable', 'call', 'email', 'meeting', 'vtc', 'news', 'intel-report', 'statement'];
  const TRIGGERS = ['after', 'decision', 'consultation', 'timeout'];
  const LISTS = ['injects', 'parties', 'cells', 'seats', 'objectives', 'decisions', 'consultations', 'mechanisms',
    'guidelines', 'agents'];
  /* fields offered for a new item, and the kind of picker each gets */
  const SPECS = {
    injects: [['id', 'text'], ['title', 'text'], ['body', 'area'], ['label', 'label'], ['from', 'from'],
      ['originator', 'party'], ['to', 'refs'], ['channel', 'channel'], ['class', 'list'], ['when', 'when'],
      ['expected_actions', 'lines'], ['objectives', 'objectives'], ['notes', 'area']],
    parties: [['id', 'text'], ['name', 'text'], ['kind', 'kind'], ['zone', 'text']],
    cells: [['id', 'text'], ['name', 'text'], ['kind', 'text']],
    seats: [['id', 'text'], ['party', 'party'], ['role', 'text'], ['clearance', 'class'], ['caveats', 'caveats'],
      ['cells', 'cells']],
    objectives: [['id', 'text'], ['title', 'text'], ['capability', 'text']],
    decisions: [['id', 'text'], ['question', 'text'], ['label', 'label'], ['options', 'yaml'], ['deciders', 'refs'],
      ['rule', 'text'], ['when', 'when'], ['deadline', 'text'], ['objectives', 'objectives']],
    consultations: [['id', 'text']],
    mechanisms: [['id', 'text']],
    guidelines: [['id', 'text']],
    agents: [['id', 'text']],
  };
  const COLUMNS = {
    injects: [['id', '#'], ['time', 'Time'], ['title', 'Synopsis'], ['from', 'From'], ['to', 'To'],
      ['channel', 'Method'], ['label', 'Label']],
    seats: [['id', 'Seat'], ['party', 'Party'], ['role', 'Role'], ['clearance', 'Clearance']],
    parties: [['id', 'Party'], ['name', 'Name'], ['kind', 'Kind']],
  };

  const ed = {
    csrf: null,
    doc: 0,
    version: 0,
    latest: 0,
    model: [],
    diags: [],
    section: 'injects',
    sort: null,
    editing: null, /* {section, id (null: new), at} */
    checkTimer: 0,
    checkGen: 0, /* bumped by each check and each save: an answer to an older check is dropped */
    templates: [],
  };

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
  const api = (method, path, body) => window.caucusPage.api(method, path, body, ed.csrf);
  const author = () => $('ed-author').value.trim() || 'control';

  /* ---- values as text ---- */
  function yamlScalar(s, flow) {
    s = String(s);
    const plain = /^[A-Za-z0-9_./+(][^\n"'`\\]*$/.test(s) && !/: |:$| #/.test(s) && !/^(null|Null|NULL|~)$/.test(s) &&
      !(flow && /[,[\]{}:#]/.test(s));
    return plain ? s : JSON.stringify(s);
  }
  function toYaml(v) {
    if (v === null || v === undefined) return '~';
    if (Array.isArray(v)) return '[' + v.map(toYaml).join(', ') + ']';
    if (typeof v === 'object') return '{' + Object.keys(v).map((k) => yamlScalar(k, true) + ': ' + toYaml(v[k])).join(', ') + '}';
    return yamlScalar(v, true);
  }
  const isScalar = (v) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
  const splitList = (s) => s.split(/[;\n]/).map((x) => x.trim()).filter((x) => x);

  /* ---- the model ---- */
  function section(key) {
    return ed.model.find((s) => s.key === key) || null;
  }
  function items(key) {
    const s = section(key);
    return s && Array.isArray(s.items) ? s.items : [];
  }
  const ids = (key) => items(key).map((x) => x.id).filter((x) => x);
  function policy() {
    const s = section('label_policy');
    return (s && s.value) || {};
  }
  function classNames() {
    return (policy().classifications || []).map((c) => (c && c.name) || '').filter((x) => x);
  }
  /* the scenario's languages (exercise.languages) and the authoritative one (docs/scenario-format.md,
   * "Texts and languages"): a text field is edited with one field per language */
  const TEXT_FIELDS = new Set(['title', 'body', 'question', 'name', 'role', 'notes', 'topic', 'description',
    'capability', 'text', 'display']);
  function languages() {
    const ex = (section('exercise') || {}).value || {};
    const list = Array.isArray(ex.languages) ? ex.languages.filter((x) => typeof x === 'string') : [];
    return { list, auth: typeof ex.authoritative_language === 'string' ? ex.authoritative_language : list[0] };
  }
  /* is value a text in several languages ({en: ..., ko: ...} with declared languages only)? */
  function isLangMap(value, list) {
    return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0 &&
      Object.keys(value).every((k) => list.includes(k) && isScalar(value[k]));
  }
  function groupNames() {
    const g = policy().groups;
    return g && typeof g === 'object' ? Object.keys(g) : [];
  }

  /* ---- documents ---- */
  async function loadDocs(select) {
    const r = await api('GET', '/api/editor/docs');
    if (r.status === 401 || r.status === 403) return needJoin(r.status === 403);
    if (!r.ok) return status(errText(r), 'bad');
    $('ed-join').hidden = true;
    $('ed-main').hidden = false;
    const sel = $('ed-doc');
    sel.textContent = '';
    for (const d of r.json.docs) sel.append(el('option', { value: d.doc, text: d.name }));
    const want = select || Number(localStorage.getItem('caucus.editor.doc')) || (r.json.docs.length ? r.json.docs[r.json.docs.length - 1].doc : 0);
    if (want) sel.value = String(want);
    if (sel.value) await loadDoc(Number(sel.value), 0);
    await loadTemplates();
  }
  async function loadDoc(doc, version) {
    const r = await api('GET', '/api/editor/doc?doc=' + doc + (version ? '&version=' + version : ''));
    if (!r.ok) return status(errText(r), 'bad');
    ed.doc = doc;
    localStorage.setItem('caucus.editor.doc', String(doc));
    ed.version = r.json.version;
    ed.latest = r.json.latest;
    ed.model = r.json.model;
    ed.diags = r.json.diagnostics;
    render();
  }
  function render() {
    $('ed-version').textContent = 'version ' + ed.version + (ed.latest !== ed.version ? ' (newest ' + ed.latest + ')' : '');
    const errors = ed.diags.filter((d) => d.severity === 'error').length;
    const warnings = ed.diags.filter((d) => d.severity === 'warning').length;
    $('ed-lint').textContent = errors || warnings ? errors + ' error' + (errors === 1 ? '' : 's') + ', ' + warnings +
      ' warning' + (warnings === 1 ? '' : 's') : 'lint clean (0 errors, 0 warnings)';
    $('ed-lint').className = 'ed-lint ' + (errors ? 'bad' : 'good');
    for (const f of ['yaml', 'csv', 'xlsx'])
      $('ed-export-' + f).href = '/api/editor/export?doc=' + ed.doc + '&version=' + ed.version + '&format=' + f;
    for (const b of document.querySelectorAll('.ed-tabs .tab'))
      b.setAttribute('aria-pressed', String(b.dataset.section === ed.section));
    renderList();
    renderDiags();
  }

  /* ---- the list (the MSEL grid for injects) ---- */
  function whenText(x) {
    if (x.at) return String(x.at);
    const t = x.trigger;
    /* a delay drawn from a distribution in the scenario format's notation, {dist: exponential, mean: 30m} */
    if (t && typeof t === 'object') return Object.keys(t).map((k) => k + ' ' + (isScalar(t[k]) ? t[k] : toYaml(t[k]))).join(' ');
    return '';
  }
  function cellText(x, key) {
    if (key === 'time') return whenText(x);
    const v = x[key];
    if (v === undefined || v === null) return '';
    if (Array.isArray(v)) return v.map((e) => (isScalar(e) ? String(e) : toYaml(e))).join(', ');
    return isScalar(v) ? String(v) : toYaml(v);
  }
  function columns() {
    if (COLUMNS[ed.section]) return COLUMNS[ed.section];
    return [['id', 'Id'], ['title', 'Title'], ['name', 'Name'], ['question', 'Question']].filter(
      (c, i) => i === 0 || items(ed.section).some((x) => x[c[0]] !== undefined));
  }
  function renderList() {
    const map = !LISTS.includes(ed.section);
    $('ed-list-h').textContent = map ? ed.section.replace('_', ' ') : ed.section === 'injects' ? 'MSEL' : ed.section;
    $('ed-add').hidden = map;
    $('ed-filter').parentNode.hidden = map;
    $('ed-from-template').hidden = $('ed-from-template').previousElementSibling.hidden = ed.section !== 'injects';
    const head = $('ed-items-head'), body = $('ed-items-body');
    head.textContent = body.textContent = '';
    if (map) {
      $('ed-empty').hidden = true;
      if (!ed.editing || ed.editing.section !== ed.section) openItem(ed.section, null, null);
      return;
    }
    const cols = columns();
    head.append(el('tr', null, ...cols.map((c) => el('th', { scope: 'col' }, el('button', {
      type: 'button', class: 'linkish', text: c[1] + (ed.sort && ed.sort.key === c[0] ? (ed.sort.dir > 0 ? ' ▲' : ' ▼') : ''),
      'aria-label': 'Sort by ' + c[1],
      onclick: () => { ed.sort = ed.sort && ed.sort.key === c[0] && ed.sort.dir > 0 ? { key: c[0], dir: -1 } : { key: c[0], dir: 1 }; renderList(); },
    }))), el('th', { scope: 'col', text: 'Problems' }), el('th', { scope: 'col', text: 'Actions' })));
    const f = $('ed-filter').value.trim().toLowerCase();
    let rows = items(ed.section).map((x, i) => ({ x, i }));
    if (f) rows = rows.filter((r) => cols.some((c) => cellText(r.x, c[0]).toLowerCase().includes(f)));
    if (ed.sort) {
      const k = ed.sort.key, d = ed.sort.dir;
      rows.sort((a, b) => cellText(a.x, k).localeCompare(cellText(b.x, k), undefined, { numeric: true }) * d);
    }
    const n = items(ed.section).length;
    for (const r of rows) {
      const probs = ed.diags.filter((g) => g.section === ed.section && g.index === r.i);
      const tr = el('tr', { class: probs.some((g) => g.severity === 'error') ? 'has-error' : null, 'data-id': r.x.id },
        ...cols.map((c, ci) => ci === 0 ? el('th', { scope: 'row' }, el('button', { type: 'button', class: 'linkish', text: cellText(r.x, c[0]) || '(no id)', onclick: () => openItem(ed.section, r.x.id, null) }))
          : el('td', { text: cellText(r.x, c[0]) })),
        el('td', { class: probs.length ? 'bad' : 'muted', text: probs.length ? String(probs.length) : '—' }),
        el('td', { class: 'ed-actions' },
          el('button', { type: 'button', class: 'quiet', text: 'Duplicate', 'aria-label': 'Duplicate ' + r.x.id, onclick: () => duplicate(r.x, r.i) }),
          el('button', { type: 'button', class: 'quiet', text: '↑', 'aria-label': 'Move ' + r.x.id + ' up', disabled: r.i === 0, onclick: () => move(r.x, r.i - 1) }),
          el('button', { type: 'button', class: 'quiet', text: '↓', 'aria-label': 'Move ' + r.x.id + ' down', disabled: r.i === n - 1, onclick: () => move(r.x, r.i + 1) }),
          el('button', { type: 'button', class: 'danger', text: 'Delete', 'aria-label': 'Delete ' + r.x.id, onclick: () => remove(r.x) })));
      body.append(tr);
    }
    $('ed-empty').hidden = n > 0;
  }
  function renderDiags() {
    const ul = $('ed-diags');
    ul.textContent = '';
    for (const g of ed.diags) {
      const where = (g.section || '') + (g.id ? ' ' + g.id : '') + (g.field ? ' · ' + g.field : '');
      ul.append(el('li', { class: g.severity },
        el('button', { type: 'button', class: 'linkish', text: g.line + ':' + g.column + ' ' + g.severity + ': ' + where,
          onclick: () => { if (g.section) { ed.section = g.section; render(); if (g.id) openItem(g.section, g.id, null); } } }),
        ' ' + g.message + (g.hint ? ' — ' + g.hint : '')));
    }
    if (!ed.diags.length) ul.append(el('li', { class: 'good', text: 'No problems: the scenario lints clean.' }));
  }

  /* ---- the form ---- */
  function options(sel, values, current, blank) {
    sel.textContent = '';
    if (blank !== undefined) sel.append(el('option', { value: '', text: blank }));
    for (const v of values) sel.append(el('option', { value: v, text: v }));
    if (current !== undefined && current !== null && !values.includes(String(current)) && current !== '')
      sel.append(el('option', { value: current, text: current + ' (unknown)' }));
    sel.value = current === undefined || current === null ? '' : String(current);
    return sel;
  }
  function checks(name, values, chosen) {
    const box = el('div', { class: 'ed-checks', role: 'group' });
    for (const v of values) {
      const id = 'f-' + name + '-' + v.replace(/[^A-Za-z0-9_-]/g, '_');
      box.append(el('label', { for: id }, el('input', { type: 'checkbox', id, value: v, checked: chosen.includes(v), 'data-field': name }), ' ' + v));
    }
    for (const v of chosen) if (!values.includes(v)) box.append(el('label', null, el('input', { type: 'checkbox', value: v, checked: true, 'data-field': name }), ' ' + v + ' (unknown)'));
    return box;
  }
  function refValues() {
    return ['all', ...ids('seats'), ...ids('cells').map((c) => 'cell:' + c), ...ids('parties').map((p) => 'party:' + p),
      ...groupNames().map((g) => 'group:' + g)];
  }
  function field(name, kind, value) {
    const id = 'f-' + name;
    const lg = languages();
    if (lg.list.length > 1 && name !== 'id' && (isLangMap(value, lg.list) ||
        ((kind === 'text' || kind === 'area') && TEXT_FIELDS.has(name) && (value == null || isScalar(value)))))
      return langField(name, kind === 'area' || name === 'body' || name === 'notes', value, lg);
    /* a text in several languages ({en: ..., ko: ...}, or a list of them) is edited as YAML */
    if ((kind === 'area' && value != null && !isScalar(value)) ||
        (kind === 'lines' && Array.isArray(value) && !value.every(isScalar)))
      kind = 'yaml';
    const wrap = el('div', { class: 'ed-field', 'data-name': name });
    const label = el('label', { for: id, text: name.replace(/_/g, ' ') });
    wrap.append(label);
    let input;
    switch (kind) {
    case 'area':
    case 'lines':
      input = el('textarea', { id, rows: kind === 'lines' ? 3 : 2, 'data-field': name, 'data-kind': kind });
      input.value = kind === 'lines' && Array.isArray(value) ? value.join('\n') : value == null ? '' : String(value);
      break;
    case 'yaml':
      input = el('textarea', { id, rows: 3, class: 'mono', 'data-field': name, 'data-kind': 'yaml', 'aria-describedby': id + '-help' });
      input.value = value === undefined ? '' : toYaml(value);
      wrap.append(el('small', { id: id + '-help', class: 'muted', text: 'YAML, e.g. [{id: a, text: Option A}]' }));
      break;
    case 'list':
      input = el('input', { id, 'data-field': name, 'data-kind': 'list', placeholder: 'values separated by ;' });
      input.value = Array.isArray(value) ? value.join('; ') : value == null ? '' : String(value);
      break;
    case 'from':
      input = options(el('select', { id, 'data-field': name }), ['control', ...ids('seats')], value || 'control');
      break;
    case 'party':
      input = options(el('select', { id, 'data-field': name }), ids('parties'), value, '—');
      break;
    case 'class':
      input = options(el('select', { id, 'data-field': name }), classNames(), value, '—');
      break;
    case 'kind':
      input = options(el('select', { id, 'data-field': name }), ['nation', 'organisation'], value, '—');
      break;
    case 'channel':
      input = options(el('select', { id, 'data-field': name }), CHANNELS, value, '—');
      break;
    case 'refs':
      input = checks(name, refValues(), Array.isArray(value) ? value.map(String) : []);
      input.setAttribute('aria-labelledby', id + '-l');
      label.id = id + '-l';
      label.removeAttribute('for');
      break;
    case 'caveats':
    case 'cells':
    case 'objectives': {
      const vals = kind === 'caveats' ? (policy().caveats || []).map(String) : ids(kind === 'cells' ? 'cells' : 'objectives');
      input = checks(name, vals, Array.isArray(value) ? value.map(String) : []);
      input.setAttribute('aria-labelledby', id + '-l');
      label.id = id + '-l';
      label.removeAttribute('for');
      break;
    }
    case 'label': {
      const text = el('input', { id, 'data-field': name, class: 'mono', size: 40, placeholder: 'SECRET//REL TO USA, KOR' });
      text.value = value == null ? '' : isScalar(value) ? String(value) : toYaml(value);
      if (!isScalar(value) && value != null) text.setAttribute('data-kind', 'yaml');
      const cls = options(el('select', { 'aria-label': 'Classification' }), classNames(), '', 'classification…');
      const rel = checks(name + '-rel', [...ids('parties'), ...groupNames()], []);
      const build = () => {
        const chosen = [...rel.querySelectorAll('input:checked')].map((c) => c.value);
        if (!cls.value) return;
        text.value = cls.value + (chosen.length ? '//REL TO ' + chosen.join(', ') : '');
        text.removeAttribute('data-kind');
        scheduleCheck();
      };
      cls.addEventListener('change', build);
      rel.addEventListener('change', build);
      for (const c of rel.querySelectorAll('input')) c.removeAttribute('data-field');
      wrap.append(text, el('div', { class: 'ed-builder' }, el('span', { class: 'muted', text: 'build: ' }), cls, el('span', { class: 'muted', text: ' REL TO ' }), rel));
      input = null;
      break;
    }
    case 'when': {
      const trig = value && value.trigger && typeof value.trigger === 'object' ? value.trigger : null;
      const mode = options(el('select', { id, 'data-when': 'mode' }), ['at', 'trigger'], trig ? 'trigger' : 'at');
      const at = el('input', { 'data-when': 'at', 'aria-label': 'Scenario time', size: 12, placeholder: '+2h30m, D+1 H+3' });
      at.value = value && value.at != null ? String(value.at) : '';
      const kindSel = options(el('select', { 'data-when': 'kind', 'aria-label': 'Trigger' }), TRIGGERS,
        trig ? TRIGGERS.find((k) => trig[k] !== undefined) || 'after' : 'after');
      const target = el('select', { 'data-when': 'target', 'aria-label': 'Trigger target' });
      const outcome = el('select', { 'data-when': 'outcome', 'aria-label': 'Outcome' });
      const stage = el('input', { 'data-when': 'stage', 'aria-label': 'Stage', size: 10, placeholder: 'stage' });
      /* a duration (30m), or a distribution in the scenario format's notation ({dist: exponential, mean: 30m}) */
      const delay = el('input', { 'data-when': 'delay', 'aria-label': 'Delay', class: 'mono', size: 8,
        placeholder: 'delay', title: 'a duration such as 30m, or a distribution such as {dist: exponential, mean: 30m}' });
      stage.value = trig && trig.stage ? trig.stage : '';
      delay.value = !trig || trig.delay == null ? '' : isScalar(trig.delay) ? String(trig.delay) : toYaml(trig.delay);
      delay.size = Math.min(60, Math.max(8, delay.value.length + 2));
      const fill = () => {
        const k = kindSel.value;
        const pool = k === 'after' ? ids('injects') : k === 'decision' ? ids('decisions') : k === 'consultation' ? ids('consultations') : [...ids('decisions'), ...ids('consultations')];
        options(target, pool, trig && trig[k] ? trig[k] : target.value, '—');
        const d = items('decisions').find((x) => x.id === target.value);
        options(outcome, d && Array.isArray(d.options) ? d.options.map((o) => o && o.id).filter((x) => x) : [], trig && trig.outcome, 'any outcome');
        const t = mode.value === 'trigger';
        at.hidden = t;
        kindSel.hidden = target.hidden = delay.hidden = !t;
        outcome.hidden = !t || k !== 'decision';
        stage.hidden = !t || (k !== 'consultation' && k !== 'timeout');
      };
      mode.addEventListener('change', fill);
      kindSel.addEventListener('change', fill);
      target.addEventListener('change', fill);
      wrap.append(el('div', { class: 'row' }, mode, at, kindSel, target, outcome, stage, delay));
      label.textContent = 'when';
      fill();
      input = null;
      break;
    }
    default:
      input = el('input', { id, 'data-field': name });
      if (!isScalar(value) && value !== undefined) {
        input = el('textarea', { id, rows: 2, class: 'mono', 'data-field': name, 'data-kind': 'yaml' });
        input.value = toYaml(value);
      } else {
        input.value = value == null ? '' : String(value);
      }
    }
    if (input) wrap.append(input);
    wrap.append(el('p', { class: 'field-diag', id: id + '-diag', 'aria-live': 'polite' }));
    return wrap;
  }
  /* one field per declared language, the authoritative one first and marked; its input keeps the
   * id f-NAME (diagnostics find it), the others f-NAME-TAG */
  function langField(name, area, value, lg) {
    const wrap = el('div', { class: 'ed-field ed-langs', 'data-name': name, 'data-kind': 'langtext', role: 'group',
      'aria-labelledby': 'f-' + name + '-l' });
    wrap.append(el('span', { id: 'f-' + name + '-l', class: 'ed-langs-name', text: name.replace(/_/g, ' ') }));
    const order = [lg.auth, ...lg.list.filter((t) => t !== lg.auth)];
    for (const tag of order) {
      const id = tag === lg.auth ? 'f-' + name : 'f-' + name + '-' + tag;
      const v = value == null ? '' : isScalar(value) ? (tag === lg.auth ? String(value) : '') : value[tag] == null ? '' : String(value[tag]);
      const inp = area ? el('textarea', { id, rows: 2, 'data-lang': tag, lang: tag })
        : el('input', { id, 'data-lang': tag, lang: tag });
      inp.value = v;
      const lab = el('label', { for: id, class: 'ed-lang' }, el('span', { class: 'ed-lang-tag', text: tag }));
      if (tag === lg.auth) {
        lab.append(' ', el('span', { class: 'ed-auth', text: 'authoritative' }));
        inp.setAttribute('data-authoritative', '');
      }
      wrap.append(lab, inp);
    }
    wrap.append(el('p', { class: 'field-diag', id: 'f-' + name + '-diag', 'aria-live': 'polite' }));
    return wrap;
  }
  /* a language field's value: the authoritative text alone as a string, else a map in the declared
   * order of the languages that have a text (a missing authoritative text is the server's error) */
  function langValue(w) {
    const lg = languages();
    const got = {};
    for (const inp of w.querySelectorAll('[data-lang]')) {
      const v = inp.tagName === 'TEXTAREA' ? inp.value : inp.value.trim();
      if (v.trim() !== '') got[inp.getAttribute('data-lang')] = v;
    }
    const tags = Object.keys(got);
    if (!tags.length) return undefined;
    if (tags.length === 1 && tags[0] === lg.auth) return got[lg.auth];
    const out = {};
    for (const t of lg.list) if (got[t] !== undefined) out[t] = got[t];
    return out;
  }
  function kindOf(key, v) {
    if (isScalar(v)) return 'text';
    if (Array.isArray(v) && v.every(isScalar)) return 'list';
    return 'yaml';
  }
  function openItem(sec, id, preset, at) {
    const map = !LISTS.includes(sec);
    const item = preset || (map ? (section(sec) || {}).value || {} : items(sec).find((x) => x.id === id) || {});
    ed.editing = { section: sec, id: preset ? null : map ? null : id, at: at === undefined ? null : at, original: item };
    $('ed-form-h').textContent = map ? 'Edit ' + sec.replace('_', ' ') : id && !preset ? 'Edit ' + id : 'New item';
    const fields = $('ed-fields');
    fields.textContent = '';
    const spec = (SPECS[sec] || []).slice();
    const done = new Set();
    for (const [name, kind] of spec) {
      if (name === 'when') {
        fields.append(field('when', 'when', { at: item.at, trigger: item.trigger }));
        done.add('at');
        done.add('trigger');
      } else {
        fields.append(field(name, kind, item[name]));
      }
      done.add(name);
    }
    for (const k of Object.keys(item)) if (!done.has(k)) fields.append(field(k, kindOf(k, item[k]), item[k]));
    if (map || !SPECS[sec] || sec === 'consultations' || sec === 'mechanisms' || sec === 'guidelines' || sec === 'agents') {
      const add = el('input', { 'aria-label': 'New field name', size: 14, placeholder: 'new field name' });
      fields.append(el('div', { class: 'row' }, add, el('button', { type: 'button', class: 'quiet', text: 'Add field', onclick: () => {
        const k = add.value.trim();
        if (k && !fields.querySelector('[data-name="' + CSS.escape(k) + '"]')) fields.insertBefore(field(k, 'text', ''), add.parentNode);
        add.value = '';
      } })));
    }
    $('ed-conflict').hidden = true;
    $('ed-form').hidden = false;
    $('ed-form-none').hidden = true;
    $('ed-to-template').hidden = sec !== 'injects';
    showFieldDiags(ed.diags);
    const first = fields.querySelector('input, select, textarea');
    if (first && !map) first.focus();
  }
  function closeForm() {
    ed.editing = null;
    $('ed-form').hidden = true;
    $('ed-form-none').hidden = false;
  }
  /* the item the form holds */
  function formItem() {
    const out = {};
    for (const w of $('ed-fields').querySelectorAll('.ed-field')) {
      const name = w.dataset.name;
      if (w.dataset.kind === 'langtext') {
        const v = langValue(w);
        if (v !== undefined) out[name] = v;
        continue;
      }
      if (name === 'when') {
        const g = (k) => w.querySelector('[data-when="' + k + '"]');
        if (g('mode').value === 'at') {
          if (g('at').value.trim()) out.at = g('at').value.trim();
        } else {
          const t = {};
          t[g('kind').value] = g('target').value;
          if (!g('outcome').hidden && g('outcome').value) t.outcome = g('outcome').value;
          if (!g('stage').hidden && g('stage').value.trim()) t.stage = g('stage').value.trim();
          /* a distribution typed in the notation goes as YAML: the server reads and checks it */
          const dl = g('delay').value.trim();
          if (dl) t.delay = dl.startsWith('{') ? { $yaml: dl } : dl;
          out.trigger = t;
        }
        continue;
      }
      const boxes = w.querySelectorAll('input[type=checkbox][data-field="' + CSS.escape(name) + '"]');
      if (boxes.length) {
        const v = [...boxes].filter((b) => b.checked).map((b) => b.value);
        if (v.length) out[name] = v;
        continue;
      }
      const inp = w.querySelector('[data-field="' + CSS.escape(name) + '"]');
      if (!inp) continue;
      const raw = inp.value;
      const kind = inp.getAttribute('data-kind');
      if (kind === 'yaml') {
        if (raw.trim()) out[name] = { $yaml: raw };
      } else if (kind === 'list') {
        const v = splitList(raw);
        if (v.length) out[name] = v;
      } else if (kind === 'lines') {
        const v = raw.split('\n').map((x) => x.trim()).filter((x) => x);
        if (v.length) out[name] = v;
      } else if (raw.trim() !== '') {
        out[name] = kind === 'area' ? raw : raw.trim();
      }
    }
    return out;
  }
  function showFieldDiags(diags) {
    for (const p of document.querySelectorAll('.field-diag')) { p.textContent = ''; p.className = 'field-diag'; }
    if (!ed.editing) return;
    const e = ed.editing;
    for (const g of diags) {
      if (g.section !== e.section) continue;
      const itemId = (formItem().id || e.id);
      if (LISTS.includes(e.section) && g.id !== itemId && g.id !== e.id) continue;
      let f = g.field || 'id';
      if (f === 'at' || f === 'trigger') f = 'when';
      const p = $('f-' + f + '-diag') || $('f-id-diag');
      if (!p) continue;
      p.append(el('span', { class: g.severity, text: g.severity + ': ' + g.message + (g.hint ? ' (' + g.hint + ')' : '') }), el('br'));
      p.className = 'field-diag ' + g.severity;
    }
  }
  function body(item, extra) {
    const e = ed.editing;
    const b = { doc: ed.doc, base: ed.version, section: e.section, item, author: author() };
    if (e.id) b.id = e.id;
    if (e.at !== null && e.at !== undefined) b.at = e.at;
    return Object.assign(b, extra || {});
  }
  function scheduleCheck() {
    clearTimeout(ed.checkTimer);
    ed.checkTimer = setTimeout(check, 400);
  }
  async function check() {
    if (!ed.editing) return;
    const gen = ++ed.checkGen;
    const r = await api('POST', '/api/editor/check', body(formItem()));
    /* a save (or a newer check) started while this one ran: its answer is out of date and must
     * not overwrite the save's status or diagnostics */
    if (gen !== ed.checkGen) return;
    if (r.ok) {
      showFieldDiags(r.json.diagnostics);
      const errs = r.json.diagnostics.filter((g) => g.severity === 'error').length;
      status(errs ? 'Checked: ' + errs + ' error' + (errs === 1 ? '' : 's') + ' in the scenario with this change' : 'Checked: no errors', errs ? 'bad' : 'good');
    } else if (r.status === 422 || r.status === 404) {
      status(errText(r), 'bad');
      showEditError(r);
    }
  }
  /* an edit the server refused for one field (a distribution it cannot read, YAML that does not
   * parse): its error beside that field */
  function showEditError(r) {
    const j = r.json || {};
    if (!ed.editing || typeof j.field !== 'string') return;
    showFieldDiags([{ section: ed.editing.section, id: formItem().id || ed.editing.id, field: j.field,
      severity: 'error', message: j.error, hint: j.hint }]);
  }
  async function save(item, extra) {
    clearTimeout(ed.checkTimer);
    ed.checkGen++;
    status('Saving…', 'busy');
    const r = await api('POST', '/api/editor/item', body(item, extra));
    if (r.status === 409) return conflict(r.json, item);
    if (!r.ok) {
      showEditError(r);
      return status('Not saved: ' + errText(r), 'bad');
    }
    ed.version = ed.latest = r.json.version;
    ed.model = r.json.model;
    ed.diags = r.json.diagnostics;
    status('Saved as version ' + r.json.version + (r.json.errors ? ' (' + r.json.errors + ' errors to fix)' : ''), r.json.errors ? 'bad' : 'good');
    return true;
  }
  function conflict(j, mine) {
    status('Not saved: someone else changed it', 'bad');
    $('ed-conflict').hidden = false;
    $('ed-conflict-msg').textContent = j.error;
    const tb = $('ed-conflict-body');
    tb.textContent = '';
    const theirs = j.theirs || {};
    const keys = [...new Set([...Object.keys(theirs), ...Object.keys(mine)])];
    for (const k of keys) {
      const a = theirs[k] === undefined ? '' : cellText(theirs, k), b = mine[k] === undefined ? '' : cellText(mine, k);
      tb.append(el('tr', { class: a !== b ? 'differs' : null }, el('th', { scope: 'row', text: k }), el('td', { text: a }), el('td', { text: b })));
    }
    if (!j.theirs) tb.append(el('tr', null, el('td', { colspan: 3, text: 'They deleted it.' })));
    ed.conflict = j;
    return false;
  }

  /* ---- list actions ---- */
  function duplicate(x, i) {
    const copy = JSON.parse(JSON.stringify(x));
    const taken = new Set(ids(ed.section));
    let n = 2, id = x.id + '-copy';
    while (taken.has(id)) id = x.id + '-copy' + n++;
    copy.id = id;
    openItem(ed.section, null, copy, i + 1);
    status('Duplicate of ' + x.id + ': change it and save', 'busy');
  }
  async function move(x, to) {
    ed.editing = { section: ed.section, id: x.id, at: to };
    if (await save(x)) closeForm();
    render();
  }
  async function remove(x) {
    if (!window.confirm('Delete ' + x.id + '?')) return;
    ed.editing = { section: ed.section, id: x.id, at: null };
    if (await save(null)) closeForm();
    render();
  }

  /* ---- catalogue ---- */
  async function loadTemplates() {
    const r = await api('GET', '/api/editor/catalogue');
    if (!r.ok) return;
    ed.templates = r.json.templates;
    const sel = $('ed-from-template');
    sel.textContent = '';
    sel.append(el('option', { value: '', text: '—' }));
    for (const t of ed.templates) sel.append(el('option', { value: t.id, text: t.name }));
  }

  /* ---- versions ---- */
  async function loadVersions() {
    const r = await api('GET', '/api/editor/versions?doc=' + ed.doc);
    if (!r.ok) return status(errText(r), 'bad');
    const tb = $('ed-versions-body');
    tb.textContent = '';
    for (const v of r.json.versions) {
      tb.append(el('tr', null, el('th', { scope: 'row' }, el('button', { type: 'button', class: 'linkish', text: String(v.version), 'aria-label': 'Open version ' + v.version, onclick: () => loadDoc(ed.doc, v.version) })),
        el('td', { text: v.author || '' }), el('td', { text: v.note || '' }), el('td', { text: new Date(v.saved).toLocaleString() }),
        el('td', null, v.version > 1 ? el('button', { type: 'button', class: 'quiet', text: 'Changes from ' + (v.version - 1), onclick: () => showDiff(v.version - 1, v.version) }) : '')));
    }
  }
  async function showDiff(a, b) {
    const r = await fetch('/api/editor/diff?doc=' + ed.doc + '&from=' + a + '&to=' + b, { credentials: 'same-origin' });
    const pre = $('ed-diff');
    pre.textContent = '';
    const text = await r.text();
    for (const line of text.split('\n')) pre.append(el('span', { class: line[0] === '+' && line[1] !== '+' ? 'add' : line[0] === '-' && line[1] !== '-' ? 'del' : line.startsWith('@@') ? 'hunk' : null, text: line + '\n' }));
    pre.hidden = false;
  }

  /* ---- join ---- */
  function needJoin(forbidden) {
    $('ed-main').hidden = true;
    $('ed-join').hidden = false;
    status(forbidden ? 'The scenario editor is control\'s: join with control\'s code.' : 'Join as control to edit scenarios.', 'busy');
    $('ed-join-code').focus();
  }

  /* ---- wiring ---- */
  function wire() {
    try { ed.csrf = sessionStorage.getItem('caucus.csrf'); } catch (e) { ed.csrf = null; }
    $('ed-author').value = localStorage.getItem('caucus.editor.author') || '';
    $('ed-author').addEventListener('change', () => localStorage.setItem('caucus.editor.author', $('ed-author').value.trim()));
    $('ed-join-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const r = await api('POST', '/api/join', { code: $('ed-join-code').value.trim() });
      if (!r.ok) { $('ed-join-error').textContent = errText(r); return; }
      ed.csrf = r.json.csrf;
      try {
        sessionStorage.setItem('caucus.csrf', r.json.csrf);
        sessionStorage.setItem('caucus.role', r.json.role);
      } catch (e) { /* kept in memory */ }
      $('ed-join-error').textContent = '';
      loadDocs();
    });
    $('ed-doc').addEventListener('change', () => { closeForm(); loadDoc(Number($('ed-doc').value), 0); });
    $('ed-reload').addEventListener('click', () => loadDoc(ed.doc, 0));
    $('ed-new').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const r = await api('POST', '/api/editor/docs', { name: $('ed-new-name').value.trim(), from: $('ed-new-from').value, author: author() });
      if (!r.ok) return status(errText(r), 'bad');
      $('ed-new-name').value = '';
      closeForm();
      status('Created scenario ' + r.json.doc, 'good');
      await loadDocs(r.json.doc);
    });
    for (const b of document.querySelectorAll('.ed-tabs .tab'))
      b.addEventListener('click', () => { ed.section = b.dataset.section; ed.sort = null; closeForm(); render(); });
    $('ed-filter').addEventListener('input', renderList);
    $('ed-add').addEventListener('click', () => {
      const n = items(ed.section).length + 1;
      const preset = { id: (ed.section === 'injects' ? 'I-' : ed.section.slice(0, 3).toUpperCase() + '-') + n };
      if (ed.section === 'injects') Object.assign(preset, { title: '', from: 'control', at: '+1h' });
      openItem(ed.section, null, preset);
    });
    $('ed-from-template').addEventListener('change', () => {
      const t = ed.templates.find((x) => String(x.id) === $('ed-from-template').value);
      $('ed-from-template').value = '';
      if (!t) return;
      const copy = JSON.parse(JSON.stringify(t.item));
      copy.id = 'I-' + (items('injects').length + 1);
      openItem('injects', null, copy);
    });
    $('ed-fields').addEventListener('input', scheduleCheck);
    $('ed-fields').addEventListener('change', scheduleCheck);
    $('ed-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const item = formItem();
      const ok = await save(item, { note: $('ed-note').value.trim() || undefined });
      if (ok) {
        $('ed-note').value = '';
        const e = ed.editing;
        if (LISTS.includes(e.section)) { e.id = item.id; e.at = null; e.original = item; $('ed-form-h').textContent = 'Edit ' + item.id; }
        render();
        showFieldDiags(ed.diags);
      }
    });
    $('ed-cancel').addEventListener('click', closeForm);
    $('ed-take-theirs').addEventListener('click', async () => {
      const e = ed.editing, j = ed.conflict || {};
      await loadDoc(ed.doc, 0);
      if (j.theirs) openItem(e.section, j.theirs.id, null);
      else closeForm();
      status('Now editing version ' + ed.version + ', with their change', 'busy');
    });
    $('ed-to-template').addEventListener('click', async () => {
      const item = formItem();
      const name = (typeof item.title === 'string' && item.title) || item.id || 'inject';
      const r = await api('POST', '/api/editor/catalogue', { name, item });
      status(r.ok ? 'Added "' + name + '" to the catalogue' : errText(r), r.ok ? 'good' : 'bad');
      loadTemplates();
    });
    $('ed-run').addEventListener('click', async () => {
      status('Running…', 'busy');
      const r = await api('POST', '/api/editor/run', { doc: ed.doc, version: ed.version, seed: 1 });
      const box = $('ed-run-result');
      box.hidden = false;
      if (!r.ok) { box.textContent = 'Not run: ' + errText(r); status('', ''); return; }
      const s = r.json.summary;
      box.textContent = 'Exercise ' + r.json.exercise + ' ran version ' + r.json.version + ' to the end: ' + s.events +
        ' events; injects released ' + s.injects_released + ' of ' + s.injects + '; deliveries ' + s.deliveries +
        ', denials ' + s.denials + '; decisions made ' + s.decisions_made + ' of ' + s.decisions_opened +
        '; consultations completed ' + s.consultations_done + ' of ' + s.consultations_requested +
        '; guideline findings ' + s.findings_met + ' met, ' + s.findings_missed + ' missed.';
      status('Run complete', 'good');
    });
    $('ed-versions-btn').addEventListener('click', () => {
      const v = $('ed-versions');
      v.hidden = !v.hidden;
      $('ed-versions-btn').setAttribute('aria-expanded', String(!v.hidden));
      if (!v.hidden) loadVersions();
    });
  }

  document.addEventListener('DOMContentLoaded', () => {
    wire();
    loadDocs();
  });
})();
