// Roadmap pages. htmx leaves 4xx responses unswapped by default; the progress panel
// answers a validation error with 422 and a version conflict with 409, and both
// carry the re-rendered form with what the user typed, so swap them in.
document.body.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  if (status === 409 || status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
