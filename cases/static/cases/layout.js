// Narrow screens (the CSS breakpoint below 700 px): the facet sidebar folds away under its summary
// so that the results come first; wide screens keep it open beside them.
(function () {
  "use strict";
  const fold = document.getElementById("facet-fold");
  if (!fold || !window.matchMedia) return;
  const narrow = window.matchMedia("(max-width: 700px)");
  function apply() { fold.open = !narrow.matches; }
  apply();
  narrow.addEventListener("change", apply);
})();
