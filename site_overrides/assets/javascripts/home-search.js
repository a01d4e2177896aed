// The home page's search field (site_overrides/home.html) hands what was typed to Material's
// search: its dialog opens with the query and shows the results. Loaded by the home page's
// content, which Material's instant navigation runs again on each visit: the form is new then.
(() => {
  const form = document.querySelector("[data-fu-home-search]");
  if (!form || form.dataset.fuReady) return;
  form.dataset.fuReady = "1";
  form.addEventListener("submit", (event) => {
    const toggle = document.querySelector("[data-md-toggle=search]");
    const query = document.querySelector("[data-md-component=search-query]");
    // Without Material's search (the plugin turned off) there is nothing to hand over to, and
    // the page's policy blocks a form submission: say nothing, do nothing.
    event.preventDefault();
    if (!toggle || !query) return;
    if (!toggle.checked) toggle.click();
    query.value = form.elements.q.value.trim();
    query.focus();
    // Material searches on keyup (and again once its index has loaded).
    query.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
  });
})();
