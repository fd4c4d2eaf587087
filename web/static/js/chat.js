// chat.js: the 1:1 chat. New messages arrive over the match's event
// stream (SSE) without reloading; Enter sends (Shift+Enter for a new line),
// each own message shows whether it was delivered; older messages load
// when the log is scrolled to the top, following next_cursor.
(function () {
  "use strict";
  var t = MeetPin.t, root = document.getElementById("chat");
  if (!root) return;
  var matchID = root.dataset.match, me = root.dataset.me, cursor = root.dataset.cursor;
  var log = document.getElementById("chat-log"), list = document.getElementById("messages");
  var form = document.getElementById("chat-form"), input = document.getElementById("chat-input");
  var errBox = document.getElementById("chat-error"), olderBtn = document.getElementById("load-older");
  var base = "/api/matches/" + encodeURIComponent(matchID);
  var seen = {};
  list.querySelectorAll("li[data-id]").forEach(function (li) { seen[li.dataset.id] = li; });

  function fmt(iso) {
    return new Date(iso).toLocaleString(document.documentElement.lang === "en" ? "en-US" : "ko-KR",
      { month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZone: "Asia/Seoul" });
  }
  function nearBottom() { return log.scrollHeight - log.scrollTop - log.clientHeight < 80; }
  function toBottom() { log.scrollTop = log.scrollHeight; }

  // render builds one message; text only ever goes in through textContent.
  function render(m, state) {
    var li = document.createElement("li"), p = document.createElement("p"), meta = document.createElement("p"), time = document.createElement("time");
    var mine = m.sender_uid === me;
    li.className = "msg" + (mine ? " mine" : "");
    if (m.id) li.dataset.id = String(m.id);
    p.className = "bubble"; p.textContent = m.text;
    meta.className = "msg-meta";
    time.dateTime = m.created_at || new Date().toISOString();
    time.textContent = fmt(time.dateTime);
    meta.appendChild(time);
    if (mine) {
      meta.appendChild(document.createTextNode(" · "));
      var d = document.createElement("span");
      d.className = "delivery"; d.textContent = t(state === "sending" ? "chat.sending" : "chat.sent");
      meta.appendChild(d);
    }
    li.appendChild(p); li.appendChild(meta);
    return li;
  }
  // pending holds own messages sent but not yet confirmed, so that the
  // stream's copy of one (which may come before the POST's answer) takes
  // its place instead of showing twice.
  var pending = [];
  function confirm(li, m) {
    li.dataset.id = String(m.id);
    seen[m.id] = li;
    li.querySelector(".delivery").textContent = t("chat.sent");
    pending = pending.filter(function (p) { return p.li !== li; });
  }
  function add(m) {
    if (seen[m.id]) return;
    if (m.sender_uid === me) {
      for (var i = 0; i < pending.length; i++) {
        if (pending[i].text === m.text) { confirm(pending[i].li, m); return; }
      }
    }
    var stick = nearBottom() || m.sender_uid === me;
    var li = render(m, "sent");
    seen[m.id] = li;
    list.appendChild(li);
    var empty = document.getElementById("chat-empty");
    if (empty) empty.remove();
    if (stick) toBottom();
  }

  // Live: the stream starts after the newest message; EventSource resumes
  // from Last-Event-ID by itself after a drop.
  var es = new EventSource(base + "/events");
  es.addEventListener("message", function (ev) {
    try { add(JSON.parse(ev.data)); } catch (e) { return; }
    markRead();
  });
  es.addEventListener("logout", function () { es.close(); });
  // Newer tabs of this user took its place (at most 8 streams a user).
  es.addEventListener("replaced", function () { es.close(); });
  window.addEventListener("pagehide", function () { es.close(); });

  var readTimer = null;
  function markRead() {
    clearTimeout(readTimer);
    readTimer = setTimeout(function () {
      if (!document.hidden) MeetPin.api("POST", base + "/read").catch(function () {});
    }, 500);
  }
  document.addEventListener("visibilitychange", function () { if (!document.hidden) markRead(); });

  // Sending: shown at once as "sending", then "sent" with its id (so the
  // stream's copy is not added twice), or "not sent" with a retry.
  function send(text, li) {
    li = li || render({ sender_uid: me, text: text }, "sending");
    li.classList.remove("failed");
    var d = li.querySelector(".delivery");
    d.textContent = t("chat.sending");
    var old = li.querySelector(".msg-meta button");
    if (old) old.remove();
    if (!li.parentNode) { list.appendChild(li); toBottom(); }
    var empty = document.getElementById("chat-empty");
    if (empty) empty.remove();
    errBox.hidden = true;
    pending.push({ text: text, li: li });
    MeetPin.api("POST", base + "/messages", { text: text }).then(function (data) {
      var m = data.message;
      if (seen[m.id] && seen[m.id] !== li) { li.remove(); return; } // shown already
      confirm(li, m);
    }, function (err) {
      pending = pending.filter(function (p) { return p.li !== li; });
      li.classList.add("failed");
      d.textContent = t("chat.failed");
      var retry = document.createElement("button");
      retry.type = "button"; retry.textContent = t("chat.retry");
      retry.addEventListener("click", function () { send(text, li); });
      li.querySelector(".msg-meta").appendChild(retry);
      errBox.textContent = MeetPin.errorText(err); errBox.hidden = false;
    });
  }
  if (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var text = input.value.trim();
      if (!text) return;
      input.value = "";
      send(text);
    });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); form.requestSubmit(); }
    });
  }

  // Older messages, on scrolling to the top or with the button.
  var loading = false;
  function older() {
    if (!cursor || loading) return;
    loading = true;
    olderBtn.textContent = t("chat.loading");
    var height = log.scrollHeight;
    MeetPin.api("GET", base + "/messages?limit=30&before=" + encodeURIComponent(cursor)).then(function (data) {
      var first = list.firstChild;
      (data.messages || []).forEach(function (m) { // newest first: insert each above the previous
        if (seen[m.id]) return;
        var li = render(m, "sent");
        seen[m.id] = li;
        list.insertBefore(li, first);
        first = li;
      });
      cursor = data.next_cursor || "";
      root.dataset.cursor = cursor;
      document.getElementById("chat-older").hidden = !cursor;
      log.scrollTop = log.scrollHeight - height; // keep the reader's place
    }).catch(function () {}).then(function () {
      loading = false;
      olderBtn.textContent = olderLabel;
    });
  }
  var olderLabel = olderBtn.textContent;
  olderBtn.addEventListener("click", older);
  log.addEventListener("scroll", function () { if (log.scrollTop < 40) older(); });

  toBottom();
  markRead();
})();
