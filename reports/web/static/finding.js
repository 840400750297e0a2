// Finding page keyboard: c/d/e decide with the note typed in the form, u undoes the last decision.
// Single-key shortcuts can be turned off (shortcuts.js).
(function () {
  "use strict";
  const form = document.getElementById("decision");
  if (!form) return;
  const typing = /^(text|search|number|date|email|password|url|tel)$/;
  document.addEventListener("keydown", function (ev) {
    const t = ev.target;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (t && (t.tagName === "TEXTAREA" || t.tagName === "SELECT" || (t.tagName === "INPUT" && typing.test(t.type)))) return;
    if (!window.mamoruShortcuts || !window.mamoruShortcuts.on()) return;
    const undo = document.getElementById("undo");
    if (ev.key === "u" && undo) { ev.preventDefault(); undo.form.submit(); return; }
    const actions = { c: "confirm", d: "dismiss", e: "escalate" };
    if (!actions[ev.key]) return;
    ev.preventDefault();
    const button = form.querySelector('button[value="' + actions[ev.key] + '"]');
    if (button && !button.disabled) form.requestSubmit(button);
  });
})();
