// Drag-and-drop on a practice question's board (desktop, with SortableJS). Without
// JavaScript, and on a phone, cards move with their buttons; a drop sends the same
// move: the card's version, the column it landed in and the card it landed above.
// The server decides the order and answers with the board as it is now, also when it
// refuses a move made from an old picture of the board (409).
(function () {
  "use strict";

  function nextCard(item) {
    var next = item.nextElementSibling;
    while (next && !next.dataset.card) {
      next = next.nextElementSibling;
    }
    return next;
  }

  function setUp(board) {
    if (!window.Sortable || !window.matchMedia("(pointer: fine)").matches) {
      return;
    }
    board.querySelectorAll("[data-board-column]").forEach(function (list) {
      window.Sortable.create(list, {
        group: "board-" + board.dataset.board,
        draggable: "[data-card]",
        filter: "button, a, input",
        preventOnFilter: false,
        animation: 150,
        onEnd: function (event) {
          if (event.from === event.to && event.oldIndex === event.newIndex) {
            return;
          }
          var item = event.item;
          var next = nextCard(item);
          var token = item.querySelector("[name=csrfmiddlewaretoken]");
          window.htmx.ajax("POST", item.dataset.moveUrl, {
            source: item,
            target: "#board",
            swap: "outerHTML",
            values: {
              version: item.dataset.version,
              column: event.to.dataset.boardColumn,
              before: next ? next.dataset.card : "",
              csrfmiddlewaretoken: token ? token.value : "",
            },
          });
        },
      });
    });
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "board") {
      return;
    }
    // A refused move (409) brings the current board: show it instead of the old one.
    if (event.detail.xhr.status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
    // Dragging leaves inline styles on the cards; htmx would copy them onto the new
    // cards of the same id while it settles, which the strict Content Security Policy
    // refuses. The new board comes without them.
    target.querySelectorAll("[style]").forEach(function (element) {
      element.removeAttribute("style");
    });
  });

  function start() {
    window.htmx.onLoad(function (element) {
      if (element.matches && element.matches("[data-board]")) {
        setUp(element);
      } else if (element.querySelectorAll) {
        element.querySelectorAll("[data-board]").forEach(setUp);
      }
    });
  }

  if (window.htmx) {
    start();
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
