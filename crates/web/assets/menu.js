// The navigation menu (base.html): a <details> element that folds behind "Menu" on a narrow
// screen. CSS keeps it open on a wide screen where the browser can style the folded part
// (::details-content); this script does the same everywhere else, and follows the screen as
// it turns or resizes. Without this script the menu still works: it is a details element.
(function () {
  "use strict";
  var menu = document.getElementById("pledge-menu");
  if (!menu || !window.matchMedia) {
    return;
  }
  var wide = window.matchMedia("(min-width: 40.0625em)");
  function follow() {
    if (wide.matches) {
      menu.open = true;
    }
  }
  follow();
  if (wide.addEventListener) {
    wide.addEventListener("change", follow);
  }
})();
