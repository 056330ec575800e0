"""The header fits: at 1280 px the staff header (the longest: « Administration », the territory
switcher) is one line with nothing cut; at 320 px it folds into the menu button, and opened, the
menu fits the screen without horizontal scrolling.

With SCREENSHOTS=<folder>, each check also saves a screenshot of the page there.
"""

import os

import pytest
from django.urls import reverse

# The header's visible parts: where they are, and whether a control's text is cut.
LAYOUT = """() => {
  const header = document.querySelector(".site-header");
  const box = (el) => { const r = el.getBoundingClientRect();
    return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width}; };
  const visible = (el) => el.offsetParent !== null && el.getBoundingClientRect().width > 0;
  const parts = ".navbar-brand, .nav-link, .navbar-text, select, button";
  const items = [...header.querySelectorAll(parts)].filter(visible);
  // The width the selected option's text needs in the select, padding and arrow included.
  const select = header.querySelector("select");
  let selectCut = false;
  if (select && visible(select)) {
    const style = getComputedStyle(select);
    const canvas = document.createElement("canvas").getContext("2d");
    canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const text = select.options[select.selectedIndex].text;
    const needed = canvas.measureText(text).width
      + parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    selectCut = needed > select.clientWidth + 0.5;
  }
  return {
    items: items.map((el) => ({text: (el.innerText || el.value || "").trim(),
      ...box(el)})),
    header: box(header),
    // The content box of the header's container: items stay inside it, aligned with the page.
    inner: (() => {
      const container = header.querySelector(".container");
      const r = container.getBoundingClientRect(), style = getComputedStyle(container);
      return {left: r.left + parseFloat(style.paddingLeft),
              right: r.right - parseFloat(style.paddingRight)};
    })(),
    viewport: document.documentElement.clientWidth,
    scrollWidth: document.documentElement.scrollWidth,
    selectCut,
  };
}"""


def screenshot(page, name):
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"header-{name}.png"))


@pytest.mark.parametrize("path", [reverse("home"), reverse("roadmaps:list")])
def test_staff_header_is_one_line_at_1280(open_tab, path):
    tab = open_tab("staff", "1280")
    tab.go(path)
    layout = tab.page.evaluate(LAYOUT)
    screenshot(tab.page, f"1280-{path.strip('/').replace('/', '-') or 'home'}")
    items = layout["items"]
    texts = [item["text"] for item in items]
    assert "Feuille de route" in texts and "Administration" in texts, texts
    tops = {round((item["top"] + item["bottom"]) / 2) for item in items}
    assert max(tops) - min(tops) <= 8, f"the header items are not on one line: {items}"
    for item in items:
        assert item["bottom"] - item["top"] < 48, f"« {item['text']} » wraps: {item}"
        inner = layout["inner"]
        assert inner["left"] - 0.5 <= item["left"] and item["right"] <= inner["right"] + 0.5, item
    assert not layout["selectCut"], "the territory switcher's text is cut"
    assert layout["scrollWidth"] <= layout["viewport"]


def test_longer_names_wrap_the_header_rather_than_overflow(open_tab):
    """A longer person's or territory's name than the demo's: the right-hand group goes to a
    second line, nothing leaves the page or is cut."""
    tab = open_tab("staff", "1280")
    tab.go(reverse("home"))
    tab.page.evaluate(
        """() => {
        document.querySelector('.site-header a[href*="mot-de-passe"]').textContent =
          "Marie-Christine Dupont-Lavergne";
        document.querySelector(".site-header select").options[0].text =
          "Communauté d'agglomération du Grand Périgueux";
      }"""
    )
    layout = tab.page.evaluate(LAYOUT)
    screenshot(tab.page, "1280-long-names")
    inner = layout["inner"]
    for item in layout["items"]:
        assert inner["left"] - 0.5 <= item["left"] and item["right"] <= inner["right"] + 0.5, item
    assert not layout["selectCut"]
    assert layout["scrollWidth"] <= layout["viewport"]


def test_staff_header_folds_at_320(open_tab):
    tab = open_tab("staff", "320")
    page = tab.page
    tab.go(reverse("home"))
    toggler = page.locator(".navbar-toggler")
    assert toggler.is_visible()
    screenshot(page, "320-closed")
    toggler.click()
    page.locator("#menu-principal.show").wait_for()
    page.wait_for_timeout(400)  # the end of the collapse transition
    screenshot(page, "320-open")
    layout = page.evaluate(LAYOUT)
    for item in layout["items"]:
        inner = layout["inner"]
        assert inner["left"] - 0.5 <= item["left"] and item["right"] <= inner["right"] + 0.5, item
    assert not layout["selectCut"], "the territory switcher's text is cut"
    assert layout["scrollWidth"] <= layout["viewport"]
