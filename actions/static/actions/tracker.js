// Small enhancements on top of htmx. Every page works without this file.
(function () {
  "use strict";

  let focusAfterSwap = null;

  // A button that swaps its own panel disappears with it: put the keyboard
  // focus back on the panel's heading so the user is not sent to the top.
  document.addEventListener("htmx:beforeRequest", function (event) {
    const form = event.detail.elt.closest("[data-focus-after]");
    focusAfterSwap = form ? form.dataset.focusAfter : null;
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!focusAfterSwap) {
      return;
    }
    const target = document.querySelector(focusAfterSwap);
    focusAfterSwap = null;
    if (target) {
      target.focus();
    }
  });

  // A form marked data-drop-empty leaves its empty fields out of the address
  // (?q=&bureau=&… becomes ?status=ongoing). The "formdata" event fires both
  // for a plain submission and for htmx, which reads the form the same way.
  document.addEventListener("formdata", function (event) {
    if (!event.target.hasAttribute("data-drop-empty")) {
      return;
    }
    const data = event.formData;
    const kept = Array.from(data.entries()).filter(function (entry) {
      return entry[1] !== "";
    });
    Array.from(new Set(data.keys())).forEach(function (name) {
      data.delete(name);
    });
    kept.forEach(function (entry) {
      data.append(entry[0], entry[1]);
    });
  });

  // A refused request (403, 500, no network) is not swapped: say so.
  function showRefusal() {
    const region = document.getElementById("messages");
    if (!region) {
      return;
    }
    const message = document.createElement("p");
    message.className = "message message--error";
    message.textContent = document.body.dataset.refusedMessage;
    region.replaceChildren(message);
  }

  document.addEventListener("htmx:responseError", showRefusal);
  document.addEventListener("htmx:sendError", showRefusal);

  // A box with a length limit shows how much of it is used, as the user types.
  // The server checks the same limit; this only saves a refused submission.
  function addCounter(area) {
    if (area.dataset.counter) {
      return;
    }
    const limit = Number(area.getAttribute("maxlength"));
    const counter = document.createElement("p");
    counter.className = "counter";
    counter.id = (area.id || "text") + "-counter";
    area.dataset.counter = counter.id;
    area.insertAdjacentElement("afterend", counter);
    const described = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", described ? described + " " + counter.id : counter.id);
    const template = document.body.dataset.counterMessage;
    function update() {
      const count = area.value.length;
      counter.textContent = template.replace("{count}", count).replace("{limit}", limit);
      counter.classList.toggle("counter--near", count >= limit * 0.9);
    }
    area.addEventListener("input", update);
    update();
  }

  function addCounters() {
    document.querySelectorAll("textarea[maxlength]").forEach(addCounter);
  }

  // Filters fold on a phone only: wider, the fold is opened (for browsers
  // whose CSS cannot keep it open by itself).
  function openFoldsWhenWide() {
    if (!window.matchMedia("(min-width: 48rem)").matches) {
      return;
    }
    document.querySelectorAll("details[data-open-when-wide]").forEach(function (fold) {
      fold.open = true;
    });
  }

  // On a phone, showing the actions folds the filters away, so that the
  // actions shown are in sight rather than below the whole form.
  document.addEventListener("submit", function (event) {
    if (window.matchMedia("(min-width: 48rem)").matches) {
      return;
    }
    event.target.querySelectorAll("details[data-open-when-wide]").forEach(function (fold) {
      fold.open = false;
      fold.scrollIntoView({ block: "nearest" });
    });
  });

  addCounters();
  openFoldsWhenWide();
  document.addEventListener("htmx:afterSettle", addCounters);
  window.matchMedia("(min-width: 48rem)").addEventListener("change", openFoldsWhenWide);
})();
