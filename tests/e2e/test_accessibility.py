"""Every page type, signed out and signed in, at 1280 px and 320 px: axe-core (WCAG 2.1 A/AA)
finds no violation, the console shows no error (CSP violations included), nothing scrolls
sideways at 320 px, and every element reached with Tab shows a focus indicator."""

import pytest

from tests.e2e.conftest import WIDTHS
from tests.e2e.pages import BY_NAME, case_params

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
TAB_STOPS = 8

# The element that has the focus, and whether something shows it: an outline or a box-shadow
# (Bootstrap's focus ring on form controls and buttons).
FOCUS_STATE = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== "none";
  return {
    element: element.outerHTML.slice(0, 120),
    visible: outline || shadow,
    shown: element.getClientRects().length > 0,
  };
}"""

NO_HORIZONTAL_SCROLL = (
    "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
)

# Before an empty submission: no browser validation, so that the server shows its own messages.
PREPARE_EMPTY_SUBMIT = """() => {
  const forms = [...document.querySelectorAll("main form")].filter(
    (form) => form.method.toLowerCase() === "post");
  forms.sort((a, b) => b.elements.length - a.elements.length);
  const form = forms[0];
  form.noValidate = true;
  for (const field of form.querySelectorAll("input:not([type=hidden]), textarea")) {
    if (field.type !== "checkbox" && field.type !== "radio" && field.type !== "submit") {
      field.value = "";
    }
  }
  form.setAttribute("data-e2e-form", "");
}"""


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def submit_empty(page):
    page.evaluate(PREPARE_EMPTY_SUBMIT)
    form = page.locator("form[data-e2e-form]")
    with page.expect_navigation():
        form.locator("[type=submit]").last.click()


def axe_violations(axe, page):
    results = axe.run(page, options=AXE_OPTIONS)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["html"][:150] for node in violation["nodes"][:3])
        for violation in results.response["violations"]
    ]


def unseen_focus(page):
    """Tab from the top of the page: the elements that got the focus without showing it."""
    unseen = []
    for _ in range(TAB_STOPS):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state is None:
            break
        if state["shown"] and not state["visible"]:
            unseen.append(state["element"])
    return unseen


@pytest.mark.parametrize(("name", "persona"), case_params())
def test_page_is_accessible(open_tab, axe, name, persona):
    """At 1280 px, then the same page narrowed to 320 px (the layout reflows, no reload)."""
    page_type = BY_NAME[name]
    tab = open_tab(persona, "1280")
    page = tab.page
    response = tab.go(page_type.path())
    assert response.status == page_type.status, page.url
    if page_type.submit:
        submit_empty(page)
        assert page.locator(".invalid-feedback, .errorlist, .alert-danger").count(), (
            "the form shows no error message"
        )
    assert axe_violations(axe, page) == [], f"{page.url} at 1280 px"
    assert unseen_focus(page) == [], f"focus not visible on {page.url}"

    page.set_viewport_size(WIDTHS["320"])
    assert page.evaluate(NO_HORIZONTAL_SCROLL), f"{page.url} scrolls sideways at 320 px"
    assert axe_violations(axe, page) == [], f"{page.url} at 320 px"

    assert tab.errors == []
