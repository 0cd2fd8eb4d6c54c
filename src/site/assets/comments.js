/*
 * comments.js — comments and likes without reloading the page. Embedded in
 * the binary (src/site/assets/assets.S), served at
 * /static/comments.<version>.js.
 *
 * The page works without this script: every form POSTs and comes back to
 * /a/ID#c-N. With it, the same forms are sent with fetch and
 * "Accept: application/json" (their csrf field goes along in the body, and
 * the session cookie with it), and the answer updates the page in place:
 *  - a like or unlike: the button's count and pressed state;
 *  - a new comment or reply: the server's rendering of it (the same HTML a
 *    reload shows), at the top of the list or at the end of its thread;
 *  - a refusal (too long, too fast, closed...): the server's message beside
 *    the form, which keeps the text typed.
 * Anything else (edit, delete, pin, remove, block) stays an ordinary form.
 *
 * Following (关注): the signed-in reader's follow form (form.follow, a POST,
 * on work and author pages) is sent the same way; the answer
 * {"following","followers","label"} turns the button over (its text, class
 * and the form's "on" field) and updates the follower count on the page.
 * The anonymous reader's follow form is a GET to a confirmation page and
 * stays one.
 */
(function () {
  'use strict';
  /* Included by the comments and by each follow button: run once. */
  if (window.haoComments || !window.fetch || !window.FormData) return;
  window.haoComments = true;

  function onFollow(form) {
    var btn = form.querySelector('button');
    btn.disabled = true;
    message(form, '');
    send(form).then(function (r) {
      btn.disabled = false;
      if (!r.ok || !r.j || typeof r.j.following !== 'boolean') { message(form, errorText(r)); return; }
      var following = r.j.following;
      form.querySelector('input[name=on]').value = following ? '0' : '1';
      btn.className = following ? 'unfollow' : 'follow';
      btn.setAttribute('data-following', following ? '1' : '0');
      btn.textContent = r.j.label;
      var box = form.closest('.follow-box');
      var n = box && box.querySelector('[data-count=followers]');
      if (n) n.textContent = String(r.j.followers);
      btn.focus();
    }, function () { btn.disabled = false; message(form, 'offline'); });
  }

  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (form.classList.contains('follow') && form.method.toLowerCase() === 'post' && form.elements.on) {
      ev.preventDefault();
      onFollow(form);
    }
  });

  var section = document.getElementById('comments');
  if (!section) return;

  function send(form) {
    return fetch(form.action, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Accept': 'application/json' },
      body: new URLSearchParams(new FormData(form))
    }).then(function (res) {
      return res.json().then(function (j) { return { ok: res.ok, status: res.status, j: j }; },
                            function () { return { ok: false, status: res.status, j: null }; });
    });
  }

  function message(form, text) {
    var p = form.querySelector('.form-msg');
    if (!p) {
      p = document.createElement('p');
      p.className = 'form-msg';
      p.setAttribute('role', 'status');
      form.appendChild(p);
    }
    p.textContent = text || '';
  }

  function errorText(r) {
    return r.j && r.j.error && r.j.error.message ? r.j.error.message : 'HTTP ' + r.status;
  }

  function onLike(form) {
    var btn = form.querySelector('button');
    btn.disabled = true;
    send(form).then(function (r) {
      btn.disabled = false;
      if (!r.ok || !r.j) { btn.title = errorText(r); return; }
      var liked = !!r.j.liked;
      form.querySelector('input[name=on]').value = liked ? '0' : '1';
      btn.classList.toggle('liked', liked);
      btn.setAttribute('aria-pressed', liked ? 'true' : 'false');
      btn.querySelector('.n').textContent = String(r.j.likes);
    }, function () { btn.disabled = false; });
  }

  function onComment(form) {
    var btn = form.querySelector('button[type=submit]');
    btn.disabled = true;
    message(form, '');
    send(form).then(function (r) {
      btn.disabled = false;
      if (!r.ok || !r.j || !r.j.html) { message(form, errorText(r)); return; }
      var tpl = document.createElement('template');
      tpl.innerHTML = r.j.html; /* the server's rendering: escaped text (comment_text.h) */
      var node = tpl.content.firstElementChild;
      var parent = form.elements.parent ? form.closest('article.comment:not(.reply)') : null;
      if (parent) {
        var replies = parent.querySelector(':scope > .replies');
        if (!replies) {
          replies = document.createElement('div');
          replies.className = 'replies';
          parent.appendChild(replies);
        }
        replies.appendChild(node);
        var box = form.closest('details');
        if (box) box.open = false;
      } else {
        var list = section.querySelector('.comment-list');
        var empty = list.querySelector('.empty');
        if (empty) empty.remove();
        var pinned = list.querySelector(':scope > .pinned');
        list.insertBefore(node, pinned ? pinned.nextSibling : list.firstChild);
        var count = section.querySelector('h2 .count');
        if (count && r.j.comment && r.j.comment.status === 'published')
          count.textContent = String(Number(count.textContent) + 1);
      }
      form.elements.body.value = '';
      message(form, r.j.message || '');
      node.scrollIntoView({ block: 'nearest' });
    }, function () { btn.disabled = false; message(form, 'offline'); });
  }

  section.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (form.classList.contains('like-form')) { ev.preventDefault(); onLike(form); }
    else if (form.classList.contains('comment-form')) { ev.preventDefault(); onComment(form); }
  });
})();
