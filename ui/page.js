/* Helpers shared by control's pages besides the console (editor.js, aar.js, debrief.js,
 * evaluator.js): the status line and JSON calls to the API (docs/ui.md). The page loads this file
 * before its own script; window.caucusPage is all it defines. */
(function () {
  'use strict';

  /* the page's status line (#status): msg, and kind 'ok' | 'bad' | none for its style */
  function status(msg, kind) {
    const s = document.getElementById('status');
    s.textContent = msg || '';
    s.className = 'status' + (kind ? ' ' + kind : '');
  }

  /* method (GET or POST) on path; a POST sends body as JSON with the session's CSRF token. Never
   * throws: {ok, status, json (null unless the answer is JSON), res} (status 0 when the server
   * cannot be reached). */
  async function api(method, path, body, csrf) {
    const opt = { method, credentials: 'same-origin', headers: {} };
    if (method === 'POST') {
      opt.headers['Content-Type'] = 'application/json';
      if (csrf) opt.headers['X-CSRF-Token'] = csrf;
      opt.body = JSON.stringify(body || {});
    }
    let r;
    try {
      r = await fetch(path, opt);
    } catch (e) {
      return { ok: false, status: 0, json: { error: 'the server cannot be reached' } };
    }
    let json = null;
    if ((r.headers.get('Content-Type') || '').indexOf('json') >= 0) {
      try { json = await r.json(); } catch (e) { json = null; }
    }
    return { ok: r.ok, status: r.status, json, res: r };
  }

  /* an answer's error in words, with its status */
  const errText = (r) => ((r.json && r.json.error) || 'request failed') + ' (' + r.status + ')';

  window.caucusPage = { status, api, errText };
})();
