// Selecting a claim on an event page marks it and its counterparts in the other outlets' columns, and
// brings each counterpart into view in its column. Without this script, each claim's links jump to its
// counterparts (the page is readable and usable without JavaScript).
(function () {
  "use strict";
  var claims = document.querySelectorAll(".sides [data-group]");
  function select(claim) {
    var group = claim.getAttribute("data-group");
    document.querySelectorAll(".sides .selected, .sides .counterpart").forEach(function (el) {
      el.classList.remove("selected", "counterpart");
      el.removeAttribute("aria-current");
    });
    claim.classList.add("selected");
    claim.setAttribute("aria-current", "true");
    document.querySelectorAll('.sides [data-group="' + CSS.escape(group) + '"]').forEach(function (el) {
      if (el !== claim) {
        el.classList.add("counterpart");
        el.scrollIntoView({ block: "nearest" });
      }
    });
    var status = document.getElementById("selection");
    if (status) {
      var count = document.querySelectorAll(".sides .counterpart").length;
      status.textContent = count ? count + " counterpart" + (count > 1 ? "s" : "") + " marked" : "no counterpart";
    }
  }
  claims.forEach(function (claim) {
    claim.addEventListener("click", function (event) {
      if (event.target.tagName !== "A") { select(claim); }
    });
    claim.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); select(claim); }
    });
  });
})();
