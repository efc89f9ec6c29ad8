/* 入户调查 on a phone: the list of my surveys and one elder's questionnaire.
 *
 * A submitted questionnaire goes into a queue in localStorage first and is then sent to the API with
 * the page's client key; without network it waits there (the pages come from the service worker's
 * cache) and is sent when the network returns. The server stores one answer per key, so a queue that
 * replays, or a double tap, stores the survey once.
 */
"use strict";
(function () {
  var app = document.getElementById("survey-app");
  if (!app) return;
  var QUEUE_KEY = "yiyang-survey-queue";
  var textsNode = document.getElementById("survey-text");
  var T = textsNode ? JSON.parse(textsNode.textContent) : {};
  var csrfInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  var csrf = csrfInput ? csrfInput.value : (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || "";
  var form = document.getElementById("survey-form");

  function fill(template, values) {
    return String(template || "").replace(/%\((\w+)\)s/g, function (_m, k) { return values[k]; });
  }
  function load() {
    try { return JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]"); } catch (e) { return []; }
  }
  function save(q) { localStorage.setItem(QUEUE_KEY, JSON.stringify(q)); }
  function show(id, message, on) {
    var el = document.getElementById(id);
    if (!el) return;
    el.textContent = message || "";
    el.classList.toggle("d-none", !on);
  }
  function state() {
    var q = load();
    show("queue-state", fill(T.queued, { n: q.length }), q.length > 0);
    var badge = document.getElementById("net-state");
    if (badge) {
      badge.textContent = navigator.onLine ? T.online : T.offline;
      badge.className = "badge " + (navigator.onLine ? "text-bg-success" : "text-bg-secondary");
    }
    var waiting = {};
    q.forEach(function (item) { waiting[item.response] = true; });
    document.querySelectorAll(".survey-task").forEach(function (a) {
      a.classList.toggle("d-none", !!waiting[a.dataset.response]);
    });
  }

  var sending = false;
  function send(item) {
    return fetch(item.url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: JSON.stringify({ client_key: item.key, answers: item.answers, answered_at: item.at }),
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) { return { status: r.status, body: body }; });
    });
  }
  function flush() {
    if (sending) return Promise.resolve(null);
    // A phone that knows it is offline keeps the queue and waits for the "online" event.
    if (!navigator.onLine) { state(); return Promise.resolve(null); }
    var q = load();
    if (!q.length) { state(); return Promise.resolve(null); }
    sending = true;
    var item = q[0];
    return send(item).then(function (res) {
      sending = false;
      var rest = load().filter(function (x) { return x.key !== item.key; });
      if (res.status === 200 || res.status === 201) {
        save(rest);
        state();
        return flush().then(function () { return res; });
      }
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
        save(rest);  // refused: said on screen, not retried for ever
        var messages = [];
        Object.keys(res.body || {}).forEach(function (k) { messages.push([].concat(res.body[k]).join("；")); });
        show("error-state", fill(T.refused, { name: item.elder, error: messages.join("；") }), true);
        markErrors(res.body || {});
        state();
        return res;
      }
      state();
      return res;
    }).catch(function () { sending = false; state(); return null; });
  }
  function markErrors(body) {
    document.querySelectorAll(".error").forEach(function (el) { el.textContent = body[el.dataset.for] || ""; });
  }

  function answers() {
    var out = {}, missing = [];
    document.querySelectorAll("fieldset.question").forEach(function (fs) {
      var code = fs.dataset.code, kind = fs.dataset.kind, value;
      if (kind === "multi") {
        value = [];
        fs.querySelectorAll("input:checked").forEach(function (i) { value.push(i.value); });
      } else if (kind === "choice" || kind === "yesno") {
        var hit = fs.querySelector("input:checked");
        value = hit ? hit.value : "";
      } else {
        value = fs.querySelector("input").value.trim();
      }
      var empty = Array.isArray(value) ? value.length === 0 : value === "";
      var err = fs.querySelector(".error");
      err.textContent = "";
      if (empty && fs.dataset.required === "1") { err.textContent = T.required; missing.push(code); }
      out[code] = value;
    });
    return { values: out, missing: missing };
  }

  function restore() {
    var node = document.getElementById("survey-values");
    var values = node ? JSON.parse(node.textContent) : {};
    Object.keys(values || {}).forEach(function (code) {
      var fs = document.querySelector('fieldset.question[data-code="' + code + '"]');
      if (!fs) return;
      [].concat(values[code]).forEach(function (v) {
        fs.querySelectorAll("input").forEach(function (i) {
          if (i.type === "radio" || i.type === "checkbox") { if (i.value === v) i.checked = true; }
          else i.value = v;
        });
      });
    });
  }

  if (form) {
    restore();
    // An answer given clears its question's "required" note: a stale error reads as a new one.
    form.addEventListener("input", function (event) {
      var fs = event.target.closest("fieldset.question");
      var err = fs && fs.querySelector(".error");
      if (err) err.textContent = "";
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var got = answers();
      if (got.missing.length) {
        var first = document.querySelector('fieldset.question[data-code="' + got.missing[0] + '"]');
        if (first) first.scrollIntoView();
        return;
      }
      var key = form.querySelector("input[name=client_key]").value;
      var q = load().filter(function (x) { return x.key !== key; });
      q.push({ key: key, url: app.dataset.submitUrl, response: app.dataset.submitUrl.match(/\/(\d+)\/submit/)[1],
               elder: app.dataset.elder, answers: got.values, at: new Date().toISOString() });
      save(q);
      form.querySelector("button[type=submit]").disabled = true;
      flush().then(function (res) {
        if (res && res.status >= 400) { form.querySelector("button[type=submit]").disabled = false; return; }
        window.location.href = app.dataset.doneUrl;  // sent, or waiting in the queue (the list is cached)
      });
    });
  }

  window.addEventListener("online", function () { state(); flush(); });
  window.addEventListener("offline", state);
  state();
  flush();
  function warm() {
    // Keep this page and each questionnaire of the list in the worker's cache, so that they open
    // without network later; data-cached says when that is done.
    var urls = [window.location.pathname];
    if (!form) document.querySelectorAll(".survey-task").forEach(function (a, i) { if (i < 60) urls.push(a.getAttribute("href")); });
    return urls.reduce(function (chain, url) {
      return chain.then(function () { return fetch(url, { credentials: "same-origin" }).catch(function () { return null; }); });
    }, Promise.resolve()).then(function () { app.dataset.cached = "1"; });
  }
  if ("serviceWorker" in navigator && window.isSecureContext && app.dataset.swUrl) {
    navigator.serviceWorker.register(app.dataset.swUrl, { scope: app.dataset.swUrl.replace(/sw\.js$/, "") })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function () {
        // Only a page the worker controls has its requests cached.
        if (navigator.serviceWorker.controller) return null;
        return new Promise(function (done) {
          navigator.serviceWorker.addEventListener("controllerchange", done);
          setTimeout(done, 3000);
        });
      })
      .then(function () { if (navigator.onLine) return warm(); })
      .catch(function () { /* offline pages need the worker; the online form works without it */ });
  }
})();
