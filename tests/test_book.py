"""Browser and link checks of the built book.

Needs the quick build that `make test` makes first (`make book-quick`, i.e.
    QL_SCALE=quick jupyter-book build --all . -n -W --keep-going --path-output _build/quick).
Every page in _toc.yml is opened in headless Chromium (Debian's /usr/bin/chromium, driven by
playwright) from a local http.server at two widths, a desktop (1400 px, both sidebars shown) and a
phone (390 px), and checked: offline, no console errors, maths typeset, no display equation
clipped (CLIPPED_MATH_JS), no `$` left in the prose (STRAY_DOLLAR_JS). The two layout checks are
themselves tested on small hand-written pages (test_layout_checks_*), which need no build. Then
linkchecker crawls the same site.
"""

import functools
import http.server
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import toc_pages

pytestmark = pytest.mark.book

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "quick" / "_build" / "html"
LOCAL_SCHEMES = {"data", "blob", "about"}  # never leave the browser
MUST_HAVE_MATH = {"book/intro", "book/notation"}  # and every chapter (notebooks/...)
WIDTHS = (1400, 390)  # CSS pixels: a desktop with both sidebars, a phone

# For each display equation (MathJax's <mjx-container display="true">) the problems that hide part
# of it: what it draws (the union of the boxes of its glyphs <mjx-c> and rules <mjx-line>, not
# those of the hidden assistive MathML) must lie inside its column (the div.math), or else inside
# a box that scrolls horizontally and can reach it: scrolling reveals what is right of the box,
# never what is left of it. The column must lie inside the article and the viewport, and inside
# every ancestor that clips; an equation number (<mjx-labels>) must not be drawn over the formula.
# Hidden equations (a closed dropdown) are skipped. Returns [{tex, problems}] for failing ones.
CLIPPED_MATH_JS = r"""() => {
  const px = 1;  // rounding slack, CSS pixels
  const R = Math.round;
  const box = (el) => el.getBoundingClientRect();
  const extent = (el) => {  // horizontal span of the glyphs and rules drawn inside el
    let l = Infinity, r = -Infinity;
    for (const e of el.querySelectorAll('mjx-c, mjx-line')) {
      if (e.closest('mjx-assistive-mml')) continue;
      const b = box(e);
      if (b.width > 0 && b.height > 0) { l = Math.min(l, b.left); r = Math.max(r, b.right); }
    }
    return [l, r];
  };
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const clips = (el) => getComputedStyle(el).overflowX !== 'visible';
  const article = document.querySelector('article') || document.querySelector('main');
  const source = (column) => {
    try {
      return MathJax.startup.document.getMathItemsWithin(column)[0].math;
    } catch (e) {
      return column.textContent;
    }
  };
  const bad = [];
  for (const c of document.querySelectorAll('mjx-container[display="true"]')) {
    if (!c.getClientRects().length) continue;
    const column = c.closest('div.math') || c.parentElement;
    const col = box(column);
    const [l, r] = extent(c);
    const problems = [];
    let scroller = null;  // the nearest box, from the equation up to its column, that scrolls
    for (let e = c; e && e !== column.parentElement; e = e.parentElement) {
      if (scrolls(e)) { scroller = e; break; }
    }
    if (scroller) {
      const s = box(scroller);
      const origin = s.left + scroller.clientLeft - scroller.scrollLeft;
      if (l < origin - px) {
        problems.push(`starts ${R(origin - l)}px left of its scroll box: unreachable`);
      }
      if (s.left < col.left - px) {
        problems.push(`its scroll box starts ${R(col.left - s.left)}px left of the column`);
      }
      if (s.right > col.right + px) {
        problems.push(`its scroll box ends ${R(s.right - col.right)}px right of the column`);
      }
    } else {
      if (l < col.left - px) problems.push(`starts ${R(col.left - l)}px left of the column`);
      if (r > col.right + px) {
        problems.push(`ends ${R(r - col.right)}px right of the column, which does not scroll`);
      }
    }
    if (col.left < -px || col.right > window.innerWidth + px) {
      problems.push(`its column [${R(col.left)}, ${R(col.right)}] px leaves the viewport`);
    }
    if (article && article.contains(column)) {
      const a = box(article);
      if (col.left < a.left - px || col.right > a.right + px) {
        problems.push('its column leaves the article');
      }
    }
    for (let e = column.parentElement; e && e !== document.body; e = e.parentElement) {
      const a = box(e);
      if (clips(e) && (col.left < a.left - px || col.right > a.right + px)) {
        problems.push(`its column is clipped by <${e.localName} class="${e.className}">`);
        break;
      }
    }
    const label = c.querySelector('mjx-labels'), table = c.querySelector('mjx-table');
    if (label && table) {
      const [ll, lr] = extent(label), [tl, tr] = extent(table);
      const [a, b] = [box(label), box(table)];
      if (ll < tr - px && tl < lr - px && a.top < b.bottom && b.top < a.bottom) {
        problems.push('its equation number is drawn over the formula');
      }
    }
    if (problems.length) bad.push({tex: source(column).trim().replace(/\s+/g, ' '), problems});
  }
  return bad;
}"""

# How far the page is wider than the window (it then scrolls sideways, e.g. on a phone), and the
# first few elements that stick out of the window, outside boxes that scroll by themselves.
PAGE_OVERFLOW_JS = r"""() => {
  const over = document.documentElement.scrollWidth - window.innerWidth;
  if (over <= 1) return null;
  const inScroller = (e) => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)) return true;
    }
    return false;
  };
  const culprits = [...document.body.querySelectorAll('*')]
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !inScroller(e))
    .slice(-3)
    .map((e) => `<${e.localName} class="${e.className}">${e.textContent.trim().slice(0, 60)}`);
  return {over, culprits};
}"""

# Text nodes of the page that hold a `$`, outside code, preformatted output and mathematics: a
# `$...$` that MyST did not turn into maths (e.g. inside a directive that does not parse it).
# Returns the text of the enclosing paragraph (or block) of each, once.
STRAY_DOLLAR_JS = r"""() => {
  const skip = 'code, pre, script, style, textarea, kbd, samp, .math, mjx-container, .highlight';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = new Set();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.nodeValue.includes('$') || n.parentElement.closest(skip)) continue;
    const block = n.parentElement.closest('p, li, dt, dd, td, th, h1, h2, h3, h4, h5, h6, div');
    found.add((block || n.parentElement).textContent.replace(/\s+/g, ' ').trim().slice(0, 200));
  }
  return [...found];
}"""


def require_build():
    assert (HTML / "index.html").is_file(), (
        f"No book build at {HTML.relative_to(ROOT)}. Run `make test`, or build it first with "
        "`make book-quick` (QL_SCALE=quick jupyter-book build --all . -n -W --keep-going "
        "--path-output _build/quick)."
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    # Every (status, path) the server answered, including requests the browser makes on its own
    # (such as /favicon.ico), which page events never show.
    answered: list = []

    def log_message(self, *args):
        pass

    def log_request(self, code="-", size="-"):
        self.answered.append((int(code), self.path))

    def end_headers(self):
        # This header lets linkchecker lift its per-host rate limit (see tests/linkcheckerrc).
        self.send_header("LinkChecker", "local test server")
        super().end_headers()


@pytest.fixture(scope="module")
def site():
    """Base URL of the built html folder served on 127.0.0.1 (a free port)."""
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def layout_problems(page):
    """What the reader cannot see on the loaded page: one line per clipped display equation
    (its TeX and why), per paragraph with a stray `$`, and one if the page is wider than the
    window; empty when the page reads cleanly."""
    lines = [
        f"display equation clipped ({'; '.join(eq['problems'])}): {eq['tex'][:160]}"
        for eq in page.evaluate(CLIPPED_MATH_JS)
    ]
    lines += [f"literal $ in the text: {text}" for text in page.evaluate(STRAY_DOLLAR_JS)]
    wide = page.evaluate(PAGE_OVERFLOW_JS)
    if wide:
        lines.append(f"the page is {wide['over']}px wider than the window: {wide['culprits']}")
    return lines


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("docname", toc_pages())
def test_page_renders_offline(docname, width, site, browser):
    require_build()
    source = (HTML / f"{docname}.html").read_text(encoding="utf-8")
    requests, errors = [], []
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    # Anything that would leave the machine is recorded above, then refused at once.
    page.route(
        "**/*", lambda route: route.continue_() if _is_local(route.request.url) else route.abort()
    )
    try:
        page.goto(f"{site}/{docname}.html", wait_until="load")

        has_math = 'class="math' in source  # Sphinx's markup for $...$ and $$...$$
        must = docname in MUST_HAVE_MATH or docname.startswith("notebooks/")
        assert has_math or not must, "expected maths on this page"
        if has_math:
            page.wait_for_selector("mjx-container", state="attached", timeout=20_000)
            page.evaluate("MathJax.startup.promise.then(() => true)")
            raw = page.evaluate("""[...document.querySelectorAll('span.math, div.math')]
                .filter(e => !e.querySelector('mjx-container')).map(e => e.textContent)""")
            assert not raw, f"math left untypeset by MathJax: {raw[:3]}"
            # TeX errors show as <mjx-merror>; an undefined macro as red text starting with a
            # backslash.
            bad = page.locator(
                'mjx-merror, mjx-mtext[style*="color: red"] > mjx-c.mjx-c5C:first-child'
            )
            assert bad.count() == 0, "MathJax shows a TeX error or an undefined macro"

        if "application/vnd.jupyter.widget-view+json" in source:
            page.wait_for_selector(".jupyter-widgets", state="attached", timeout=20_000)

        if docname.startswith("notebooks/"):
            images = page.locator(".cell_output img, figure img")
            assert images.count() > 0, "a chapter should show at least one figure"
            images.last.scroll_into_view_if_needed()
            page.wait_for_load_state("networkidle")
            sizes = images.evaluate_all("els => els.map(e => [e.currentSrc, e.naturalWidth])")
            broken = [src for src, width in sizes if width == 0]
            assert not broken, f"images that did not load: {broken}"
        page.wait_for_load_state("networkidle")
        problems = layout_problems(page)
    finally:
        page.close()

    outside = sorted({u for u in requests if not _is_local(u)})
    problems = (
        [f"request leaving 127.0.0.1: {u}" for u in outside]
        + [f"console error: {e}" for e in errors]
        + problems
    )
    assert not problems, f"{docname}.html at {width}px:\n  " + "\n  ".join(problems)


def test_site_address_leads_to_the_first_page_without_errors(site, browser):
    """Opening the site's bare address (its root index.html) lands on the book's first page, and
    no request on the way fails (a root page naming no icon made the browser ask for a missing
    /favicon.ico: book/_ext/root_redirect.py)."""
    require_build()
    errors = []
    _QuietHandler.answered.clear()
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    try:
        page.goto(f"{site}/", wait_until="load")
        page.wait_for_url("**/book/intro.html", timeout=20_000)
        page.wait_for_load_state("networkidle")
    finally:
        page.close()
    failed = [f"{code} {path}" for code, path in _QuietHandler.answered if code >= 400]
    assert not failed and not errors, f"failed requests {failed}, console errors {errors}"


# Hand-written pages for the layout checks: a column 300 px wide holding equations 600 px wide.
# "spills-left" reproduces the theme's bug (a flex row-reverse box that hides its overflow: the
# equation spills out to the left, where no scrolling reaches); "cut-right" is cut at the right
# edge with no scrolling; "scrolls" may be scrolled to; "fits" fits.
_EQUATION = (
    '<mjx-container display="true" style="display: block; {style}"><mjx-math><mjx-c '
    'style="display: inline-block; width: {width}px">{name}</mjx-c></mjx-math></mjx-container>'
)
_PAGE = '<!doctype html><html><body style="margin: 0"><article style="width: {}px">{}</article>'
_CLIPPED_PAGE = _PAGE.format(
    300,
    '<div class="math" style="display: flex; flex-direction: row-reverse; overflow: hidden">'
    + _EQUATION.format(style="flex-grow: 1", width=600, name="spills-left")
    + '</div><div class="math" style="overflow: hidden">'
    + _EQUATION.format(style="", width=600, name="cut-right")
    + '</div><div class="math">'
    + _EQUATION.format(style="overflow-x: auto", width=600, name="scrolls")
    + '</div><div class="math">'
    + _EQUATION.format(style="", width=100, name="fits")
    + "</div>",
)
# An equation number drawn over its formula (MathJax puts it in <mjx-labels>, beside <mjx-table>).
_OVERLAP_PAGE = _PAGE.format(
    300,
    '<div class="math"><mjx-container display="true" style="display: block; position: relative">'
    '<mjx-math><mjx-table><mjx-c style="display: inline-block; width: 200px">formula</mjx-c>'
    '</mjx-table><mjx-labels style="position: absolute; left: 150px; top: 0"><mjx-c '
    'style="display: inline-block; width: 40px">(7)</mjx-c></mjx-labels></mjx-math>'
    "</mjx-container></div>",
)
# A column wider than a phone: the equation fits its column, but not the screen.
_WIDE_COLUMN_PAGE = _PAGE.format(
    500, '<div class="math">' + _EQUATION.format(style="", width=100, name="off-screen") + "</div>"
)
_DOLLAR_PAGE = r"""<!doctype html><html><body><article>
<p>Proof. $\dot A = -(\nabla E\, A + A\, \nabla E)$.</p>
<pre>$ make book</pre><p>Set <code>$HOME</code>; the price <span class="math">\(\$1\)</span>.</p>
</article></body></html>"""


@pytest.fixture(scope="module")
def scratch_page(tmp_path_factory, browser):
    """open(html, width): a browser page showing html, served from 127.0.0.1."""
    folder = tmp_path_factory.mktemp("pages")
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    pages = []

    def open_page(html, width):
        name = f"page{len(pages)}.html"
        (folder / name).write_text(html, encoding="utf-8")
        page = browser.new_page(viewport={"width": width, "height": 600})
        pages.append(page)
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/{name}", wait_until="load")
        return page

    yield open_page
    for page in pages:
        page.close()
    server.shutdown()
    server.server_close()


def test_layout_checks_find_clipped_equations(scratch_page):
    for width in WIDTHS:
        problems = layout_problems(scratch_page(_CLIPPED_PAGE, width))
        assert len(problems) == 2, problems
        spills, cut = problems
        assert "spills-left" in spills and "starts 300px left of the column" in spills
        assert "cut-right" in cut and "ends 300px right of the column, which does not scroll" in cut
    (overlap,) = layout_problems(scratch_page(_OVERLAP_PAGE, 1400))
    assert "(7)" in overlap and "equation number is drawn over the formula" in overlap
    assert not layout_problems(scratch_page(_OVERLAP_PAGE.replace("150px", "210px"), 1400))
    assert not layout_problems(scratch_page(_WIDE_COLUMN_PAGE, 1400))
    equation, page = layout_problems(scratch_page(_WIDE_COLUMN_PAGE, 390))
    assert "off-screen" in equation and "[0, 500] px leaves the viewport" in equation
    assert page.startswith("the page is 110px wider than the window") and "<article" in page


def test_layout_checks_find_a_stray_dollar(scratch_page):
    problems = layout_problems(scratch_page(_DOLLAR_PAGE, 1400))
    assert problems == [r"literal $ in the text: Proof. $\dot A = -(\nabla E\, A + A\, \nabla E)$."]


def _is_local(url):
    parsed = urlparse(url)
    return parsed.scheme in LOCAL_SCHEMES or parsed.hostname == "127.0.0.1"


def test_no_broken_internal_links_or_anchors(site):
    require_build()
    linkchecker = Path(sys.executable).with_name("linkchecker")
    result = subprocess.run(
        [str(linkchecker), "--config", str(ROOT / "tests" / "linkcheckerrc"), f"{site}/index.html"],
        capture_output=True,
        text=True,
        # A guard against a hang, not a speed test: checking the anchors of the ~730 pages and
        # links is CPU-bound, about 90 s on an idle 2-core machine and several times that while
        # other tests run beside it.
        timeout=900,
    )
    # Exit status 1 means broken links or warnings (e.g. a missing #anchor), 2 a crash.
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
