// settings.js: this browser's notification preferences (localStorage).
(function () {
  "use strict";
  var t = MeetPin.t, browser = document.getElementById("setting-browser"), sound = document.getElementById("setting-sound");
  var state = document.getElementById("setting-browser-state");
  if (!browser) return;
  var prefs = MeetPin.prefs();
  browser.checked = !!prefs.browser;
  sound.checked = !!prefs.sound;
  function describe() {
    if (!window.Notification) { state.textContent = t("settings.unsupported"); browser.disabled = true; return; }
    if (Notification.permission === "denied") state.textContent = t("settings.denied");
    else if (Notification.permission === "granted" && browser.checked) state.textContent = t("settings.granted");
    else state.textContent = "";
  }
  browser.addEventListener("change", function () {
    prefs.browser = browser.checked;
    MeetPin.savePrefs(prefs);
    if (browser.checked && window.Notification && Notification.permission === "default") Notification.requestPermission().then(describe);
    describe();
  });
  sound.addEventListener("change", function () { prefs.sound = sound.checked; MeetPin.savePrefs(prefs); });
  describe();
})();
