// Triage desk keyboard: j/k move, c/d/e decide the current row, o/Enter open, x select.
(function () {
  "use strict";
  const rows = Array.from(document.querySelectorAll("#queue tbody tr.row"));
  const decide = document.getElementById("decide");
  const note = document.getElementById("note");
  const key = "mamoru-triage-at:" + location.pathname + location.search;
  let at = Math.min(parseInt(sessionStorage.getItem(key) || "0", 10) || 0, Math.max(rows.length - 1, 0));

  function show() {
    rows.forEach((r, i) => r.classList.toggle("current", i === at));
    if (rows[at]) rows[at].scrollIntoView({ block: "nearest" });
    sessionStorage.setItem(key, String(at));
  }
  function submitDecision(action) {
    const row = rows[at];
    if (!row || !decide) return;
    decide.action = "/findings/" + row.dataset.id + "/decision";
    decide.elements["action"].value = action;
    decide.elements["note"].value = note ? note.value : "";
    decide.submit();  // the page comes back with the same position, now on the next finding
  }
  document.addEventListener("keydown", function (ev) {
    const t = ev.target;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA")) {
      if (ev.key === "Escape") t.blur();
      return;
    }
    const actions = { c: "confirm", d: "dismiss", e: "escalate" };
    if (ev.key === "j") { at = Math.min(at + 1, rows.length - 1); show(); }
    else if (ev.key === "k") { at = Math.max(at - 1, 0); show(); }
    else if (actions[ev.key]) { submitDecision(actions[ev.key]); }
    else if ((ev.key === "o" || ev.key === "Enter") && rows[at]) { location.href = rows[at].dataset.href; }
    else if (ev.key === "x" && rows[at]) { const cb = rows[at].querySelector("input[type=checkbox]"); cb.checked = !cb.checked; }
    else return;
    ev.preventDefault();
  });
  rows.forEach((r, i) => r.addEventListener("click", function (ev) {
    if (ev.target.tagName !== "A" && ev.target.tagName !== "INPUT") { at = i; show(); }
  }));
  const all = document.getElementById("select-all");
  if (all) all.addEventListener("change", () => rows.forEach(r => { r.querySelector("input[type=checkbox]").checked = all.checked; }));
  show();
})();
