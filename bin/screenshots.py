"""Take the README's screenshots from a running `make demo` (http://127.0.0.1:8000).

Usage: .venv/bin/python bin/screenshots.py   (reads the demo logins from var/demo-logins.txt)
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from openiop.devtools.chromium import CHROMIUM, CHROMIUM_ARGS

BASE = "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def passwords() -> dict[str, str]:
    text = (Path(__file__).resolve().parent.parent / "var" / "demo-logins.txt").read_text(
        encoding="utf-8"
    )
    return {m.group(1): m.group(2) for m in re.finditer(r"^(\S+)\s+(\S+-\d\d)\s", text, re.M)}


def sign_in(page: Page, username: str, password: str) -> None:
    page.goto(f"{BASE}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=re.compile("sign in", re.I)).click()


def start_here(name: str) -> str:
    """The patient the seed names on a "Start here" line (e.g. "Open safety alert")."""
    text = (Path(__file__).resolve().parent.parent / "var" / "demo-logins.txt").read_text(
        encoding="utf-8"
    )
    found = re.search(rf"^\s*{name}[^:]*: (.+?) \(", text, re.M)
    if found is None:
        raise SystemExit(f"var/demo-logins.txt names no '{name}' patient")
    return found.group(1)


def open_chart(page: Page, patient: str) -> None:
    page.goto(f"{BASE}/patients/")
    page.get_by_label("Name or MRN").fill(patient.split()[-1])
    page.get_by_role("link", name=re.compile(patient)).first.click()


def measures(page: Page, browser: Browser, logins: dict[str, str]) -> None:
    """The Measures tab of the patient with the open alert, then the portal of the patient
    with a PHQ-9 due, on a phone-sized screen (the link is created, not answered)."""
    sign_in(page, "therapist", logins["therapist"])
    open_chart(page, start_here("Open safety alert"))
    page.get_by_role("link", name="Measures", exact=True).click()
    page.screenshot(path=OUT / "measures.png", full_page=True)
    page.get_by_role("button", name=re.compile("sign out", re.I)).click()
    sign_in(page, "therapist3", logins["therapist3"])
    open_chart(page, start_here("PHQ-9 due"))
    page.get_by_role("link", name="Measures", exact=True).click()
    page.get_by_role("button", name="Create a link for the patient").click()
    link = page.get_by_role("textbox", name="Link").input_value()
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(link)
    phone.screenshot(path=OUT / "portal.png")
    phone.close()
    page.get_by_role("button", name=re.compile("sign out", re.I)).click()


def schedule(page: Page) -> None:
    """The solver's approved week as a change list, and the program's week by room."""
    page.goto(f"{BASE}/schedule/")
    page.locator("main a[href^='/schedule/programs/']").first.click()
    page.screenshot(path=OUT / "schedule.png", full_page=True)
    page.goto(f"{BASE}/calendar/program/")
    page.screenshot(path=OUT / "calendar.png")  # the first day or so; a week is long


def daily(page: Page, logins: dict[str, str]) -> None:
    """A group's roster from the facilitator's Today, a chart's Notes tab with group notes,
    and this week's care-team meeting."""
    sign_in(page, "facilitator", logins["facilitator"])
    page.goto(f"{BASE}/calendar/program/")  # Today lists only today's groups
    page.locator("main a[href^='/attendance/sessions/']").first.click()
    page.screenshot(path=OUT / "roster.png", full_page=True)
    page.get_by_role("button", name=re.compile("sign out", re.I)).click()
    sign_in(page, "therapist", logins["therapist"])
    open_chart(page, start_here("Attendance review open"))
    page.get_by_role("link", name="Notes", exact=True).click()
    page.screenshot(path=OUT / "group-note.png")
    page.get_by_role("button", name=re.compile("sign out", re.I)).click()
    sign_in(page, "director", logins["director"])
    page.goto(f"{BASE}/meetings/")
    page.get_by_role("link", name="Go to this week's meeting").first.click()
    page.screenshot(path=OUT / "meeting.png")
    page.get_by_role("button", name=re.compile("sign out", re.I)).click()


def main() -> None:
    logins = passwords()
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1024, "height": 900})
        page.goto(f"{BASE}/accounts/login/")
        page.screenshot(path=OUT / "login.png")
        sign_in(page, "director", logins["director"])
        page.goto(f"{BASE}/today/")
        page.screenshot(path=OUT / "today.png", full_page=True)
        page.goto(f"{BASE}/patients/")
        page.screenshot(path=OUT / "patients.png")
        page.locator("#results a[href^='/patients/']").first.click()
        page.screenshot(path=OUT / "chart.png", full_page=True)
        page.goto(f"{BASE}/measures/outcomes/")
        page.screenshot(path=OUT / "outcomes.png", full_page=True)
        schedule(page)
        page.get_by_role("button", name=re.compile("sign out", re.I)).click()
        measures(page, browser, logins)
        daily(page, logins)
        sign_in(page, "auditor", logins["auditor"])
        page.goto(f"{BASE}/audit/")
        page.screenshot(path=OUT / "audit.png")
        browser.close()


if __name__ == "__main__":
    main()
