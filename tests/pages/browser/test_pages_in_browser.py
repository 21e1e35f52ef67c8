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
        assert chart.locator("figcaption").inner_text().strip()
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
