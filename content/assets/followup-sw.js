/* followup-kit: the service worker of "My applications" (published as my-applications/sw.js, so
   that it serves that page's folder). It keeps the page usable without a connection: the page
   sends it the addresses of itself and what it loaded (scripts, styles, holiday files), which it
   keeps in one cache; the page and those files then come from the network when there is one
   (and the copy is refreshed) and from the cache when there is none. It sends nothing anywhere. */
"use strict";

var CACHE = "followup-kit-my-applications-v1";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("followup-kit-my-applications-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

/* {type: "cache", urls: [...]} from the page: keep those (same origin only), then answer. */
self.addEventListener("message", function (event) {
  var message = event.data || {};
  if (message.type !== "cache" || !Array.isArray(message.urls)) return;
  var urls = message.urls.filter(function (url) {
    try { return new URL(url).origin === self.location.origin; } catch (error) { return false; }
  });
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (url) {
      return cache.add(url).catch(function () { /* kept from the network next time */ });
    }));
  }).then(function () {
    if (event.ports && event.ports[0]) event.ports[0].postMessage("cached");
  }));
});

function kept(request) {
  if (request.method !== "GET") return false;
  var url = new URL(request.url);
  return url.origin === self.location.origin;
}

/* Network first (so the page is never stale online), the kept copy when offline. */
self.addEventListener("fetch", function (event) {
  if (!kept(event.request)) return;
  event.respondWith(caches.open(CACHE).then(function (cache) {
    return fetch(event.request).then(function (response) {
      var url = event.request.url.split("#")[0];
      return cache.match(url, { ignoreSearch: true }).then(function (old) {
        if (response.ok && (old || event.request.mode === "navigate")) cache.put(url.split("?")[0], response.clone());
        return response;
      });
    }, function () {
      return cache.match(event.request, { ignoreSearch: true }).then(function (copy) {
        return copy || Response.error();
      });
    });
  }));
});
