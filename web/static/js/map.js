// map.js drives the two maps: /map (rooms in view, loaded from /api/rooms as
// the map moves, clustered, with a list panel and a card per room) and the
// place picker of the room form. It needs Leaflet (dist/map.js).
(function () {
  "use strict";
  var t = MeetPin.t;

  function tiles(el, map) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
  }

  // bboxOf turns the view into the API's south,west,north,east. Leaflet's
  // longitudes run past ±180 when the world wraps: they are brought back,
  // and a view wider than the world asks for all of it.
  function bboxOf(map) {
    var b = map.getBounds(), s = Math.max(-90, b.getSouth()), n = Math.min(90, b.getNorth());
    var w = b.getWest(), e = b.getEast();
    if (e - w >= 360) { w = -180; e = 180; } else { w = wrap(w); e = wrap(e); }
    var f = function (x) { return x.toFixed(5); };
    return [f(s), f(w), f(n), f(e)].join(",");
  }
  function wrap(x) { return ((x + 180) % 360 + 360) % 360 - 180; }

  // ---- /map ---------------------------------------------------------------
  var el = document.getElementById("map");
  if (el && el.dataset.tiles) browse(el);

  function browse(el) {
    var map = L.map(el, { zoomControl: false, keyboard: true }).setView([+el.dataset.lat, +el.dataset.lng], +el.dataset.zoom || 14);
    L.control.zoom({ position: "bottomright" }).addTo(map);
    tiles(el, map);
    var cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50, disableClusteringAtZoom: 18 });
    map.addLayer(cluster);
    var status = document.getElementById("map-status"), list = document.getElementById("room-list");
    var empty = document.getElementById("room-empty"), countEl = document.getElementById("room-count");
    var filter = document.getElementById("category-filter"), panel = document.getElementById("room-panel");
    var toggle = document.getElementById("list-toggle"), card = document.getElementById("room-card");
    var inflight = null, timer = null;

    function load() {
      if (inflight) inflight.abort(); // a newer view wins: drop the stale answer
      inflight = new AbortController();
      var q = "/api/rooms?limit=100&bbox=" + bboxOf(map) + (filter.value ? "&category=" + encodeURIComponent(filter.value) : "");
      status.textContent = t("map.loading");
      el.setAttribute("aria-busy", "true");
      MeetPin.api("GET", q, null, { signal: inflight.signal }).then(function (data) {
        inflight = null;
        show(data.rooms || []);
        status.textContent = t("map.count", (data.pagination && data.pagination.total) || data.rooms.length);
        el.setAttribute("aria-busy", "false");
        el.dataset.loaded = String(Date.now());
      }, function (err) {
        if (err.name === "AbortError") return;
        inflight = null;
        el.setAttribute("aria-busy", "false");
        status.textContent = t("map.error");
      });
    }
    function later() { clearTimeout(timer); timer = setTimeout(load, 300); }

    function label(r) { return t("map.marker", r.title, t("cat." + r.category)); }

    function show(rooms) {
      cluster.clearLayers();
      list.textContent = "";
      var markers = rooms.map(function (r) {
        var boosted = r.boost_until && new Date(r.boost_until) > new Date();
        var icon = L.divIcon({ className: "pin pin-" + r.category + (boosted ? " pin-boosted" : ""), iconSize: [36, 36], html: "" });
        var m = L.marker([r.lat, r.lng], { icon: icon, title: label(r), alt: label(r), keyboard: true, zIndexOffset: boosted ? 1000 : 0 });
        m.on("add", function () {
          var e = m.getElement();
          if (e) { e.dataset.roomId = r.id; e.setAttribute("role", "button"); e.setAttribute("aria-label", label(r)); }
        });
        m.on("click", function () { open(r, boosted); });
        m.on("keypress", function (ev) { if (ev.originalEvent.key === "Enter") open(r, boosted); });
        list.appendChild(item(r, boosted));
        return m;
      });
      cluster.addLayers(markers);
      countEl.textContent = String(rooms.length);
      empty.hidden = rooms.length > 0;
    }

    function item(r, boosted) {
      var li = document.createElement("li"), a = document.createElement("a"), body = document.createElement("span");
      li.className = "room-card cat-" + r.category + (boosted ? " boosted" : "");
      li.dataset.roomId = r.id;
      a.href = "/room/" + encodeURIComponent(r.id);
      var icon = document.createElement("span");
      icon.className = "room-icon"; icon.setAttribute("aria-hidden", "true");
      icon.textContent = { drink: "🍻", exercise: "🏃" }[r.category] || "✨";
      body.className = "room-body";
      var title = document.createElement("strong");
      title.className = "room-title"; title.textContent = r.title;
      body.appendChild(title);
      body.appendChild(meta(t("cat." + r.category) + " · " + when(r.start_at) + (boosted ? " · " + t("map.boosted") : "")));
      body.appendChild(meta(r.place_text + " · " + t("map.people", r.participants_count, r.max_people)));
      a.appendChild(icon); a.appendChild(body); li.appendChild(a);
      return li;
    }
    function meta(text) { var s = document.createElement("span"); s.className = "room-meta"; s.textContent = text; return s; }
    function when(iso) {
      var d = new Date(iso);
      return d.toLocaleString(document.documentElement.lang === "en" ? "en-US" : "ko-KR",
        { month: "short", day: "numeric", weekday: "short", hour: "numeric", minute: "2-digit", timeZone: "Asia/Seoul" });
    }

    // The card: everything through textContent (the original had stored XSS
    // here); the link is built from the encoded id.
    var opener = null;
    function open(r, boosted) {
      opener = document.activeElement;
      document.getElementById("room-card-title").textContent = r.title;
      document.getElementById("room-card-meta").textContent = t("cat." + r.category) + " · " + when(r.start_at) + (boosted ? " · " + t("map.boosted") : "");
      document.getElementById("room-card-place").textContent = r.place_text + " · " + t("map.people", r.participants_count, r.max_people);
      document.getElementById("room-card-link").href = "/room/" + encodeURIComponent(r.id);
      card.classList.toggle("boosted", !!boosted);
      card.dataset.roomId = r.id;
      card.hidden = false;
      document.getElementById("room-card-link").focus();
    }
    function close() {
      card.hidden = true;
      if (opener && opener.focus) opener.focus();
    }
    document.getElementById("room-card-close").addEventListener("click", close);
    document.addEventListener("keydown", function (ev) { if (ev.key === "Escape" && !card.hidden) close(); });
    map.on("click", function () { if (!card.hidden) card.hidden = true; });

    toggle.addEventListener("click", function () {
      panel.hidden = !panel.hidden;
      toggle.setAttribute("aria-expanded", String(!panel.hidden));
    });
    filter.addEventListener("change", load);
    map.on("moveend", later);

    function locate(quiet) {
      if (!navigator.geolocation) { if (!quiet) status.textContent = t("map.locate_failed"); return; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        map.setView([pos.coords.latitude, pos.coords.longitude], 15);
        status.textContent = t("map.located");
      }, function () { if (!quiet) status.textContent = t("map.locate_failed"); }, { timeout: 8000, maximumAge: 600000 });
    }
    document.getElementById("locate").addEventListener("click", function () { locate(false); });
    load();
    if (el.dataset.geolocate === "true") locate(true);
  }

  // ---- the room form's place picker ------------------------------------------
  var pk = document.getElementById("picker");
  if (pk && pk.dataset.tiles) picker(pk);

  function picker(el) {
    var lat = document.getElementById("lat"), lng = document.getElementById("lng"), place = document.getElementById("place_text");
    var start = [+el.dataset.lat, +el.dataset.lng];
    var map = L.map(el, { keyboard: true }).setView(start, 16);
    tiles(el, map);
    var marker = null, typed = place.value !== "", geocode = null;
    place.addEventListener("input", function () { typed = place.value !== ""; });

    function pick(ll) {
      var icon = L.divIcon({ className: "pin pin-picked", iconSize: [36, 36], html: "" });
      if (marker) marker.setLatLng(ll); else marker = L.marker(ll, { icon: icon, keyboard: false }).addTo(map);
      lat.value = ll.lat.toFixed(6);
      lng.value = ll.lng.toFixed(6);
      el.dataset.picked = "1";
      el.setAttribute("aria-description", t("picker.picked", lat.value, lng.value));
      reverse(ll);
    }
    // reverse asks our Kakao proxy for the address of the point; when it is
    // not there (or fails) the typed text stays as it is.
    function reverse(ll) {
      if (geocode) geocode.abort();
      geocode = new AbortController();
      MeetPin.api("GET", "/api/kakao/coord2address?x=" + ll.lng.toFixed(6) + "&y=" + ll.lat.toFixed(6), null, { signal: geocode.signal })
        .then(function (d) {
          var doc = (d && d.documents && d.documents[0]) || d || {};
          var text = (doc.road_address && doc.road_address.address_name) || (doc.address && doc.address.address_name) || doc.address_name || d.address || "";
          if (text && typeof text === "string" && !typed) place.value = text;
        }, function () { /* no reverse geocoding: keep what is typed */ });
    }
    if (el.dataset.picked) pick(L.latLng(start));
    map.on("click", function (ev) { pick(ev.latlng); });
    document.getElementById("pick-center").addEventListener("click", function () { pick(map.getCenter()); });
    [lat, lng].forEach(function (input) {
      input.addEventListener("change", function () {
        var a = parseFloat(lat.value), b = parseFloat(lng.value);
        if (!isNaN(a) && !isNaN(b)) { var ll = L.latLng(a, b); if (marker) marker.setLatLng(ll); else pick(ll); map.panTo(ll); }
      });
    });
  }
})();
