// Roadmap pages.
// htmx leaves 4xx responses unswapped by default; the progress panel answers a
// validation error with 422 and a version conflict with 409, and both carry the
// re-rendered form with what the user typed, so swap them in.
document.body.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  if (status === 409 || status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// The "why it is blocked" box matters only for a blocked activity: hide it
// otherwise, so the form stays short on a phone. Without JS it simply shows.
function roadmapToggleBlocked(root) {
  root.querySelectorAll("form").forEach(function (form) {
    var status = form.querySelector("select[name=status]");
    var reason = form.querySelector("textarea[name=blocked_reason]");
    if (!status || !reason) return;
    var wrapper = reason.closest(".mb-3") || reason.parentElement;
    var update = function () {
      wrapper.hidden = status.value !== "blocked" && !reason.value;
    };
    status.addEventListener("change", update);
    update();
  });
}
roadmapToggleBlocked(document);
document.body.addEventListener("htmx:load", function (event) {
  roadmapToggleBlocked(event.detail.elt);
});
