// A filter box for long lists of checkboxes in groups (<details>), such as the
// facilitator picker. Without JavaScript the box stays hidden and the groups are
// opened one by one; with it, typing shows only the people whose name matches and
// opens the groups that hold them. Checked boxes always stay in view.
(function () {
  "use strict";

  function normalise(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function setUp(input) {
    var container = document.getElementById(input.dataset.filterGroups);
    if (!container) {
      return;
    }
    var wrapper = input.closest(".picker-filter");
    if (wrapper) {
      wrapper.hidden = false;
    }
    var groups = Array.prototype.slice.call(container.querySelectorAll("details"));

    input.addEventListener("input", function () {
      var query = normalise(input.value);
      groups.forEach(function (group) {
        var shown = 0;
        group.querySelectorAll("label").forEach(function (label) {
          var box = label.querySelector("input");
          var match = !query || normalise(label.textContent).indexOf(query) !== -1 || (box && box.checked);
          label.hidden = !match;
          if (match) {
            shown += 1;
          }
        });
        group.hidden = shown === 0;
        if (query) {
          group.open = shown > 0;
        }
      });
    });
  }

  function start() {
    document.querySelectorAll("input[data-filter-groups]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
