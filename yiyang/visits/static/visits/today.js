/* 今日走访: the day's visits on a phone, working without a network.
 *
 * The list comes from data-data-url and is kept in localStorage; a visit is put in a queue in
 * localStorage first and then sent to the API with its client key, so a visit recorded offline is
 * sent when the network returns, and a visit sent twice (the answer lost) is stored once by the
 * server. The page registers a service worker and puts itself and its scripts in the cache, so it
 * opens again without a network.
 */
(function () {
  "use strict";
  var app = document.getElementById("visits-app");
  if (!app) return;
  var T = JSON.parse(document.getElementById("visits-text").textContent);
  var DATA_KEY = "yiyang.visits.today";
  var QUEUE_KEY = "yiyang.visits.queue";
  var CACHE = "yiyang-visits-v1";
  var csrf = app.querySelector("input[name=csrfmiddlewaretoken]").value;
  var list = document.getElementById("task-list");
  var form = document.getElementById("visit-form");
  var data = null;
  var current = null;
  var checkin = null;
  var position = null;
  var flushing = false;

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, k) { return values[k]; });
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function show(id, text) {
    var box = document.getElementById(id);
    box.textContent = text || "";
    box.classList.toggle("d-none", !text);
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // -- the queue ---------------------------------------------------------------------------
  function queue() {
    try { return JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]"); } catch (e) { return []; }
  }
  function saveQueue(q) {
    localStorage.setItem(QUEUE_KEY, JSON.stringify(q));
    show("queue-state", q.length ? fmt(T.queued, { n: q.length }) : "");
  }
  function flush() {
    if (flushing) return Promise.resolve();
    var q = queue();
    if (!q.length) return Promise.resolve();
    flushing = true;
    var item = q[0];
    return fetch(app.dataset.recordUrl.replace("/0/", "/" + item.task + "/"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: JSON.stringify(item.body),
    }).then(function (response) {
      if (response.status >= 500) throw new Error("server " + response.status);
      return response.json().then(function (body) {
        var rest = queue().filter(function (x) { return x.body.client_key !== item.body.client_key; });
        saveQueue(rest);
        if (response.ok) {
          show("sent-state", fmt(T.sent, { name: item.name }));
        } else {
          var detail = body.detail || Object.keys(body).map(function (k) { return [].concat(body[k]).join(" "); }).join("；");
          show("error-state", fmt(T.refused, { name: item.name, error: detail }));
        }
        flushing = false;
        render();
        return flush();
      });
    }).catch(function () {
      flushing = false;  // offline (or the server is down): the visit stays in the queue
    });
  }

  // -- the list ------------------------------------------------------------------------------
  // The server sends the most urgent batch of the worker's open visits with the totals and a cursor
  // for the next batch; "after" is the cursor of the batch shown ("" = the first).
  var after = "";
  function load(next) {
    if (typeof next === "string") after = next;
    var params = [];
    if (position) params.push("lat=" + position[0], "lng=" + position[1]);
    if (after) params.push("after=" + encodeURIComponent(after));
    var url = app.dataset.dataUrl + (params.length ? "?" + params.join("&") : "");
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (body) {
        data = body;
        localStorage.setItem(DATA_KEY, JSON.stringify(body));
        show("error-state", "");
      })
      .catch(function () {
        try { data = JSON.parse(localStorage.getItem(DATA_KEY) || "null"); } catch (e) { data = null; }
        if (data) show("queue-state", T.cached);
      })
      .then(render);
  }
  function render() {
    list.innerHTML = "";
    var waiting = {};
    queue().forEach(function (x) { waiting[x.task] = true; });
    var tasks = (data && data.tasks) || [];
    if (!tasks.length) list.appendChild(el("div", { class: "text-muted p-3" }, T.empty));
    if (data && data.open > tasks.length) {
      list.appendChild(el("div", { class: "list-group-item small text-muted", id: "task-totals" },
        fmt(T.totals, { open: data.open, overdue: data.overdue, n: tasks.length })));
    }
    tasks.forEach(function (t) {
      var done = t.done || waiting[t.id];
      var item = el("button", { type: "button", class: "list-group-item list-group-item-action task", "data-task": t.id });
      var head = el("div", { class: "d-flex justify-content-between" });
      head.appendChild(el("strong", { class: "fs-5" }, t.elder));
      var badge = waiting[t.id] ? T.waiting : (t.overdue ? T.overdue : T.due + " " + t.due.slice(5));
      head.appendChild(el("span", { class: "badge align-self-center text-bg-" + (waiting[t.id] ? "warning" : t.overdue ? "danger" : "secondary") }, badge));
      item.appendChild(head);
      item.appendChild(el("div", {}, t.reason + (t.attempt > 1 ? " · " + t.kind : "")));
      var where = t.address + (t.metres !== null && t.metres !== undefined ? " · " + fmt(T.metres, { m: t.metres }) : "");
      item.appendChild(el("div", { class: "small text-muted" }, where));
      if (done) item.disabled = true;
      item.addEventListener("click", function () { open(t); });
      list.appendChild(item);
    });
    if (data && (data.next || after)) {
      var more = el("button", { type: "button", class: "list-group-item list-group-item-action text-center fw-semibold py-3", id: "next-batch" },
        data.next ? T.nextBatch : T.firstBatch);
      more.addEventListener("click", function () { load(data.next || ""); });
      list.appendChild(more);
    }
    var online = navigator.onLine;
    var state = document.getElementById("net-state");
    state.textContent = online ? T.online : T.offline;
    state.className = "badge text-bg-" + (online ? "success" : "secondary");
    show("queue-state", queue().length ? fmt(T.queued, { n: queue().length }) : (online ? "" : (data ? T.cached : "")));
  }

  // -- the form --------------------------------------------------------------------------------
  function choices(name, options) {
    var box = form.querySelector('[data-name="' + name + '"]');
    box.innerHTML = "";
    options.forEach(function (o, i) {
      var id = "c-" + name + "-" + i;
      box.appendChild(el("input", { type: "radio", class: "btn-check", name: name, id: id, value: o[0], autocomplete: "off" }));
      box.appendChild(el("label", { class: "btn btn-outline-primary", for: id }, o[1]));
    });
  }
  function value(name) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    return checked ? checked.value : "";
  }
  function open(task) {
    current = task;
    checkin = null;
    form.reset();
    var c = data.choices;
    choices("seen", c.seen);
    form.querySelectorAll("[data-source]").forEach(function (box) { choices(box.dataset.name, c[box.dataset.source]); });
    choices("need", [["", T.noNeed]].concat(c.need));
    choices("signed_by", c.signed_by);
    var select = document.getElementById("service_item");
    select.innerHTML = "";
    select.appendChild(el("option", { value: "" }, T.anyItem));
    c.service_items.forEach(function (i) { select.appendChild(el("option", { value: i[0] }, i[1])); });
    document.getElementById("form-title").textContent = task.elder;
    document.getElementById("form-reason").textContent = task.reason + " · " + task.address;
    document.getElementById("checkin-state").textContent = "";
    list.classList.add("d-none");
    document.getElementById("locate").classList.add("d-none");
    form.classList.remove("d-none");
    window.scrollTo(0, 0);
  }
  function close() {
    current = null;
    form.classList.add("d-none");
    list.classList.remove("d-none");
    document.getElementById("locate").classList.remove("d-none");
  }
  function locate() {
    return new Promise(function (resolve) {
      if (!navigator.geolocation) return resolve(null);
      navigator.geolocation.getCurrentPosition(
        function (p) { resolve([p.coords.latitude, p.coords.longitude]); },
        function () { resolve(null); },
        { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 }
      );
    });
  }
  function photo() {
    var input = document.getElementById("photo");
    var file = input.files && input.files[0];
    if (!file) return Promise.resolve("");
    return new Promise(function (resolve) {
      var reader = new FileReader();
      reader.onload = function () {
        var img = new Image();
        img.onload = function () {
          var scale = Math.min(1, 1024 / Math.max(img.width, img.height));
          var canvas = document.createElement("canvas");
          canvas.width = Math.round(img.width * scale); canvas.height = Math.round(img.height * scale);
          canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
          resolve(canvas.toDataURL("image/jpeg", 0.7));
        };
        img.onerror = function () { resolve(""); };
        img.src = reader.result;
      };
      reader.readAsDataURL(file);
    });
  }

  document.getElementById("checkin").addEventListener("click", function () {
    checkin = { at: new Date().toISOString(), lat: null, lng: null };
    var stamp = new Date().toTimeString().slice(0, 5);
    document.getElementById("checkin-state").textContent = fmt(T.checked, { time: stamp });
    locate().then(function (p) {
      if (p && checkin) { checkin.lat = p[0]; checkin.lng = p[1]; }
      document.getElementById("checkin-state").textContent =
        fmt(T.checked, { time: stamp }) + (p ? " · " + p[0].toFixed(5) + ", " + p[1].toFixed(5) : " " + T.noPosition);
    });
  });
  form.addEventListener("change", function () {
    var need = value("need");
    document.getElementById("need-more").classList.toggle("d-none", !need);
    document.getElementById("details").classList.toggle("opacity-50", value("seen") === "nobody");
  });
  document.getElementById("cancel").addEventListener("click", close);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!current) return;
    var seen = value("seen");
    var signedBy = value("signed_by") || "none";
    var need = value("need");
    var signer = document.getElementById("signer_name").value.trim();
    var detail = document.getElementById("need_detail").value.trim();
    if (!checkin) return show("error-state", T.checkinFirst);
    if (!seen) return show("error-state", T.needSeen);
    if (seen !== "nobody" && signedBy !== "none" && !signer) return show("error-state", T.needSigner);
    if (need && !detail) return show("error-state", T.needDetail);
    show("error-state", "");
    var task = current;
    photo().then(function (picture) {
      var body = {
        client_key: uuid(), seen: seen, checked_in_at: checkin.at, latitude: checkin.lat, longitude: checkin.lng,
        health: value("health"), living: value("living"), mood: value("mood"),
        hazards: document.getElementById("hazards").value.trim(), need: need, need_detail: detail,
        service_item: document.getElementById("service_item").value ? Number(document.getElementById("service_item").value) : null,
        note: document.getElementById("note").value.trim(), signed_by: seen === "nobody" ? "none" : signedBy,
        signer_name: seen === "nobody" ? "" : signer, photo: picture,
      };
      var q = queue();
      q.push({ task: task.id, name: task.elder, body: body });
      saveQueue(q);
      task.done = true;
      localStorage.setItem(DATA_KEY, JSON.stringify(data));
      close();
      render();
      flush();
    });
  });
  document.getElementById("locate").addEventListener("click", function () {
    locate().then(function (p) { position = p; return load(); });
  });

  window.addEventListener("online", function () { render(); flush().then(load); });
  window.addEventListener("offline", render);
  setInterval(function () { if (navigator.onLine) flush(); }, 30000);

  // -- offline shell ----------------------------------------------------------------------------
  function cacheShell() {
    if (!("caches" in window)) return Promise.resolve();
    var urls = [location.pathname];
    document.querySelectorAll("link[rel=stylesheet][href], script[src]").forEach(function (n) {
      urls.push(n.getAttribute("href") || n.getAttribute("src"));
    });
    return caches.open(CACHE).then(function (cache) {
      // The page first, alone (it touches the session); then its static files, which do not.
      return cache.add(urls[0]).then(function () { return cache.addAll(urls.slice(1)); });
    }).then(function () {
      app.dataset.cached = "1";
    }).catch(function () {});
  }
  function offlineReady() {
    if (!("serviceWorker" in navigator) || !window.isSecureContext) return Promise.resolve();
    return navigator.serviceWorker.register(app.dataset.swUrl, { scope: app.dataset.swUrl.replace(/sw\.js$/, "") })
      .then(function () { return navigator.onLine ? cacheShell() : null; })
      .catch(function () {});
  }

  // One request after another: each one touches the session, and the list comes first.
  saveQueue(queue());
  load().then(flush).then(offlineReady);
  window.visitsApp = { flush: flush, queue: queue, load: load };
})();
