"""Every demo user, in a real browser: follow the navigation, load each page, check charts drew and have a text
alternative, click a filter, print the manager's guide on one page; screenshots under artifacts/screenshots/."""

import io
import re

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.django_db(transaction=False)

DEMO_USERS = ["learner", "coach", "manager", "ld-admin", "executive", "admin"]


def slug_of(url: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "home"


def check_charts(page) -> int:
    """Each chart on the page drew an SVG with an ARIA label, and has its text alternative (a table)."""
    charts = page.locator("figure.chart")
    for index in range(charts.count()):
        chart = charts.nth(index)
        svg = chart.locator("svg").first
        assert svg.count() == 1, f"chart {index} has no SVG"
        box = svg.bounding_box()
        assert box and box["width"] > 50 and box["height"] > 30, f"chart {index} drew nothing"
        assert svg.locator("[aria-label], [aria-roledescription]").count() > 0
        assert chart.locator("figcaption").text_content().strip()
        assert chart.locator("table").count() == 1, f"chart {index} has no table alternative"
    return charts.count()


@pytest.mark.parametrize("username", DEMO_USERS)
def test_each_demo_user_follows_the_navigation_and_every_page_loads(log_in, screenshots, username):
    page = log_in(username)
    assert "Welcome" in page.inner_text("h1")
    nav = page.locator('nav[aria-label="Main"] a')
    links = [(nav.nth(i).inner_text(), nav.nth(i).get_attribute("href")) for i in range(nav.count())]
    assert links and links[0][1] == "/"
    base = page.url.rstrip("/")
    for label, href in links:
        if href.startswith("/admin/"):
            response = page.goto(base + href)
            assert response.status == 200, (username, href)
            continue
        page.locator('nav[aria-label="Main"]').get_by_role("link", name=label, exact=True).click()
        page.wait_for_load_state()
        assert page.url == base + href, (username, label, page.url)
        assert page.locator("h1").count() >= 1
        assert page.locator("text=Server Error").count() == 0
        check_charts(page)
        page.screenshot(path=screenshots / f"{username}-{slug_of(href)}.png", full_page=True)
    if any(href.startswith("/dashboards/") for _, href in links):
        visit_every_dashboard(page, base, screenshots, username)


def visit_every_dashboard(page, base, screenshots, username):
    """Follow the dashboards' own navigation: each page loads and its charts drew, with their alternatives."""
    page.goto(base + "/dashboards/heat-map/")
    sub = page.locator('nav[aria-label="Dashboards"] a')
    hrefs = [sub.nth(i).get_attribute("href") for i in range(sub.count())]
    assert "/dashboards/trends/" in hrefs
    drawn = 0
    for href in hrefs:
        page.locator(f'nav[aria-label="Dashboards"] a[href="{href}"]').click()
        page.wait_for_load_state()
        assert page.url == base + href
        drawn += check_charts(page)
        page.screenshot(path=screenshots / f"{username}-{slug_of(href)}.png", full_page=True)
    assert drawn >= 3


def test_the_manager_opens_their_team_guide_from_home_and_prints_it_on_one_page(log_in, screenshots):
    page = log_in("manager")
    page.get_by_role("link", name="Guide", exact=True).first.click()
    page.wait_for_load_state()
    assert "who is ready, what to coach next" in page.inner_text("h1")
    assert page.get_by_role("heading", name="Who is ready for what, and until when").is_visible()
    page.screenshot(path=screenshots / "manager-team-guide.png", full_page=True)
    page.emulate_media(media="print")
    assert not page.locator("header").is_visible()
    for paper in ("A4", "Letter"):
        pdf = page.pdf(format=paper, print_background=False)
        assert len(PdfReader(io.BytesIO(pdf)).pages) == 1, f"the guide takes more than one {paper} page"
        (screenshots / f"manager-team-guide-{paper.lower()}.pdf").write_bytes(pdf)


def test_the_team_guide_reads_on_a_phone(log_in, screenshots):
    page = log_in("manager", viewport={"width": 390, "height": 844}, is_mobile=True, device_scale_factor=2)
    page.get_by_role("link", name="Guide", exact=True).first.click()
    page.wait_for_load_state()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px on a phone"
    page.screenshot(path=screenshots / "manager-team-guide-phone.png", full_page=True)


def test_the_guide_csv_downloads_from_the_page(log_in):
    page = log_in("manager")
    page.get_by_role("link", name="Guide", exact=True).first.click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV of these rows").click()
    content = open(download_info.value.path(), encoding="utf-8").read()
    assert content.startswith("section,person,role,what,until_or_count,detail")


def test_an_executive_filters_the_heat_map_by_region(log_in, screenshots):
    page = log_in("executive")
    page.locator('nav[aria-label="Main"]').get_by_role("link", name="Dashboards", exact=True).click()
    page.wait_for_load_state()
    everyone = page.locator("figure.chart table tbody tr").count()
    page.select_option("#id_region", label="EMEA")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state()
    assert "region=emea" in page.url
    assert page.locator("#id_region").input_value() == "emea"
    assert check_charts(page) == 1
    assert "people" in page.inner_text("main")
    assert page.locator("figure.chart table tbody tr").count() <= everyone
    page.get_by_role("link", name="region", exact=True).click()
    page.wait_for_load_state()
    assert "by=region" in page.url and "role × region" in page.inner_text("figcaption")
    page.screenshot(path=screenshots / "executive-heat-map-emea-by-region.png", full_page=True)


def test_the_scorecard_page_has_lights_with_words(log_in, screenshots):
    page = log_in("executive")
    page.goto(page.url.rstrip("/") + "/dashboards/scorecard/")
    statuses = page.locator("table.scorecard .light")
    assert statuses.count() >= 5
    words = {statuses.nth(i).inner_text().strip() for i in range(statuses.count())}
    assert all(any(word in text for word in ("On target", "Near target", "Below target", "No data")) for text in words)
    assert check_charts(page) >= 1
