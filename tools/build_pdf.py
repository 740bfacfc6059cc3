"""Print the whole book to one PDF: ``make pdf`` (paper scale) and ``make pdf-quick``.

Usage: python tools/build_pdf.py [--source BOOK] [--path-output DIR] [--all | --print-only]

The book is built as a single HTML page by Jupyter Book's ``singlehtml`` builder, then printed
to PDF by the headless Chromium that the browser tests use (Debian's /usr/bin/chromium, driven
by playwright). No TeX is needed: MathJax typesets the mathematics in the browser, as on the
website, and the theorem, proof and exercise boxes keep the website's look.

1. ``jupyter-book build . --builder singlehtml -n -W --keep-going --path-output DIR`` writes
   ``DIR/_build/singlehtml/``. Without ``--all`` it reuses the doctrees that the HTML build in the
   same ``DIR`` left in ``DIR/_build/.doctrees`` (``make pdf`` builds ``make book`` first, ``make
   pdf-quick`` builds ``make book-quick``), so no chapter is executed again and only pages whose
   source changed since are re-read. ``--all`` reads (executes) everything afresh instead.
   book/_ext/print_edition.py puts every chapter's explorers (their saved widget state) on the
   single page and adds book/_static/print.css, the print layout.
2. That folder is served on 127.0.0.1 and opened in Chromium at the width of the printed text
   column, with print media emulated; requests that would leave 127.0.0.1 are refused. The script
   waits until MathJax has typeset the page (``MathJax.startup.promise``), every explorer has
   been drawn by the ipywidgets manager and every image has loaded.
3. Print edits (PRINT_JS): the solutions are unfolded (the PDF is the instructor's edition, like
   the website), each explorer is shown at the
   frame it opens on, with its labels but without its sliders and buttons (print.css hides them),
   under a note that it is interactive online, and a display equation wider than the column is
   scaled down to fit it.
4. ``page.pdf()``: A4, margins, the book's title in the header and page numbers in the footer,
   backgrounds, a PDF outline from the headings; written to ``DIR/_build/pdf/book.pdf``. The
   outline's titles are then set to the headings' text (:func:`retitle_outline`).

``--source`` prints another book folder: ``make pdf-student`` prints the student edition that
``make student`` built from ``_build/student/source`` (no solutions; its banner and title say so).

tests/test_pdf.py checks the quick PDF (pages, chapter titles, no untypeset TeX, figures, boxes).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import yaml
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from headless_chromium import launch

ROOT = Path(__file__).resolve().parents[1]
MARGIN_MM = {"top": 14, "bottom": 16, "left": 16, "right": 16}
A4_WIDTH_MM = 210
PX_PER_MM = 96 / 25.4
# The width Chromium lays the printed page out at: A4 less the side margins, in CSS pixels.
COLUMN_PX = round((A4_WIDTH_MM - MARGIN_MM["left"] - MARGIN_MM["right"]) * PX_PER_MM)
WIDGET_VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]'
HEADER = (
    '<div style="width: 100%; box-sizing: border-box; padding: 0 16mm; font-size: 7pt; '
    'color: #777; text-align: right; font-family: sans-serif"><span class="title"></span></div>'
)
FOOTER = (
    '<div style="width: 100%; font-size: 8pt; color: #555; text-align: center; '
    'font-family: sans-serif"><span class="pageNumber"></span> / <span class="totalPages"></span>'
    "</div>"
)
NOTE = "Explorer: interactive in the online edition; printed here at its first setting."

# Each explorer's rendered view (the ipywidgets manager puts it just before the view's script):
# how many of the scripts have one, and how many scripts there are.
RENDERED_JS = f"""() => {{
  const views = [...document.querySelectorAll('{WIDGET_VIEW}')];
  const drawn = views.filter((s) => s.parentElement.querySelector('.jupyter-widgets'));
  return [drawn.length, views.length];
}}"""

PRINT_JS = r"""([note, self]) => {
  const report = {solutions: 0, explorers: 0, scaled: [], links: 0, too_wide: []};
  // 0. Links to the page itself become #anchors; links to other local pages (search, index)
  //    are dropped: the PDF has neither.
  for (const a of document.querySelectorAll('a[href]')) {
    const u = new URL(a.href, location.href);
    if (u.hostname !== location.hostname) continue;
    if ((u.pathname === self || u.pathname === location.pathname) && u.hash) {
      a.setAttribute('href', u.hash);
      report.links += 1;
    } else if (!a.getAttribute('href').startsWith('#')) {
      a.removeAttribute('href');
    }
  }
  // 1. Solutions unfolded: sphinx-togglebutton hides a dropdown admonition's body with the class
  //    toggle-hidden and adds a button; <details> blocks are opened.
  for (const e of document.querySelectorAll('.toggle-hidden')) {
    e.classList.remove('toggle-hidden');
    if (e.classList.contains('admonition')) report.solutions += 1;
  }
  for (const d of document.querySelectorAll('details')) d.open = true;
  // 2. Explorers: a note under each widget view that holds a control (hidden by print.css).
  const controls = '.widget-slider, .widget-hslider, .widget-toggle-buttons, .widget-dropdown, ' +
    '.widget-button, .widget-radio, .widget-select, .widget-checkbox, .widget-play';
  for (const s of document.querySelectorAll(
      'script[type="application/vnd.jupyter.widget-view+json"]')) {
    const view = s.parentElement;
    if (!view.querySelector(controls) || view.querySelector('.print-note')) continue;
    const p = document.createElement('p');
    p.className = 'print-note';
    p.textContent = note;
    view.appendChild(p);
    report.explorers += 1;
  }
  // 3. Display equations wider than their column: smaller font (MathJax sizes glyphs in em).
  for (const c of document.querySelectorAll('mjx-container[display="true"]')) {
    const column = c.closest('div.math') || c.parentElement;
    for (let step = 0; step < 3; step++) {
      let l = Infinity, r = -Infinity;
      for (const g of c.querySelectorAll('mjx-c, mjx-line')) {
        if (g.closest('mjx-assistive-mml')) continue;
        const b = g.getBoundingClientRect();
        if (b.width > 0) { l = Math.min(l, b.left); r = Math.max(r, b.right); }
      }
      const avail = column.clientWidth;
      if (!(r > l) || r - l <= avail + 1) break;
      if (step === 2) { report.too_wide.push(column.textContent.trim().slice(0, 80)); break; }
      const size = parseFloat(getComputedStyle(c).fontSize);
      c.style.fontSize = (size * 0.98 * avail / (r - l)) + 'px';
      if (step === 0) report.scaled.push(Math.round(100 * avail / (r - l)));
    }
  }
  return report;
}"""


# The text of every heading the printed page shows, in document order, as a PDF outline title:
# without its "#" link, each formula as the plain text of its MathML.
HEADINGS_JS = r"""() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
  .filter((h) => h.getClientRects().length > 0)
  .map((h) => {
    const c = h.cloneNode(true);
    for (const x of c.querySelectorAll('.headerlink')) x.remove();
    for (const m of c.querySelectorAll('mjx-container')) {
      const mml = m.querySelector('mjx-assistive-mml');
      m.replaceWith(mml ? mml.textContent : '');
    }
    return c.textContent.replace(/\s+/g, ' ').trim();
  })"""


def retitle_outline(pdf: Path, headings: list[str]) -> int:
    """Give the outline of ``pdf`` the titles ``headings`` (document order); return how many
    titles changed.

    Chromium's tagged printing names each outline entry after its heading's text, but the first
    line on a page is in its tags twice, so a heading that starts a page became "Loss and
    errorLoss and error", and formulas were left out. The outline has one entry per heading the
    page shows; if the counts differ, this raises rather than guess.
    """
    # Chromium's PDFs declare a trailer size short of their object count; pypdf reads them
    # right and says so on stderr for every build, which is noise here.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    writer = PdfWriter(clone_from=PdfReader(pdf))
    entries = []

    def walk(node):
        while node is not None:
            node = node.get_object()
            entries.append(node)
            if "/First" in node:
                walk(node["/First"])
            node = node.get("/Next")

    outlines = writer.root_object.get("/Outlines")
    if outlines is not None:
        walk(outlines.get_object().get("/First"))
    if len(entries) != len(headings):
        raise RuntimeError(
            f"{pdf}: the outline has {len(entries)} entries for {len(headings)} headings on the "
            "page; cannot match them"
        )
    changed = 0
    for entry, title in zip(entries, headings):
        if entry["/Title"] != title:
            entry[NameObject("/Title")] = TextStringObject(title)
            changed += 1
    with open(pdf, "wb") as out:
        writer.write(out)
    return changed


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def build_single_page(source: Path, path_output: Path, fresh: bool) -> Path:
    """Run the singlehtml build of the book in ``source``; return its folder."""
    command = [
        str(Path(sys.executable).with_name("jupyter-book")),
        "build",
        str(source),
        "--builder",
        "singlehtml",
        "-n",
        "-W",
        "--keep-going",
        "--path-output",
        str(path_output),
    ]
    if fresh:
        command.insert(2, "--all")
    print("$", " ".join(command), flush=True)
    subprocess.run(command, cwd=ROOT, check=True)
    return path_output / "_build" / "singlehtml"


def _is_local(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in {"data", "blob", "about"} or parsed.hostname == "127.0.0.1"


def single_page_name(source: Path = ROOT) -> str:
    """The single page's path in the singlehtml folder: the root document of the book's _toc.yml
    (its index.html only redirects there)."""
    return yaml.safe_load((source / "_toc.yml").read_text())["root"] + ".html"


# The single page is written to book/intro.html, but Sphinx writes its links to scripts, styles,
# images and its own sections as seen from the top folder; so it is served from there, at
# PRINT_PATH, and its links to itself become bare #anchors (the PDF's internal links).
PRINT_PATH = "/print.html"


def print_pdf(site: Path, pdf: Path, page_name: str, *, timeout_s: float = 120) -> dict:
    """Print the single page ``page_name`` in ``site`` to ``pdf``; return what was done to it."""
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}{PRINT_PATH}"
    body = (site / page_name).read_bytes()
    errors, refused = [], []
    try:
        with sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page(viewport={"width": COLUMN_PX, "height": 1100})
            page.set_default_timeout(timeout_s * 1000)
            page.on("console", lambda m: m.type == "error" and errors.append(m.text))
            page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))

            def route(r):
                path = urlparse(r.request.url).path
                if path == PRINT_PATH:
                    r.fulfill(body=body, content_type="text/html; charset=utf-8")
                elif path == "/searchindex.js":  # the single page's search box, never used
                    r.fulfill(body="", content_type="text/javascript")
                elif _is_local(r.request.url):
                    r.continue_()
                else:
                    refused.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.emulate_media(media="print")
            page.goto(url, wait_until="load")
            page.wait_for_function(
                "() => window.MathJax && MathJax.startup && MathJax.startup.promise"
            )
            page.evaluate("MathJax.startup.promise.then(() => true)")
            deadline = time.monotonic() + timeout_s
            while True:
                drawn, views = page.evaluate(RENDERED_JS)
                if drawn == views:
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"only {drawn} of {views} explorers were drawn")
                time.sleep(0.5)
            report = page.evaluate(PRINT_JS, [NOTE, "/" + page_name])
            # MathJax may typeset again after the edits (it re-renders on font-size changes
            # only lazily); wait for it and for every image before printing.
            page.evaluate("MathJax.startup.promise.then(() => true)")
            page.wait_for_function(
                "() => [...document.images].every((i) => i.complete && i.naturalWidth > 0)"
            )
            pdf.parent.mkdir(parents=True, exist_ok=True)
            page.pdf(
                path=str(pdf),
                format="A4",
                margin={side: f"{mm}mm" for side, mm in MARGIN_MM.items()},
                print_background=True,
                display_header_footer=True,
                header_template=HEADER,
                footer_template=FOOTER,
                outline=True,
                tagged=True,
            )
            headings = page.evaluate(HEADINGS_JS)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    problems = [f"console error: {e}" for e in errors] + [f"refused: {u}" for u in refused]
    if problems:
        raise RuntimeError("the single page did not load cleanly:\n  " + "\n  ".join(problems))
    if report["too_wide"]:
        raise RuntimeError(f"display equations still wider than the page: {report['too_wide']}")
    report["views"] = views
    report["retitled"] = retitle_outline(pdf, headings)
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--path-output",
        type=Path,
        default=Path("."),
        help="Jupyter Book's --path-output, shared with the HTML build to reuse (default: .)",
    )
    parser.add_argument(
        "--source",
        type=Path,
        default=ROOT,
        help="the book's folder, with _config.yml and _toc.yml (default: this repository; the "
        "student edition's is _build/student/source)",
    )
    parser.add_argument(
        "--all", action="store_true", help="read and execute every page afresh (no reuse)"
    )
    parser.add_argument(
        "--print-only", action="store_true", help="print the existing single page, no build"
    )
    args = parser.parse_args(argv)
    path_output = args.path_output if args.path_output.is_absolute() else ROOT / args.path_output
    start = time.monotonic()
    if args.print_only:
        site = path_output / "_build" / "singlehtml"
    else:
        site = build_single_page(args.source.resolve(), path_output, fresh=args.all)
    built = time.monotonic()
    pdf = path_output / "_build" / "pdf" / "book.pdf"
    report = print_pdf(site, pdf, single_page_name(args.source.resolve()))
    done = time.monotonic()
    pages = len(PdfReader(pdf).pages)
    print(
        f"Wrote {os.path.relpath(pdf, ROOT)} ({pdf.stat().st_size / 1e6:.1f} MB, {pages} pages): "
        f"{report['solutions']} solutions unfolded, {report['explorers']} of {report['views']} "
        f"widget views printed as static frames, {len(report['scaled'])} display equations "
        f"scaled to the column (to {min(report['scaled'], default=100)}% at least), "
        f"{report['retitled']} outline titles mended. "
        f"Single page {built - start:.0f} s, printing {done - built:.0f} s."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
