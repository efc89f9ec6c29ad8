/* The service worker of 今日走访 (served at /visits/sw.js, scope /visits/).
 *
 * Pages and scripts are fetched from the network while there is one and answered from the cache
 * (filled by the page itself, see today.js) when there is none. Posts are never touched: a visit
 * recorded offline waits in the page's queue, not here.
 */
"use strict";
var CACHE = "yiyang-visits-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var shell = url.pathname.indexOf("/static/") === 0 || /\/visits\/today\/$/.test(url.pathname) ||
    /\/visits\/surveys\/(today|responses\/\d+\/fill)\/$/.test(url.pathname);
  if (!shell) return;
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && url.pathname.indexOf("/static/") !== 0) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(request, { ignoreSearch: true }).then(function (hit) {
        return hit || Response.error();
      });
    })
  );
});
