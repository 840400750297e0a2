// Single-key shortcuts on or off (WCAG 2.1.4), remembered in this browser; the pages' key handlers ask on().
(function () {
  "use strict";
  const KEY = "mamoru-shortcuts";
  function on() { try { return localStorage.getItem(KEY) !== "off"; } catch (e) { return true; } }
  window.mamoruShortcuts = { on: on };
  const box = document.getElementById("shortcuts");
  if (!box) return;
  box.checked = on();
  box.addEventListener("change", function () {
    try { localStorage.setItem(KEY, box.checked ? "on" : "off"); } catch (e) { /* private mode: this page only */ }
    const status = document.getElementById("announce");
    if (status) status.textContent = "Single-key shortcuts " + (box.checked ? "on" : "off");
  });
})();
