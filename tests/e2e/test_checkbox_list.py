"""Checkbox lists (portal.forms.CheckboxList) in place of multiple selects: the filter box and
the count that static/js/checkbox_list.js adds, by keyboard; without JavaScript, the plain list."""

from django.urls import reverse

from tests.e2e.test_keyboard import ACTIVE, tab_to

PARTNER = reverse("partners:update", args=["uimm-charente"])
VISIBLE = "(list) => Array.from(list.querySelectorAll('.form-check:not([hidden])')).length"


def test_filter_box_and_count_by_keyboard(open_tab):
    tab = open_tab("coordinator")
    page = tab.page
    tab.go(PARTNER)
    communes = page.locator("#id_zone_communes")
    total = communes.locator(".form-check").count()
    assert total >= 10
    count = communes.locator(".checkbox-list-count").first
    checked = communes.locator("input:checked").count()
    assert count.inner_text().endswith(f"sur {total}")

    tab_to(page, lambda active: active["id"] == "id_zone_communes-filtre", limit=200)
    assert page.get_by_label("Filtrer la liste").first.is_visible()
    page.keyboard.type("soyaux")
    assert communes.evaluate(VISIBLE) == 1
    page.keyboard.press("Enter")  # does not submit the form
    assert page.url == tab.url(PARTNER)

    box = tab_to(page, lambda active: active["name"] == "zone_communes")
    was_checked = communes.locator(f"#{box['id']}").is_checked()
    page.keyboard.press("Space")
    now = checked + (-1 if was_checked else 1)
    assert count.inner_text().startswith(f"{now} case")

    page.keyboard.press("Shift+Tab")
    assert page.evaluate(ACTIVE)["id"] == "id_zone_communes-filtre"
    page.keyboard.press("Control+a")
    page.keyboard.press("Backspace")
    assert communes.evaluate(VISIBLE) == total
    assert not tab.errors


def test_without_javascript_the_list_is_all_there(open_tab):
    tab = open_tab("coordinator", java_script_enabled=False)
    page = tab.page
    tab.go(PARTNER)
    communes = page.locator("#id_zone_communes")
    assert communes.locator(".form-check").count() >= 10
    assert communes.locator("input[type=search]").count() == 0
    legend = page.locator("#div_id_zone_communes > fieldset > legend")
    assert legend.inner_text().strip() == "Communes"


def test_filter_matches_a_group_name(open_tab):
    tab = open_tab("staff")
    page = tab.page
    tab.go(PARTNER)
    communes = page.locator("#id_zone_communes")
    groups = communes.locator(".checkbox-list-group")
    assert groups.count() >= 2  # staff sees the communes of both territories, by EPCI
    bergerac = groups.filter(has_text="CA Bergeracoise")
    angouleme = groups.filter(has_text="Grand Angoulême")
    page.locator("#id_zone_communes-filtre").fill("bergeracoise")  # the EPCI, not a commune
    assert communes.evaluate(VISIBLE) == bergerac.locator(".form-check").count()
    assert angouleme.is_hidden()
    assert not tab.errors
