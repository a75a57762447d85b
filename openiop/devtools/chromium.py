"""How OpenIOP's browser tests and screenshot script start Debian's chromium.

Never a browser downloaded by Playwright (it cannot be fetched here, and CI installs
chromium from Debian). The flags keep a headless chromium from reaching for the network.
"""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
