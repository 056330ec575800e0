"""Every page type, signed out and signed in, at 1280 px and 320 px: axe-core (WCAG 2.1 A/AA)
finds no violation, the console shows no error (CSP violations included), nothing scrolls
sideways at 320 px, and every element reached with Tab shows a focus indicator."""

import functools

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


def submit_empty(page):
    page.evaluate(PREPARE_EMPTY_SUBMIT)
    form = page.locator("form[data-e2e-form]")
    with page.expect_navigation():
        form.locator("[type=submit]").last.click()


# axe.run(), answering only what a failure message shows of each violation.
RUN_AXE = """(options) => axe.run(document, options).then((results) => results.violations.map(
  (violation) => ({id: violation.id, impact: violation.impact, help: violation.help,
                   nodes: violation.nodes.slice(0, 3).map((node) => node.html.slice(0, 150))})))"""


@functools.cache
def axe_script():
    """axe-core, as bundled by the PyPI package axe-playwright-python."""
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


def axe_violations(page):
    """axe-core's violations on the page as it is now (injected once per loaded document: the
    check at 320 px runs the same copy again after the resize)."""
    if not page.evaluate("() => typeof window.axe === 'object' && !!window.axe.run"):
        page.evaluate(axe_script())
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(violation["nodes"])
        for violation in page.evaluate(RUN_AXE, AXE_OPTIONS)
    ]


# From now on, every element that gets the focus, as FOCUS_STATE sees it at that moment.
RECORD_FOCUS = f"""() => {{
  window.e2eFocus = [];
  document.addEventListener("focusin", () => window.e2eFocus.push(({FOCUS_STATE})()), true);
}}"""


def unseen_focus(page):
    """Tab from the top of the page: the elements that got the focus without showing it.

    Each is recorded as it gets the focus (one round trip to the browser per Tab, not two)."""
    page.evaluate(RECORD_FOCUS)
    for _ in range(TAB_STOPS):
        page.keyboard.press("Tab")
    states = [state for state in page.evaluate("() => window.e2eFocus") if state]
    assert states, f"Tab focuses nothing on {page.url}"
    return [state["element"] for state in states if state["shown"] and not state["visible"]]


@pytest.mark.parametrize(("name", "persona"), case_params())
def test_page_is_accessible(persona_tab, name, persona):
    """At 1280 px, then the same page narrowed to 320 px (the layout reflows, no reload)."""
    page_type = BY_NAME[name]
    tab = persona_tab(persona)
    page = tab.page
    response = tab.go(page_type.path())
    assert response.status == page_type.status, page.url
    if page_type.submit:
        submit_empty(page)
        assert page.locator(".invalid-feedback, .errorlist, .alert-danger").count(), (
            "the form shows no error message"
        )
    assert axe_violations(page) == [], f"{page.url} at 1280 px"
    assert unseen_focus(page) == [], f"focus not visible on {page.url}"

    page.set_viewport_size(WIDTHS["320"])
    assert page.evaluate(NO_HORIZONTAL_SCROLL), f"{page.url} scrolls sideways at 320 px"
    assert axe_violations(page) == [], f"{page.url} at 320 px"

    assert tab.errors == []
