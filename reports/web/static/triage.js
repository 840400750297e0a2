// Triage desk keyboard: j/k move, c/d/e decide the current row, u undo, o/Enter open, x select.
// Single-key shortcuts can be turned off (WCAG 2.1.4): shortcuts.js keeps the choice.
(function () {
  "use strict";
  const rows = Array.from(document.querySelectorAll("#queue tbody tr.row"));
  const decide = document.getElementById("decide");
  const note = document.getElementById("note");
  const announce = document.getElementById("announce");
  const params = new URLSearchParams(location.search);
  ["done", "ok", "error"].forEach(p => params.delete(p));  // one-time messages do not change the place
  const key = "mamoru-triage-at:" + location.pathname + "?" + params.toString();
  let at = Math.min(parseInt(sessionStorage.getItem(key) || "0", 10) || 0, Math.max(rows.length - 1, 0));

  function describe(row, i) {
    const title = row.querySelector(".title-link");
    const state = row.querySelector(".badge");
    return "Row " + (i + 1) + " of " + rows.length + ": " + (title ? title.textContent.trim() : "") +
      ", score " + row.cells[2].firstChild.textContent.trim() + ", " + (state ? state.textContent.trim() : "");
  }
  function show(scroll) {
    rows.forEach((r, i) => {
      r.classList.toggle("current", i === at);
      if (i === at) r.setAttribute("aria-current", "true"); else r.removeAttribute("aria-current");
    });
    // no scroll when the page opens: a phone would open past the navigation
    if (scroll && rows[at]) rows[at].scrollIntoView({ block: "nearest" });
    if (scroll && announce && rows[at]) announce.textContent = describe(rows[at], at);
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
  const typing = /^(text|search|number|date|email|password|url|tel)$/;
  document.addEventListener("keydown", function (ev) {
    const t = ev.target;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (t && (t.tagName === "TEXTAREA" || t.tagName === "SELECT" || (t.tagName === "INPUT" && typing.test(t.type)))) {
      if (ev.key === "Escape") t.blur();
      return;
    }
    if (!window.mamoruShortcuts || !window.mamoruShortcuts.on()) return;
    if (t && (t.tagName === "BUTTON" || t.tagName === "A") && (ev.key === "Enter" || ev.key === " ")) return;
    const actions = { c: "confirm", d: "dismiss", e: "escalate" };
    const undo = document.getElementById("undo");
    if (ev.key === "j") { at = Math.min(at + 1, rows.length - 1); show(true); }
    else if (ev.key === "k") { at = Math.max(at - 1, 0); show(true); }
    else if (actions[ev.key]) { submitDecision(actions[ev.key]); }
    else if (ev.key === "u" && undo) { undo.form.submit(); }
    else if ((ev.key === "o" || ev.key === "Enter") && rows[at]) { location.href = rows[at].dataset.href; }
    else if (ev.key === "x" && rows[at]) { const cb = rows[at].querySelector("input[type=checkbox]"); cb.checked = !cb.checked; }
    else return;
    ev.preventDefault();
  });
  rows.forEach((r, i) => r.addEventListener("click", function (ev) {
    if (ev.target.tagName !== "A") { at = i; show(false); }
  }));
  const all = document.getElementById("select-all");
  if (all) all.addEventListener("change", () => rows.forEach(r => { r.querySelector("input[type=checkbox]").checked = all.checked; }));
  // bulk apply says what is missing instead of doing nothing
  const bulk = document.getElementById("bulk");
  const message = document.getElementById("bulk-message");
  if (bulk && message) bulk.addEventListener("submit", function (ev) {
    const picked = bulk.querySelectorAll("input[name=ids]:checked").length;
    const action = bulk.elements["action"].value;
    const why = !picked ? "Nothing selected: tick the findings to apply the action to." :
      (!action ? "Choose an action for the " + picked + " selected finding" + (picked === 1 ? "" : "s") + "." : "");
    if (why) { ev.preventDefault(); message.textContent = why; message.hidden = false; }
  });
  if ("scrollRestoration" in history) history.scrollRestoration = "manual";  // a reload opens at the top too
  show(false);
})();
