// 批量变更: selecting rows on the roster, and the batch form. Without this file both still work as plain
// form posts (the boxes and the "all matching" button belong to #batch-form); it adds the page's box, the
// count, a disabled button while nothing is chosen, and on the form only the value field of the chosen kind.
(function () {
  "use strict";

  function form() { return document.querySelector("[data-batch-form]"); }
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("[data-batch-row]")); }

  function scopeInput() {
    var batchForm = form();
    var input = batchForm.querySelector("input[name=scope]");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = "scope";
      batchForm.appendChild(input);
    }
    return input;
  }

  function refresh() {
    var batchForm = form();
    if (!batchForm) return;
    var boxes = rows();
    var chosen = boxes.filter(function (box) { return box.checked; }).length;
    var bar = document.querySelector("[data-batch-bar]");
    var total = bar ? parseInt(bar.getAttribute("data-total"), 10) : 0;
    var all = scopeInput().value === "all";
    var status = document.querySelector("[data-batch-status]");
    var allButton = document.querySelector("[data-batch-all]");
    var pageBox = document.querySelector("[data-batch-page]");
    var count = batchForm.querySelector("[data-batch-count]");
    var submit = batchForm.querySelector("[data-batch-submit]");

    if (pageBox) {
      pageBox.checked = boxes.length > 0 && chosen === boxes.length;
      pageBox.indeterminate = chosen > 0 && chosen < boxes.length;
    }
    if (status) {
      if (all) status.textContent = "已选择全部符合条件的 " + total + " 人。";
      else if (chosen) status.textContent = "已选择本页 " + chosen + " 人。";
      else status.textContent = "勾选干部后点“批量变更”，可一次变更单位、人员状态或职级。";
    }
    if (allButton) {
      // Offered once the whole page is chosen (as mail readers do); a second click undoes it.
      allButton.hidden = !(all || (boxes.length > 0 && chosen === boxes.length));
      allButton.textContent = all ? "清除选择" : "选择全部符合条件的 " + total + " 人";
    }
    if (count) count.textContent = all ? "（" + total + " 人）" : chosen ? "（" + chosen + " 人）" : "";
    if (submit) submit.disabled = !all && chosen === 0;
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!target.matches) return;
    if (target.matches("[data-batch-page]")) {
      rows().forEach(function (box) { box.checked = target.checked; });
      if (!target.checked) scopeInput().value = "";
      refresh();
    } else if (target.matches("[data-batch-row]")) {
      if (!target.checked) scopeInput().value = "";
      refresh();
    } else if (target.matches("input[name=change]")) {
      showValueField();
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-batch-all]");
    if (!button || !form()) return;
    event.preventDefault();
    var input = scopeInput();
    input.value = input.value === "all" ? "" : "all";
    rows().forEach(function (box) { box.checked = input.value === "all"; });
    refresh();
  });

  // New results (a filter, a page): the selection was of the old rows.
  document.addEventListener("htmx:afterSettle", function () {
    if (form()) scopeInput().value = "";
    refresh();
  });

  // The batch form: the value field of the chosen kind only.
  function showValueField() {
    var checked = document.querySelector("input[name=change]:checked");
    document.querySelectorAll("[data-batch-value]").forEach(function (field) {
      var item = field.closest(".form-row-item");
      if (item) item.hidden = !!checked && field.getAttribute("data-batch-value") !== checked.value;
    });
  }

  function start() {
    refresh();
    showValueField();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
