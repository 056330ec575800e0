// Partner directory enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // "Tous publics" is exclusive of the other publics: ticking one unticks the others.
  const publics = document.querySelectorAll('input[name="publics"]');
  const all = Array.from(publics).find((box) => box.dataset.slug === "tous-publics"
    || box.closest(".form-check")?.textContent.trim() === "Tous publics");
  if (all) {
    publics.forEach((box) => {
      box.addEventListener("change", () => {
        if (!box.checked) return;
        if (box === all) {
          publics.forEach((other) => { if (other !== all) other.checked = false; });
        } else {
          all.checked = false;
        }
      });
    });
  }
});
