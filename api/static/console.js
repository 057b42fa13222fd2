// Small helpers for the console: keyboard shortcuts, keeping a case's lease, bulk selection.
(function () {
  "use strict";
  const csrf = document.body.dataset.csrf;

  // Choosing from such a list sends its form (the language); no inline handlers under the CSP.
  document.querySelectorAll("[data-submit-on-change]").forEach(function (field) {
    field.addEventListener("change", function () { field.form.submit(); });
  });

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  // Shortcuts: an element with data-shortcut="x" is clicked when x is pressed outside a field.
  document.addEventListener("keydown", function (event) {
    const form = document.getElementById("decision-form");
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && form) {
      event.preventDefault();
      form.requestSubmit();
      return;
    }
    if (typing(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = document.querySelector('[data-shortcut="' + event.key + '"]');
    if (!target) return;
    event.preventDefault();
    target.click();
    if (target.name === "action") document.getElementById("reason")?.focus();
  });

  // Choosing an action narrows the reasons to those that fit it.
  document.querySelectorAll('#decision-form input[name="action"]').forEach(function (radio) {
    radio.addEventListener("change", function () {
      const select = document.getElementById("reason");
      if (!select) return;  // a claim's form has no reasons to narrow
      select.querySelectorAll("optgroup").forEach(function (group) {
        group.hidden = group.dataset.action !== radio.value;
      });
      if (select.selectedOptions[0]?.dataset.action !== radio.value) select.value = "";
    });
  });

  // The lease: renewed while the page is open; when it is lost, the moderator is told.
  const head = document.querySelector("[data-case-id]");
  if (head && head.dataset.holdsLease === "true") {
    const caseId = head.dataset.caseId;
    const every = Math.max(5, Math.floor(Number(head.dataset.leaseSeconds) / 3)) * 1000;
    const lost = function () {
      document.getElementById("lease-lost").hidden = false;
      document.querySelectorAll("#decision-form button, #decision-form input, #decision-form select, #decision-form textarea")
        .forEach(function (el) { el.disabled = true; });
    };
    const renew = function () {
      fetch("/cases/" + caseId + "/lease", {
        method: "POST", credentials: "same-origin",
        headers: { "X-CSRF-Token": csrf, "Accept": "application/json" },
      }).then(function (response) {
        if (response.status === 409 || response.status === 403) { lost(); clearInterval(timer); }
      }).catch(function () { /* offline for a moment: the next tick tries again */ });
    };
    const timer = setInterval(renew, every);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) renew(); });
  }

  // "Select all" in a case table ticks every row's checkbox.
  document.querySelectorAll("[data-select-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      box.closest("table").querySelectorAll('input[name="case_ids"]').forEach(function (row) {
        row.checked = box.checked;
      });
    });
  });
})();
