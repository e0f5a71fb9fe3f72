/* caucus UI in the reader's language (docs/ui.md, "Languages"). A message catalogue per language,
 * /lang-TAG.json (English text -> translation; a key with "{}" (any text) or "{w}" (one word) is
 * a pattern whose captures fill {1}, {2}, ... of the translation, as in the report's catalogues),
 * is applied to the page's text, placeholders, titles and labels, and to everything app.js writes
 * later (a MutationObserver). The language: the switch's choice (kept in localStorage), else the
 * browser's preferences (navigator.languages), else English. The scenario's texts the viewer
 * reads come in that language from GET /api/texts (only texts of the viewer's own state), asked
 * again as the page changes. Texts are only replaced as text (textContent and attributes), never
 * as HTML. What participants wrote is shown as written. */
(function () {
  'use strict';
  var AVAILABLE = {en: 'English', ko: '한국어'};
  var KEY = 'caucus.lang';
  var ATTRS = ['placeholder', 'title', 'aria-label'];

  function pick() {
    var saved = null;
    try { saved = window.localStorage.getItem(KEY); } catch (e) { saved = null; }
    if (saved && AVAILABLE[saved]) return saved;
    var prefs = navigator.languages || [navigator.language || 'en'];
    for (var i = 0; i < prefs.length; i++) {
      var base = String(prefs[i]).toLowerCase().split('-')[0];
      if (AVAILABLE[base]) return base;
    }
    return 'en';
  }

  var lang = pick();
  var exact = {};
  var scen = {}; /* the scenario's texts the viewer reads, in lang (GET /api/texts) */
  var classes = {}; /* classification name -> its display name in lang (label_policy 'display') */
  var patterns = [];

  function escapeRe(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

  function compile(cat) {
    Object.keys(cat).forEach(function (k) {
      if (k.indexOf('{}') < 0 && k.indexOf('{w}') < 0) { exact[k] = cat[k]; return; }
      var re = '^' + k.split(/(\{w?\})/).map(function (p) {
        return p === '{}' ? '(.+?)' : p === '{w}' ? '(\\S+?)' : escapeRe(p);
      }).join('') + '$';
      patterns.push({re: new RegExp(re), to: cat[k]});
    });
  }

  var has = function (o, k) { return Object.prototype.hasOwnProperty.call(o, k); };

  /* The translation of s (trimmed), or null. */
  function t(s, depth) {
    if (has(scen, s)) return scen[s];
    if (has(exact, s)) return exact[s];
    if ((depth || 0) > 2) return null;
    for (var i = 0; i < patterns.length; i++) {
      var m = patterns[i].re.exec(s);
      if (!m) continue;
      return patterns[i].to.replace(/\{([1-9])\}/g, function (_, n) {
        var c = m[+n] || '';
        var tc = t(c, (depth || 0) + 1);
        return tc === null ? c : tc;
      });
    }
    return null;
  }

  /* a text node's English as app.js wrote it, and what it became: texts that arrive later (a
   * role in a sentence, say) translate it again from the English */
  var orig = new WeakMap();

  /* Text as written: an item's title and body, a note, an option, a position (marked by mark()).
   * There only the scenario's own texts are given in lang (never the page's catalogue: a player's
   * "Cancel" stays "Cancel"), an option also after its "ID: ". A .ui-word inside is the page's. */
  function asWritten(node) {
    var p = node.parentElement;
    if (!p) return false;
    if (p.closest('.ui-word')) return false;
    return !!p.closest('[data-written], .lang-tag, .body, .ntext, .otext, .item-title');
  }

  function scenarioText(s) {
    if (has(scen, s)) return scen[s];
    var m = /^([^\s:]+): ([\s\S]+)$/.exec(s);
    return m && has(scen, m[2]) ? m[1] + ': ' + scen[m[2]] : null;
  }

  function translateText(node) {
    var v = node.nodeValue;
    var o = orig.get(node);
    if (o && o.out === v) v = o.src;
    /* the text without its surrounding space, and its inner runs of white space as one space
     * (as the catalogue's keys are written; HTML source wraps long texts) */
    var m = /^(\s*)([\s\S]*?)(\s*)$/.exec(v);
    var s = m[2].replace(/\s+/g, ' ');
    if (!s || !/[A-Za-z]/.test(s)) return;
    var r = asWritten(node) ? scenarioText(s) : t(s);
    if (r !== null && r !== s) {
      var nv = m[1] + r + m[3];
      orig.set(node, {src: v, out: nv});
      if (node.nodeValue !== nv) node.nodeValue = nv;
    }
    else if (r === null && s.length >= 8 && /[A-Za-z]{3}/.test(s) && !askedFor[s]) { waiting[s] = true; unknown = true; }
  }

  function translateElement(el) {
    for (var i = 0; i < ATTRS.length; i++) {
      var a = el.getAttribute && el.getAttribute(ATTRS[i]);
      if (!a) continue;
      var r = t(a.trim());
      if (r !== null && r !== a) el.setAttribute(ATTRS[i], r);
    }
  }

  /* a label banner keeps its canonical marking; its classification's display name in lang is
   * shown beside it (data-display, drawn by app.css) */
  function markBanner(el) {
    if (!el.classList || !el.classList.contains('banner')) return;
    var name = (el.getAttribute('data-label') || '').split('//')[0];
    var d = Object.prototype.hasOwnProperty.call(classes, name) ? classes[name] : null;
    if (d && el.getAttribute('data-display') !== d) el.setAttribute('data-display', d);
    else if (!d && el.hasAttribute('data-display')) el.removeAttribute('data-display');
  }

  function walk(root) {
    if (root.nodeType === 3) { translateText(root); return; }
    if (root.nodeType !== 1 || root.tagName === 'SCRIPT' || root.tagName === 'STYLE') return;
    translateElement(root);
    markBanner(root);
    for (var c = root.firstChild; c; c = c.nextSibling) walk(c);
  }

  function reportLink() {
    var a = document.getElementById('report-link');
    if (!a || lang === 'en') return;
    var href = a.getAttribute('href') || '/api/report';
    if (href.indexOf('lang=') < 0) a.setAttribute('href', href + (href.indexOf('?') < 0 ? '?' : '&') + 'lang=' + lang);
  }

  function languageSwitch() {
    var top = document.querySelector('header.top');
    if (!top || document.getElementById('lang-switch')) return;
    var sel = document.createElement('select');
    sel.id = 'lang-switch';
    sel.className = 'lang-switch';
    sel.setAttribute('aria-label', lang === 'ko' ? '언어' : 'Language');
    Object.keys(AVAILABLE).forEach(function (k) {
      var o = document.createElement('option');
      o.value = k;
      o.lang = k;
      o.textContent = AVAILABLE[k];
      if (k === lang) o.selected = true;
      sel.appendChild(o);
    });
    sel.addEventListener('change', function () {
      try { window.localStorage.setItem(KEY, sel.value); } catch (e) { /* private mode: this page only */ }
      window.location.reload();
    });
    top.appendChild(sel);
  }

  /* the scenario's texts of the viewer's state in lang (none before joining: 401) */
  var asked = 0, pending = null, unknown = false;
  var askedFor = {}, waiting = {}; /* texts the server was asked about (once each), and those to ask */
  function scenarioTexts() {
    pending = null;
    asked = Date.now();
    Object.keys(waiting).forEach(function (k) { askedFor[k] = true; });
    waiting = {};
    fetch('/api/texts?lang=' + encodeURIComponent(lang), {credentials: 'same-origin'})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (!j || !j.texts) return;
        var added = false;
        Object.keys(j.classes || {}).forEach(function (k) {
          if (classes[k] !== j.classes[k]) { classes[k] = j.classes[k]; added = true; }
        });
        Object.keys(j.texts).forEach(function (k) {
          if (scen[k] !== j.texts[k]) { scen[k] = j.texts[k]; added = true; }
        });
        if (added) walk(document.body);
      })
      .catch(function () { /* shown in the authoritative language */ });
  }
  function soon() {
    if (pending) return;
    pending = setTimeout(scenarioTexts, Math.max(500, 5000 - (Date.now() - asked)));
  }

  function start() {
    document.documentElement.lang = lang;
    languageSwitch();
    if (lang === 'en') return;
    reportLink();
    walk(document.body);
    document.title = t(document.title) || document.title;
    new MutationObserver(function (muts) {
      muts.forEach(function (m) {
        if (m.type === 'characterData') translateText(m.target);
        else if (m.type === 'attributes' && m.attributeName === 'data-label') markBanner(m.target);
        else if (m.type === 'attributes') translateElement(m.target);
        else m.addedNodes.forEach(walk);
      });
      /* new text the page does not have in lang yet (a new item, perhaps): ask again */
      if (unknown) { unknown = false; soon(); }
    }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                               attributeFilter: ATTRS.concat(['data-label'])});
    scenarioTexts();
  }

  /* The name of language tag in the reader's language ("영어" for en on a Korean page). */
  function languageName(tag) {
    try { return new Intl.DisplayNames([lang], {type: 'language'}).of(tag) || tag; } catch (e) { return tag; }
  }
  var primary = function (tag) { return String(tag || '').toLowerCase().split('-')[0]; };

  /* Marks node, which shows text a participant wrote, with the language its writer gave (tag: the
   * state's "lang", or undefined when not said): the HTML lang attribute, and when it is not the
   * reader's language a small tag after node naming it in the reader's language (span.lang-tag). */
  function mark(node, tag) {
    if (!node) return;
    var ok = typeof tag === 'string' && /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(tag);
    if (ok) { if (node.getAttribute('lang') !== tag) node.setAttribute('lang', tag); }
    else if (node.hasAttribute('lang')) node.removeAttribute('lang');
    node.setAttribute('data-written', '');
    var next = node.nextElementSibling;
    var have = next && next.classList.contains('lang-tag') ? next : null;
    if (!ok || primary(tag) === primary(lang)) { if (have) have.remove(); return; }
    if (!have) {
      have = document.createElement('span');
      have.className = 'lang-tag';
      node.after(have);
    }
    have.setAttribute('lang', lang);
    var name = languageName(tag);
    if (have.textContent !== name) have.textContent = name;
  }

  window.caucusLang = {lang: lang, t: function (s) { var r = t(s); return r === null ? s : r; },
                       refresh: function () { walk(document.body); }, mark: mark};
  if (lang === 'en') {
    document.addEventListener('DOMContentLoaded', start);
    return;
  }
  fetch('/lang-' + lang + '.json', {credentials: 'same-origin'})
    .then(function (r) { return r.ok ? r.json() : {}; })
    .then(function (cat) {
      compile(cat);
      if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
      else start();
    })
    .catch(function () { /* the page stays English */ });
})();
