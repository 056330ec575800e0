// Checkbox lists (portal.forms.CheckboxList) work without JavaScript; with it, a long list gets
// a box that hides the choices not matching what is typed, and a count of the checked boxes.
document.addEventListener("DOMContentLoaded", () => {
  const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

  document.querySelectorAll("[data-checkbox-list]").forEach((list) => {
    const box = list.querySelector(".checkbox-list-box");
    const options = Array.from(list.querySelectorAll(".form-check"));
    const inputs = options.map((option) => option.querySelector("input"));

    const tools = document.createElement("div");
    tools.className = "checkbox-list-tools";
    const label = document.createElement("label");
    label.className = "form-label mb-0";
    label.htmlFor = `${list.id}-filtre`;
    label.textContent = list.dataset.filterLabel;
    const filter = document.createElement("input");
    filter.type = "search";
    filter.id = `${list.id}-filtre`;
    filter.className = "form-control form-control-sm";
    filter.autocomplete = "off";
    filter.setAttribute("aria-controls", box.id = `${list.id}-choix`);
    const field = document.createElement("div");
    field.append(label, filter);
    const count = document.createElement("p");
    count.className = "checkbox-list-count";
    count.setAttribute("aria-live", "polite");
    const none = document.createElement("p");
    none.className = "checkbox-list-count";
    none.textContent = list.dataset.none;
    none.hidden = true;
    tools.append(field, count);
    list.insertBefore(tools, box);
    box.append(none);

    const showCount = () => {
      const checked = inputs.filter((input) => input.checked).length;
      const template = checked > 1 ? list.dataset.countOther : list.dataset.countOne;
      count.textContent = template
        .replace("{checked}", checked)
        .replace("{total}", inputs.length);
    };
    const applyFilter = () => {
      const words = fold(filter.value).split(/\s+/).filter(Boolean);
      let shown = 0;
      options.forEach((option) => {
        // An option matches by its label or by its group's (a category, an EPCI).
        const legend = option.closest(".checkbox-list-group")?.querySelector("legend");
        const text = fold(`${option.textContent} ${legend ? legend.textContent : ""}`);
        option.hidden = !words.every((word) => text.includes(word));
        if (!option.hidden) shown += 1;
      });
      list.querySelectorAll(".checkbox-list-group").forEach((group) => {
        group.hidden = !group.querySelector(".form-check:not([hidden])");
      });
      none.hidden = shown > 0;
    };
    // Enter in the filter box must not submit the form.
    filter.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault();
    });
    filter.addEventListener("input", applyFilter);
    list.addEventListener("change", showCount);
    showCount();
  });
});
