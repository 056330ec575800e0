// Small enhancements only: every feature of Maillage works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Print buttons (hidden in print) call the browser's print dialog.
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  });
});
