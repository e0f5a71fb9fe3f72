/* aar.js — control's page to finish the after-action report (docs/ui.md, "Finishing the report"):
 * the executive summary drafted from the data (GET /api/summary), edited and saved as a new version
 * under a label (POST /api/summary), back to the draft, every version listed, and the report
 * downloaded as HTML, Markdown, JSON or Word with the saved summary in it. */
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const aar = { csrf: null, data: null };

  function el(tag, text) {
    const n = document.createElement(tag);
    if (text !== undefined && text !== null) n.textContent = text;
    return n;
  }
  /* the status line and the API calls (ui/page.js) */
  const { status, errText } = window.caucusPage;
  const api = (method, path, body) => window.caucusPage.api(method, path, body, aar.csrf);
  const author = () => $('aar-author').value.trim() || 'control';
  const when = (ms) => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');

  function needJoin(forbidden) {
    $('aar-main').hidden = true;
    $('aar-join').hidden = false;
    status(forbidden ? 'Finishing the report is control\'s: join with control\'s code.' : 'Join as control to finish the report.', 'busy');
    $('aar-join-code').focus();
  }

  function render(d, keepText) {
    aar.data = d;
    const cur = d.summary;
    $('aar-current').textContent = cur
      ? 'The report has the summary saved as version ' + cur.version + ' by ' + cur.author + ' at ' + when(cur.saved_wall_ms) +
        (cur.label ? ', label ' + cur.label : '') + '.'
      : 'The report has the summary drafted from the data; edit it below and save it.';
    if (!keepText) {
      $('aar-text').value = cur ? cur.text : d.draft;
      $('aar-label').value = cur && cur.label ? cur.label : '';
    }
    $('aar-draft').disabled = !cur;
    const dr = $('aar-drafted');
    dr.textContent = '';
    for (const p of (d.draft || '').split('\n\n')) dr.append(el('p', p));
    const tb = $('aar-versions');
    tb.textContent = '';
    for (const v of d.versions) {
      const tr = el('tr');
      tr.append(el('td', String(v.version)), el('td', v.author), el('td', when(v.saved_wall_ms)),
        el('td', v.label || ''), el('td', v.text === null ? '(back to the draft)' : v.text.slice(0, 120) + (v.text.length > 120 ? '…' : '')));
      tb.append(tr);
    }
    if (!d.versions.length) {
      const tr = el('tr');
      const td = el('td', 'No summary saved yet.');
      td.colSpan = 5;
      tr.append(td);
      tb.append(tr);
    }
  }

  async function load() {
    const r = await api('GET', '/api/summary');
    if (r.status === 401 || r.status === 403) return needJoin(r.status === 403);
    if (!r.ok) return status(errText(r), 'bad');
    $('aar-join').hidden = true;
    $('aar-main').hidden = false;
    render(r.json, false);
    status('');
  }

  async function save(text, label) {
    $('aar-error').textContent = '';
    const body = { text, author: author() };
    if (text !== null && label) body.label = label;
    const r = await api('POST', '/api/summary', body);
    if (!r.ok) {
      $('aar-error').textContent = errText(r);
      return;
    }
    render(r.json, false);
    const v = r.json.versions[0];
    status(text === null ? 'Back to the drafted summary (version ' + v.version + ').' : 'Saved as version ' + v.version + '.', 'good');
  }

  function wire() {
    try { aar.csrf = sessionStorage.getItem('caucus.csrf'); } catch (e) { aar.csrf = null; }
    try { $('aar-author').value = localStorage.getItem('caucus.aar.author') || ''; } catch (e) { /* none kept */ }
    $('aar-author').addEventListener('change', () => {
      try { localStorage.setItem('caucus.aar.author', $('aar-author').value.trim()); } catch (e) { /* not kept */ }
    });
    $('aar-join-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const r = await api('POST', '/api/join', { code: $('aar-join-code').value.trim() });
      if (!r.ok) { $('aar-join-error').textContent = errText(r); return; }
      aar.csrf = r.json.csrf;
      try {
        sessionStorage.setItem('caucus.csrf', r.json.csrf);
        sessionStorage.setItem('caucus.role', r.json.role);
      } catch (e) { /* kept in memory */ }
      $('aar-join-error').textContent = '';
      load();
    });
    $('aar-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      save($('aar-text').value, $('aar-label').value.trim());
    });
    $('aar-draft').addEventListener('click', () => save(null, ''));
    load();
  }
  wire();
})();
