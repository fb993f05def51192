// Behaviour shared by every page. No inline scripts: the Content-Security-Policy forbids them.
(function () {
  "use strict";

  // A select marked data-autosubmit submits its form (page size and similar).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]")) {
      target.form.submit();
    }
  });

  // Keep the export link in step with the filters after an htmx update of the results.
  document.addEventListener("htmx:afterSettle", function () {
    var link = document.querySelector("[data-export-link]");
    if (link) {
      link.href = link.href.split("?")[0] + window.location.search;
    }
  });

  // A 打印 button (data-print) prints the page; the print style sheet lays it out (app.css, @media print).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  // Open the tab named in the address (#posts, #history …) and keep the address in step with the tabs.
  function showTabFromHash() {
    if (!window.location.hash || !window.bootstrap) return;
    var button = document.querySelector('[data-bs-toggle="tab"][data-bs-target="' + window.location.hash + '"]');
    if (button) window.bootstrap.Tab.getOrCreateInstance(button).show();
  }
  document.addEventListener("DOMContentLoaded", showTabFromHash);
  document.addEventListener("shown.bs.tab", function (event) {
    var target = event.target.getAttribute("data-bs-target");
    if (target) history.replaceState(null, "", target);
  });
})();
