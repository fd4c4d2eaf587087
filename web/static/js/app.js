// app.js runs on every page: the API helper, forms and action buttons that
// talk to the JSON API with inline errors, the live notification bell, and
// Core Web Vitals reporting. No framework; everything user-supplied goes
// into the page through textContent, never innerHTML.
(function () {
  "use strict";

  var I18N = {};
  try { I18N = JSON.parse(document.getElementById("i18n").textContent); } catch (e) { /* keep the keys */ }

  // t returns a message, with each %s replaced by the next argument.
  function t(key) {
    var s = I18N[key] || key, args = Array.prototype.slice.call(arguments, 1), i = 0;
    return s.replace(/%s/g, function () { return String(args[i++]); });
  }

  // api calls the JSON API. It resolves with the envelope's data and rejects
  // with an Error carrying code, fields and status.
  function api(method, url, body, opts) {
    opts = opts || {};
    var init = { method: method, headers: { "Accept": "application/json" }, credentials: "same-origin", signal: opts.signal };
    if (body instanceof FormData) {
      init.body = body;
    } else if (body !== undefined && body !== null) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then(function (res) {
      return res.json().catch(function () { return { ok: false, code: "HTTP_" + res.status }; }).then(function (env) {
        if (!res.ok || !env.ok) {
          var err = new Error(env.message || res.statusText);
          err.code = env.code; err.fields = env.fields || null; err.status = res.status;
          throw err;
        }
        return env.data;
      });
    }, function (e) {
      if (e.name === "AbortError") throw e;
      var err = new Error(t("error.network")); err.code = "NETWORK"; throw err;
    });
  }

  // errorText turns an API error into a message for people.
  function errorText(err, form) {
    if (err.code === "NETWORK") return t("error.network");
    if (err.code === "UNAUTHORIZED" && form && /\/api\/auth\/login$/.test(form.dataset.api || "")) return t("error.login");
    if (err.code && I18N["error." + err.code]) return t("error." + err.code);
    return t("error.generic");
  }

  // fieldText translates the API's English field problems when it can and
  // shows them as they are otherwise.
  var FIELD_RULES = [
    [/^is required$/, "field.required"],
    [/^must be at least (\d+) characters$/, "field.minchars"],
    [/^must be at most (\d+) (characters|bytes)$/, "field.maxchars"],
    [/^must be 2 to 20 characters$/, "field.between", ["2", "20"]],
    [/^must be between (-?[\d.]+) and (-?[\d.]+)$/, "field.between"],
    [/^must be a valid email address$/, "field.email"],
    [/already (taken|in use)/, "field.taken"],
    [/^may contain only/, "field.nickname"],
    [/reserved word/, "field.reserved"],
    [/^is too common/, "field.common"],
    [/at least 30 minutes from now/, "field.lead"],
    [/at most 7 days from now/, "field.maxlead"],
    [/^must be one of/, "field.oneof"],
    [/^must be a (whole )?number$/, "field.number"],
    [/RFC 3339/, "field.date"]
  ];
  function fieldText(problem) {
    if (document.documentElement.lang === "en") return problem.charAt(0).toUpperCase() + problem.slice(1) + ".";
    for (var i = 0; i < FIELD_RULES.length; i++) {
      var m = FIELD_RULES[i][0].exec(problem);
      if (m) return t.apply(null, [FIELD_RULES[i][1]].concat(FIELD_RULES[i][2] || m.slice(1)));
    }
    return problem;
  }

  // showErrors puts each field problem under its input and a summary at the
  // top of the form, and moves the focus to the first bad field.
  function showErrors(form, err) {
    var box = form.querySelector(".form-error"), first = null, fields = err.fields || {};
    clearErrors(form);
    Object.keys(fields).forEach(function (name) {
      var slot = form.querySelector('[data-error-for="' + CSS.escape(name) + '"]');
      var input = form.elements[name];
      if (slot) slot.textContent = fieldText(fields[name]);
      if (input && input.setAttribute) { input.setAttribute("aria-invalid", "true"); first = first || input; }
    });
    if (box) {
      box.textContent = errorText(err, form);
      box.hidden = false;
    }
    (first || box || form).focus();
  }
  function clearErrors(form) {
    form.querySelectorAll("[data-error-for]").forEach(function (el) { el.textContent = ""; });
    form.querySelectorAll('[aria-invalid="true"]').forEach(function (el) { el.removeAttribute("aria-invalid"); });
    var box = form.querySelector(".form-error");
    if (box) { box.hidden = true; box.textContent = ""; box.className = "form-error"; }
  }

  // formBody reads a form into the JSON the API expects: data-type says how
  // (number, int, datetime from a datetime-local, optional: omitted when
  // empty, nullable: null when empty).
  function formBody(form) {
    var body = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.type === "submit" || el.type === "button" || el.type === "file") return;
      var v = el.type === "checkbox" ? el.checked : el.value, type = el.dataset.type;
      if (type === "optional" && v === "") return;
      if (type === "nullable" && v === "") v = null;
      else if (type === "number") v = v === "" ? null : Number(v);
      else if (type === "int") v = v === "" ? null : (/^-?\d+$/.test(v) ? parseInt(v, 10) : Number(v));
      else if (type === "datetime") v = localToRFC3339(v);
      if (v === null && type !== "nullable") return;
      body[el.name] = v;
    });
    return body;
  }

  // localToRFC3339 turns a datetime-local value into an RFC 3339 time with
  // the browser's offset; the API refuses anything else, with a message.
  function localToRFC3339(v) {
    var d = new Date(v);
    if (!v || isNaN(d.getTime())) return v;
    var off = -d.getTimezoneOffset(), sign = off >= 0 ? "+" : "-", abs = Math.abs(off);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return v.length === 16 ? v + ":00" + sign + pad(Math.floor(abs / 60)) + ":" + pad(abs % 60) : v;
  }

  // fill replaces {a.b} in a template with values from data.
  function fill(tmpl, data) {
    return tmpl.replace(/\{([\w.]+)\}/g, function (_, path) {
      var v = path.split(".").reduce(function (o, k) { return o == null ? o : o[k]; }, data);
      return v == null ? "" : encodeURIComponent(v);
    });
  }

  // safePath returns p when it is a path on this site, else "/map": one
  // leading "/", then printable ASCII without a backslash (browsers drop
  // tabs and newlines and read a backslash as "/", so "/<tab>/evil" would
  // be "//evil"),
  // and the same origin once resolved. The server's safeNext (page_auth.go)
  // has the same rule.
  function safePath(p) {
    if (typeof p !== "string" || !/^\/(?![\/\\])[\x21-\x5b\x5d-\x7e]*$/.test(p)) return "/map";
    try {
      if (new URL(p, location.href).origin !== location.origin) return "/map";
    } catch (e) {
      return "/map";
    }
    return p;
  }

  function after(el, data) {
    var next = el.dataset.next, done = el.dataset.done;
    if (done) {
      var box = el.querySelector(".form-error");
      if (box) { box.className = "form-success"; box.textContent = done; box.hidden = false; box.setAttribute("role", "status"); }
      setTimeout(function () { if (next === "reload") location.reload(); }, 900);
      return;
    }
    if (next === "reload" || !next) location.reload();
    else location.assign(safePath(fill(next, data || {})));
  }

  // Forms with data-api submit JSON; forms with data-upload send multipart.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.dataset || !(form.dataset.api || form.dataset.upload)) return;
    ev.preventDefault();
    var btn = form.querySelector('[type="submit"]');
    if (btn) btn.disabled = true;
    clearErrors(form);
    var p = form.dataset.upload
      ? api("POST", form.dataset.upload, new FormData(form))
      : api(form.dataset.method || "POST", form.dataset.api, formBody(form));
    p.then(function (data) { after(form, data); }, function (err) {
      if (btn) btn.disabled = false;
      showErrors(form, err);
    });
  });

  // Buttons with data-action call the API: data-method, data-body (JSON),
  // data-confirm, data-next (a path, or reload by default).
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest && ev.target.closest("[data-action]");
    if (!btn) return;
    ev.preventDefault();
    if (btn.dataset.confirm && !window.confirm(btn.dataset.confirm)) return;
    var body = btn.dataset.body ? JSON.parse(btn.dataset.body) : undefined;
    var scope = btn.closest(".actions, .notice, li, section, form") || document;
    var box = scope.querySelector(".action-error");
    btn.disabled = true;
    api(btn.dataset.method || "POST", btn.dataset.action, body).then(function (data) { after(btn, data); }, function (err) {
      btn.disabled = false;
      if (box) { box.textContent = errorText(err); box.hidden = false; box.focus && box.focus(); }
      else window.alert(errorText(err));
    });
  });

  // Opening a notification marks it read on the way.
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest("a[data-read]");
    if (a && navigator.sendBeacon) {
      fetch(a.dataset.read, { method: "PATCH", credentials: "same-origin", keepalive: true }).catch(function () {});
    }
  });

  // The bell: the unread count, live over the notification stream.
  var bell = document.getElementById("bell"), count = document.getElementById("bell-count");
  function setUnread(n) {
    if (!bell) return;
    count.textContent = n > 99 ? "99+" : String(n);
    count.hidden = n <= 0;
    document.getElementById("bell-label").textContent = t(n > 0 ? "bell.unread" : "bell.none");
    bell.dataset.unread = String(n);
  }
  if (bell && window.EventSource) {
    var unread = parseInt(count.textContent, 10) || 0;
    var es = new EventSource("/api/notifications/stream");
    es.addEventListener("notification", function (ev) {
      var n = {};
      try { n = JSON.parse(ev.data); } catch (e) { return; }
      if (!n.is_read) setUnread(++unread);
      document.dispatchEvent(new CustomEvent("meetpin:notification", { detail: n }));
      notifyBrowser(n);
    });
    es.addEventListener("logout", function () { es.close(); });
    // Newer tabs of this user took its place (at most 8 streams a user).
    es.addEventListener("replaced", function () { es.close(); });
    es.addEventListener("shutdown", function () { /* EventSource reconnects by itself */ });
    window.addEventListener("pagehide", function () { es.close(); });
  }

  // notifyBrowser follows /settings/notifications (kept in localStorage).
  function notifyBrowser(n) {
    var prefs = MeetPin.prefs();
    if (prefs.sound) {
      try {
        var ctx = new (window.AudioContext || window.webkitAudioContext)(), o = ctx.createOscillator(), g = ctx.createGain();
        o.frequency.value = 880; g.gain.value = 0.05; o.connect(g); g.connect(ctx.destination); o.start(); o.stop(ctx.currentTime + 0.15);
      } catch (e) { /* no audio */ }
    }
    if (prefs.browser && document.hidden && window.Notification && Notification.permission === "granted") {
      try { new Notification(n.title || "", { body: n.message || "", tag: "meetpin-" + n.id }); } catch (e) { /* ignore */ }
    }
  }

  // Core Web Vitals, measured with PerformanceObserver and sent once when
  // the page is hidden: LCP, CLS, INP (the slowest interaction), FCP, TTFB.
  var vitals = {};
  function observe(type, fn, extra) {
    try {
      var po = new PerformanceObserver(function (list) { list.getEntries().forEach(fn); });
      po.observe(Object.assign({ type: type, buffered: true }, extra || {}));
    } catch (e) { /* not supported */ }
  }
  observe("largest-contentful-paint", function (e) { vitals.LCP = e.startTime; });
  observe("paint", function (e) { if (e.name === "first-contentful-paint") vitals.FCP = e.startTime; });
  var clsSession = 0, clsLast = 0, clsFirst = 0;
  observe("layout-shift", function (e) {
    if (e.hadRecentInput) return;
    if (e.startTime - clsLast < 1000 && e.startTime - clsFirst < 5000) clsSession += e.value;
    else { clsSession = e.value; clsFirst = e.startTime; }
    clsLast = e.startTime;
    vitals.CLS = Math.max(vitals.CLS || 0, clsSession);
  });
  observe("event", function (e) { if (e.interactionId) vitals.INP = Math.max(vitals.INP || 0, e.duration); }, { durationThreshold: 40 });
  try {
    var nav = performance.getEntriesByType("navigation")[0];
    if (nav) vitals.TTFB = nav.responseStart;
  } catch (e) { /* ignore */ }
  var sent = false;
  function sendVitals() {
    if (sent || !navigator.sendBeacon) return;
    sent = true;
    var metrics = Object.keys(vitals).map(function (k) { return { name: k, value: Math.round(vitals[k] * 1000) / 1000 }; });
    if (!metrics.length) return;
    var body = JSON.stringify({ page: location.pathname.replace(/\/[0-9a-f-]{36}/g, "/{id}"), metrics: metrics });
    navigator.sendBeacon("/api/telemetry/web-vitals", new Blob([body], { type: "application/json" }));
  }
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") sendVitals(); });
  window.addEventListener("pagehide", sendVitals);

  // What the page scripts share.
  window.MeetPin = {
    t: t, api: api, errorText: errorText, setUnread: setUnread,
    prefs: function () {
      try { return JSON.parse(localStorage.getItem("meetpin.notify") || "{}"); } catch (e) { return {}; }
    },
    savePrefs: function (p) { try { localStorage.setItem("meetpin.notify", JSON.stringify(p)); } catch (e) { /* private mode */ } }
  };
})();
