// Customer profile: an avatar that fails to load gives way to the customer's initials.
(function () {
  "use strict";

  function useInitials(img) {
    var initials = img.nextElementSibling;
    img.hidden = true;
    if (initials) initials.hidden = false;
  }

  // Load errors do not bubble: listen in the capture phase.
  document.addEventListener("error", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("img[data-avatar]")) useInitials(target);
  }, true);

  // An image that failed before this script ran.
  function checkAll() {
    document.querySelectorAll("img[data-avatar]").forEach(function (img) {
      if (img.complete && img.naturalWidth === 0) useInitials(img);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", checkAll);
  } else {
    checkAll();
  }
})();
