/*
 * studio.js — the studio editor's script: live preview, server-side autosave,
 * saved/unsaved state, media uploads. Embedded in the binary
 * (src/site/assets/assets.S) and served at /static/studio.<version>.js, where
 * the version is a hash of the assets: edit freely, the URL follows.
 *
 * The page works without this script; everything here is an addition:
 *  - live preview: 300 ms after typing stops, POST /studio/preview with the
 *    form's csrf field and the body; the answer (server-rendered, sanitised
 *    HTML) replaces the preview pane. Offline or failing, it says so in the
 *    pane and keeps the last preview; no exceptions escape.
 *  - autosave: 5 s after a change, the fields go to the server
 *    (POST data-autosave-url), where each autosave replaces the last one
 *    until a real save; the editor page itself offers a newer autosave
 *    for restoring, on any browser. Offline or failing, the copy goes to
 *    localStorage under "hao.draft.<work id or new>" instead and is
 *    offered from there.
 *  - leaving the page with unsaved changes asks first (beforeunload).
 *  - a saved / unsaved / autosaved indicator (#save-state).
 *  - the Preview button previews in place; Ctrl/Cmd+S saves.
 *  - pictures and videos dropped, pasted or picked are uploaded to
 *    /studio/media (XHR, a progress bar per file; files over 8 MiB in
 *    chunks through /studio/media/uploads), after a description is typed
 *    into an inline field (or skipped); the answer's ![description](/m/ID)
 *    goes in where the cursor was.
 * Its strings come from the form's data-msg-* attributes (i18n on the
 * server), and the CSP (default-src 'self') is why it lives in a file at all.
 */
(function () {
  'use strict';
  var form = document.getElementById('editor');
  if (!form) return;
  var d = form.dataset;
  var f = form.elements;
  var title = f.title, body = f.body, tags = f.tags, decl = f.declaration;
  var preview = document.getElementById('preview');
  var previewState = document.getElementById('preview-state');
  var saveState = document.getElementById('save-state');
  var key = 'hao.draft.' + (d.workId || 'new');
  var serverTime = Number(d.updated || 0) * 1000;
  var AUTOSAVE_MS = 5000, PREVIEW_MS = 300;

  /* Storage can be missing or throw (private mode, quota, disabled). */
  function readJSON(store, k) {
    try { var s = store.getItem(k); return s ? JSON.parse(s) : null; } catch (e) { return null; }
  }
  function writeJSON(store, k, v) {
    try { store.setItem(k, JSON.stringify(v)); return true; } catch (e) { return false; }
  }
  function remove(store, k) {
    try { store.removeItem(k); } catch (e) { /* nothing to do */ }
  }
  var local = null, session = null;
  try { local = window.localStorage; session = window.sessionStorage; } catch (e) { /* no storage */ }

  var summary = f.summary;
  function snapshot() {
    return { title: title.value, body: body.value, tags: tags.value, declaration: decl.value,
      summary: summary ? summary.value : '' };
  }
  function same(a, b) {
    return a.title === b.title && a.body === b.body && a.tags === b.tags && a.declaration === b.declaration &&
      (a.summary || '') === (b.summary || '');
  }
  var stored = snapshot();

  /* ---- saved / unsaved indicator ---- */
  function setState(cls, text) {
    saveState.className = 'save-state ' + cls;
    saveState.textContent = text;
    form.setAttribute('data-state', cls);
  }
  var dirty = d.dirty === '1';
  if (dirty) setState('is-unsaved', d.msgUnsaved);
  else if (d.saved === '1') setState('is-saved', d.msgSaved);

  /* ---- autosave: to the server, or to this device when that fails ---- */
  var autosaveTimer = null, lastAutosaved = null;
  function hm(t) {
    return new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }
  function autosaveLocal(snap) {
    if (local && writeJSON(local, key, snap)) setState('is-local', d.msgLocal + ' ' + hm(snap.t));
    else setState('is-unsaved', d.msgAutosaveFailed);
  }
  function autosave() {
    autosaveTimer = null;
    if (!dirty) return;
    var snap = snapshot();
    snap.t = Date.now();
    if (lastAutosaved && same(lastAutosaved, snap)) return;
    if (!d.autosaveUrl || typeof fetch !== 'function' || typeof URLSearchParams !== 'function' ||
        navigator.onLine === false) return autosaveLocal(snap);
    var params = new URLSearchParams();
    params.set('csrf', f.csrf.value);
    ['title', 'body', 'tags', 'declaration', 'summary'].forEach(function (k) { params.set(k, snap[k] || ''); });
    fetch(d.autosaveUrl, { method: 'POST', body: params, credentials: 'same-origin', keepalive: snap.body.length < 60000 })
      .then(function (res) {
        if (!res.ok) throw new Error('autosave ' + res.status);
        lastAutosaved = snap;
        remove(local, key);
        if (dirty) setState('is-autosaved', d.msgAutosaved + ' ' + hm(snap.t));
      })
      .catch(function () { autosaveLocal(snap); });
  }
  function changed() {
    dirty = !same(snapshot(), stored);
    if (dirty) {
      setState('is-unsaved', d.msgUnsaved);
      if (!autosaveTimer) autosaveTimer = setTimeout(autosave, AUTOSAVE_MS);
    } else {
      setState('is-saved', d.workId === 'new' ? '' : d.msgSaved);
    }
  }
  window.addEventListener('pagehide', function () { if (dirty) autosave(); });
  /* Leaving with unsaved changes asks first (a form submit does not). */
  var submitting = false;
  window.addEventListener('beforeunload', function (ev) {
    if (!dirty || submitting) return;
    ev.preventDefault();
    ev.returnValue = d.msgLeave || '';
    return d.msgLeave || '';
  });

  /* A submitted save lands on a page rendered with data-saved="1": the copy
   * kept on this device up to the submit is in the database now. */
  var submitted = session ? readJSON(session, 'hao.submit') : null;
  if (session) remove(session, 'hao.submit');
  if (submitted && d.saved === '1' && local) {
    var old = readJSON(local, submitted.key);
    if (old && !(old.t > submitted.t)) remove(local, submitted.key);
  }
  form.addEventListener('submit', function (ev) {
    var btn = ev.submitter;
    var action = btn && btn.name === 'action' ? btn.value : 'save';
    if (action === 'preview') return;
    submitting = true;
    if (session) writeJSON(session, 'hao.submit', { key: key, t: Date.now() });
  });

  /* Offer a copy from this device that is newer than the stored work. */
  function offerRestore(copy) {
    var box = document.createElement('div');
    box.className = 'restore-offer';
    box.id = 'restore-offer';
    var p = document.createElement('p');
    var when = new Date(copy.t).toLocaleString();
    p.textContent = d.msgRestoreOffer + ' (' + when + ')';
    var yes = document.createElement('button');
    yes.type = 'button';
    yes.textContent = d.msgRestore;
    var no = document.createElement('button');
    no.type = 'button';
    no.className = 'secondary';
    no.textContent = d.msgDiscard;
    box.appendChild(p);
    box.appendChild(yes);
    box.appendChild(document.createTextNode(' '));
    box.appendChild(no);
    form.parentNode.insertBefore(box, form);
    yes.addEventListener('click', function () {
      title.value = copy.title || '';
      body.value = copy.body || '';
      tags.value = copy.tags || '';
      if (summary) summary.value = copy.summary || '';
      if (copy.declaration) decl.value = copy.declaration;
      box.parentNode.removeChild(box);
      changed();
      runPreview();
      body.focus();
    });
    no.addEventListener('click', function () {
      remove(local, key);
      box.parentNode.removeChild(box);
      title.focus();
    });
  }
  var copy = local ? readJSON(local, key) : null;
  /* The server's own offer (an autosave there) comes first. */
  if (copy && typeof copy.t === 'number' && !dirty && !document.getElementById('autosave-offer')) {
    if (same(copy, stored)) remove(local, key);
    else if (copy.t > serverTime) offerRestore(copy);
    else remove(local, key);
  }

  /* ---- live preview ---- */
  var previewTimer = null, seq = 0, lastSent = null;
  function setPreviewState(text) {
    previewState.textContent = text;
    previewState.className = 'preview-state' + (text ? ' is-shown' : '');
  }
  function runPreview() {
    clearTimeout(previewTimer);
    previewTimer = null;
    if (navigator.onLine === false) { setPreviewState(d.msgOffline); return; }
    if (typeof fetch !== 'function' || typeof URLSearchParams !== 'function') return;
    var text = body.value;
    var my = ++seq;
    var params = new URLSearchParams();
    params.set('csrf', f.csrf.value);
    params.set('body', text);
    preview.setAttribute('aria-busy', 'true');
    fetch('/studio/preview', { method: 'POST', body: params, credentials: 'same-origin' })
      .then(function (res) {
        if (!res.ok) throw new Error('preview ' + res.status);
        return res.text();
      })
      .then(function (html) {
        if (my !== seq) return;
        lastSent = text;
        /* The server renders Markdown with raw HTML escaped and unsafe links
         * dropped, and the CSP forbids inline script. */
        preview.innerHTML = html;
        preview.removeAttribute('aria-busy');
        setPreviewState('');
      })
      .catch(function () {
        if (my !== seq) return;
        preview.removeAttribute('aria-busy');
        setPreviewState(navigator.onLine === false ? d.msgOffline : d.msgFailed);
      });
  }
  function schedulePreview() {
    if (body.value === lastSent) return;
    clearTimeout(previewTimer);
    previewTimer = setTimeout(runPreview, PREVIEW_MS);
  }
  window.addEventListener('online', function () { setPreviewState(''); lastSent = null; runPreview(); });
  window.addEventListener('offline', function () { setPreviewState(d.msgOffline); });

  form.addEventListener('input', function (ev) {
    changed();
    if (ev.target === body) schedulePreview();
  });
  form.addEventListener('change', changed);

  /* The Preview button posts the form without JavaScript; with it, preview
   * in place and keep the page. */
  var previewBtn = form.querySelector('button[name="action"][value="preview"]');
  if (previewBtn) {
    previewBtn.addEventListener('click', function (ev) {
      ev.preventDefault();
      lastSent = null;
      runPreview();
      var pane = preview.parentNode;
      if (pane && pane.scrollIntoView) pane.scrollIntoView({ block: 'nearest' });
    });
  }

  /* Ctrl/Cmd+S saves the draft (a plain form submit). */
  document.addEventListener('keydown', function (ev) {
    if ((ev.ctrlKey || ev.metaKey) && (ev.key === 's' || ev.key === 'S')) {
      ev.preventDefault();
      var save = form.querySelector('button[name="action"][value="save"]');
      if (save && form.requestSubmit) form.requestSubmit(save);
      else if (save) save.click();
    }
  });

  /* ---- pictures and videos: drop, paste or pick; upload with progress ---- */
  var picker = document.getElementById('media-file');
  var uploads = document.getElementById('uploads');
  var csrf = f.csrf ? f.csrf.value : '';
  if (picker) picker.closest('p').hidden = false;
  function insertAtCursor(text, at) {
    var s = at ? at[0] : body.selectionStart, e = at ? at[1] : body.selectionEnd, v = body.value;
    if (s > v.length) s = v.length;
    if (e > v.length) e = v.length;
    var before = v.slice(0, s), after = v.slice(e);
    if (before && !/\n\n$/.test(before)) before += /\n$/.test(before) ? '\n' : '\n\n';
    body.value = before + text + '\n\n' + after;
    body.selectionStart = body.selectionEnd = before.length + text.length + 2;
    body.dispatchEvent(new Event('input', { bubbles: true }));
  }
  /* One POST with the csrf header; cb(status, parsed JSON or null). */
  function post(url, data, type, onprogress, cb) {
    var xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('X-CSRF-Token', csrf);
    if (type) xhr.setRequestHeader('Content-Type', type);
    if (onprogress) xhr.upload.onprogress = onprogress;
    xhr.onload = function () {
      var j = null;
      try { j = JSON.parse(xhr.responseText); } catch (e) { /* an HTML error page */ }
      cb(xhr.status, j);
    };
    xhr.onerror = function () { cb(0, null); };
    xhr.send(data);
  }
  /* Files over one chunk go in chunks: the server holds a request body
   * whole in memory, so a big video must not be one request. */
  var CHUNK = 8 * 1024 * 1024;
  function chunked(file, alt, bar, finish) {
    post('/studio/media/uploads', '{}', 'application/json', null, function (st, j) {
      if (st !== 201 || !j) return finish(st, j);
      var off = 0, tries = 0;
      (function next() {
        if (off >= file.size) {
          return post('/studio/media/uploads/' + j.id + '/finish', JSON.stringify({ alt: alt }), 'application/json', null, finish);
        }
        post('/studio/media/uploads/' + j.id + '?offset=' + off, file.slice(off, off + CHUNK), 'application/octet-stream',
          function (ev) { bar.value = Math.round((off + ev.loaded) * 99 / file.size); },
          function (st2, j2) {
            var o = j2 && typeof j2.offset === 'number' ? j2.offset : j2 && j2.error && j2.error.offset;
            if ((st2 === 200 || st2 === 409) && typeof o === 'number' && tries++ < 10000) {
              off = o;
              return next();
            }
            finish(st2, j2);
          });
      })();
    });
  }
  /* Ask for the description in the list of uploads, not in a blocking
   * prompt: a labelled field with Insert and Skip; Enter inserts. */
  var altSeq = 0;
  function askAlt(file, done) {
    var row = document.createElement('li');
    row.className = 'alt-ask';
    var id = 'alt-' + (++altSeq);
    var box = document.createElement('div');
    box.className = 'alt-field';
    var label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = d.msgAltLabel + ' · ' + file.name;
    var input = document.createElement('input');
    input.type = 'text';
    input.id = id;
    input.maxLength = 200;
    var ok = document.createElement('button');
    ok.type = 'button';
    ok.textContent = d.msgAltInsert;
    var skip = document.createElement('button');
    skip.type = 'button';
    skip.className = 'secondary';
    skip.textContent = d.msgAltSkip;
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(ok);
    box.appendChild(skip);
    row.appendChild(box);
    uploads.appendChild(row);
    var answered = false;
    function answer(text) {
      if (answered) return;
      answered = true;
      row.parentNode.removeChild(row);
      done(text);
    }
    ok.addEventListener('click', function () { answer(input.value); });
    skip.addEventListener('click', function () { answer(''); });
    input.addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter') { ev.preventDefault(); answer(input.value); }
    });
    input.focus();
  }
  function upload(file) {
    var at = [body.selectionStart, body.selectionEnd];
    askAlt(file, function (alt) { send(file, alt, at); });
  }
  function send(file, alt, at) {
    alt = (alt || '').replace(/[\r\n\[\]]+/g, ' ').trim().slice(0, 200);
    var row = document.createElement('li');
    var name = document.createElement('span');
    name.textContent = d.msgUploading + ' ' + file.name;
    var bar = document.createElement('progress');
    bar.max = 100;
    bar.value = 0;
    row.appendChild(name);
    row.appendChild(bar);
    uploads.appendChild(row);
    function finish(status, j) {
      if ((status === 201 || status === 200) && j && j.url) {
        bar.value = 100;
        row.className = 'upload-done';
        name.textContent = file.name;
        insertAtCursor('![' + alt + '](' + j.url + ')', at);
        body.focus();
      } else {
        row.className = 'upload-failed';
        name.textContent = d.msgUploadFailed + ' ' + file.name + ': ' +
          (j && j.error ? j.error.message : status ? String(status) : d.msgOffline);
      }
    }
    if (file.size > CHUNK) return chunked(file, alt, bar, finish);
    var fd = new FormData();
    fd.append('alt', alt);
    fd.append('file', file);
    post('/studio/media', fd, null, function (ev) {
      if (ev.lengthComputable) bar.value = Math.round(ev.loaded * 99 / ev.total);
    }, finish);
  }
  function uploadAll(files) {
    for (var i = 0; i < files.length; i++) upload(files[i]);
  }
  body.addEventListener('dragover', function (ev) {
    if (ev.dataTransfer && Array.prototype.indexOf.call(ev.dataTransfer.types, 'Files') >= 0) ev.preventDefault();
  });
  body.addEventListener('drop', function (ev) {
    if (ev.dataTransfer && ev.dataTransfer.files && ev.dataTransfer.files.length) {
      ev.preventDefault();
      uploadAll(ev.dataTransfer.files);
    }
  });
  body.addEventListener('paste', function (ev) {
    var files = ev.clipboardData && ev.clipboardData.files;
    if (files && files.length) {
      ev.preventDefault();
      uploadAll(files);
    }
  });
  if (picker) picker.addEventListener('change', function () {
    uploadAll(picker.files);
    picker.value = '';
  });

  /* A page rendered without a preview (a new work) or with a stale one. */
  if (body.value.trim() !== '' && !preview.querySelector('*:not(.empty)')) runPreview();
  else lastSent = body.value;
})();
