// Linli's own page behaviour. It lives here, not in the templates: the Content-Security-Policy
// allows no inline script (see linli/core/csp.py).
//
// <button data-fill-target="id_item" data-fill-value="1103"> puts the value into that field.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-fill-target]");
  if (!button) return;
  var field = document.getElementById(button.getAttribute("data-fill-target"));
  if (!field) return;
  field.value = button.getAttribute("data-fill-value");
  field.dispatchEvent(new Event("change", { bubbles: true }));
});
