"""Debian's Chromium (``/usr/bin/chromium``) driven by playwright: headless, offline, one setting.

The browser tests (``tests/test_book.py``, ``tests/test_lab.py``) and the PDF printer
(``tools/build_pdf.py``) launch it with these arguments: no sandbox (root in CI), no GPU, and no
background traffic (updates, sync, QUIC), so every request a page makes is its own.
"""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch(playwright):
    """A headless Chromium browser from a started ``sync_playwright()`` context."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
