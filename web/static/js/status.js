// status.js fills the status page's details from /api/status, and says so
// plainly when that API is not there (404) or does not answer.
(function () {
  "use strict";
  var box = document.getElementById("status-detail");
  if (!box) return;
  function say(text) { box.textContent = ""; var p = document.createElement("p"); p.className = "muted"; p.textContent = text; box.appendChild(p); }
  fetch("/api/status", { headers: { Accept: "application/json" } }).then(function (res) {
    if (!res.ok && res.status !== 503) throw new Error(String(res.status));
    return res.json();
  }).then(function (env) {
    var data = env && env.data;
    if (!data || typeof data !== "object") throw new Error("empty");
    var table = document.createElement("table"), body = document.createElement("tbody");
    table.className = "status-table";
    var rows = data.services || data.components || data.checks || data;
    Object.keys(rows).forEach(function (k) {
      var v = rows[k], tr = document.createElement("tr"), th = document.createElement("th"), td = document.createElement("td");
      th.textContent = (v && v.name) || k;
      td.textContent = typeof v === "object" && v !== null ? (v.status || v.state || JSON.stringify(v)) : String(v);
      tr.appendChild(th); tr.appendChild(td); body.appendChild(tr);
    });
    table.appendChild(body);
    box.textContent = "";
    box.appendChild(table);
  }).catch(function () { say(box.dataset.missing); });
})();
