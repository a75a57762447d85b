"""Take the README's screenshots from a running `make demo` (http://127.0.0.1:8000).

Usage: .venv/bin/python bin/screenshots.py   (reads the demo logins from var/demo-logins.txt)
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

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
        page.get_by_role("button", name=re.compile("sign out", re.I)).click()
        sign_in(page, "auditor", logins["auditor"])
        page.goto(f"{BASE}/audit/")
        page.screenshot(path=OUT / "audit.png")
        browser.close()


if __name__ == "__main__":
    main()
