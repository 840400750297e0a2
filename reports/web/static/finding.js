// Finding page keyboard: c/d/e decide with the note typed in the form.
(function () {
  "use strict";
  const form = document.getElementById("decision");
  if (!form) return;
  document.addEventListener("keydown", function (ev) {
    const t = ev.target;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) return;
    const actions = { c: "confirm", d: "dismiss", e: "escalate" };
    if (!actions[ev.key]) return;
    ev.preventDefault();
    const button = form.querySelector('button[value="' + actions[ev.key] + '"]');
    if (button) form.requestSubmit(button);
  });
})();
