"""A student's session in JupyterLab (`make lab`): open a chapter, run it, move its explorer.

JupyterLab is started the way `make lab` starts it (tools/lab.py: jupytext's notebook view is the
default viewer of `.md` files), headless, on a free port of 127.0.0.1 with a token, at
QL_SCALE=quick, on a temporary folder holding a copy of one chapter's `.md` (so nothing is
written into notebooks/, and no stored outputs are shown; qlcore still finds its shipped results
from its own location). Headless Chromium (Debian's /usr/bin/chromium via playwright, as in
tests/test_book.py) double-clicks the chapter in the file browser, checks that it opened as a
notebook and not as text, runs the cells the explorer needs (parameters, imports, the explorer),
drags the explorer's slider and checks that the frame shown changes. Needs no book build.

The chapter is the one whose explorer is cheapest to build at quick scale: chapter 7's
`linear_widgets.saddle_explorer()`, three frames in about 4 s.
"""

import importlib.util
import os
import re
import secrets
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.book

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = "07_beyond_quadratic.md"
PARAMETERS = 'SCALE = "paper"'  # text of the parameters cell
IMPORTS = "from qlcore.viz import linear_widgets"  # text of the cell of imports
EXPLORER = "linear_widgets.saddle_explorer()"  # the explorer cell (its whole text)
STARTUP_S = 120  # generous: the machine may be busy with other tests
RUN_S = 180


def _lab_module():
    """tools/lab.py, which `make lab` runs."""
    spec = importlib.util.spec_from_file_location("qlcore_tools_lab", ROOT / "tools" / "lab.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(server, log):
    """Stop JupyterLab (it shuts its kernels down on SIGTERM), then anything left of it."""
    import psutil

    try:
        family = psutil.Process(server.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        family = []
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
    for process in family:  # kernels the server started, if it could not stop them
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(family, timeout=10)
    log.close()


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory):
    """(base URL, token, folder served) of a JupyterLab started like `make lab`, on a
    temporary folder holding a copy of the chapter."""
    home = tmp_path_factory.mktemp("lab")
    folder = home / "notebooks"
    folder.mkdir()
    shutil.copy(ROOT / "notebooks" / CHAPTER, folder / CHAPTER)
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(
        os.environ,
        QL_SCALE="quick",
        TQDM_DISABLE="1",
        QLCORE_CACHE=str(home / "cache"),
        # JupyterLab's own state (server info, settings, workspaces) stays in the temporary folder
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTER_CONFIG_DIR=str(home / "config"),
    )
    env.pop("QLCORE_SCHEDULER", None)
    command = _lab_module().lab_command(
        folder,
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--LabApp.user_settings_dir={home / 'user-settings'}",
        f"--LabApp.workspaces_dir={home / 'workspaces'}",
    )
    log = open(home / "lab.log", "w")  # closed by _stop
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=home)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_S
        while True:
            assert server.poll() is None, "JupyterLab exited:\n" + (home / "lab.log").read_text()
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"JupyterLab did not answer within {STARTUP_S} s"
            time.sleep(0.5)
        yield url, token, folder
    finally:
        _stop(server, log)


NOT_RUN = re.compile(r"^\s*\[\s*\]:\s*$")  # the prompt of a cell never run: "[ ]:"
DONE = re.compile(r"^\s*\[\d+\]:\s*$")  # of a cell run: "[3]:" ("[*]:" while it runs)


def _accept_dialogs(page):
    """Accept any JupyterLab dialog that has opened (on a busy machine, e.g. the kernel choice of
    a notebook whose kernel is slow to start), as a student would click its default button; a
    dialog left open takes every click, so the cell could not be run. The checks that follow
    still require the kernel's output."""
    dialog = page.locator(".jp-Dialog:visible")
    for _ in range(3):
        if dialog.count() == 0:
            return
        dialog.first.locator(".jp-Dialog-button.jp-mod-accept").first.click()
        page.wait_for_timeout(500)


def _run_cell(page, cell):
    """Click into ``cell``'s editor and press Shift+Enter, as a student runs a cell; again if
    the keystroke was lost (its prompt still reads "[ ]:"), as it can be on a busy machine."""
    from playwright.sync_api import expect

    prompt = cell.locator(".jp-InputPrompt")
    for _ in range(3):
        _accept_dialogs(page)
        cell.scroll_into_view_if_needed()
        cell.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")
        try:
            expect(prompt).not_to_have_text(NOT_RUN, timeout=20_000)
            return
        except AssertionError:
            pass
    raise AssertionError(f"the cell did not start running: {cell.inner_text()[:200]!r}")


def _drag_to_the_end(page, slider):
    """Drag ``slider``'s handle (noUiSlider, as ipywidgets draws it) past its right end."""
    slider.scroll_into_view_if_needed()
    handle = slider.locator(".noUi-handle").first.bounding_box()
    track = slider.bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(track["x"] + track["width"] + 20, track["y"] + track["height"] / 2, steps=8)
    page.mouse.up()


def test_chapter_opens_as_a_notebook_and_its_explorer_responds(lab_server, browser):
    url, token, folder = lab_server
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        _student_session(page, url, token)
    except AssertionError as error:
        log = (folder.parent / "lab.log").read_text(errors="replace")[-4000:]
        raise AssertionError(f"{error}\n--- end of JupyterLab's log ---\n{log}") from error
    finally:
        page.close()
    assert not errors, f"uncaught errors in JupyterLab: {errors}"


def _student_session(page, url, token):
    from playwright.sync_api import expect

    page.goto(f"{url}/lab?token={token}", wait_until="load")
    item = page.locator(".jp-DirListing-item", has_text=CHAPTER)
    expect(item).to_be_visible(timeout=STARTUP_S * 1000)
    item.dblclick()

    # A notebook (cells, a kernel), not the text editor.
    panel = page.locator(".jp-NotebookPanel:visible")
    expect(panel).to_have_count(1, timeout=60_000)
    expect(page.locator(".jp-FileEditor:visible")).to_have_count(0)
    tab = page.locator(".lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel")
    expect(tab.filter(has_text=CHAPTER)).to_have_count(1)
    cells = panel.locator(".jp-Cell")
    # The chapter's dozens of cells (a text editor has none; they render in batches).
    expect(cells.nth(20)).to_be_attached(timeout=60_000)
    expect(panel.locator(".jp-MarkdownCell").first).to_be_attached()
    status = panel.locator(".jp-Notebook-ExecutionIndicator")
    expect(status).to_have_attribute("data-status", "idle", timeout=STARTUP_S * 1000)

    code = panel.locator(".jp-CodeCell")
    parameters = code.filter(has_text=PARAMETERS).first
    _run_cell(page, parameters)
    expect(parameters.locator(".jp-InputPrompt")).to_have_text(DONE, timeout=RUN_S * 1000)
    imports = code.filter(has_text=IMPORTS).first
    _run_cell(page, imports)
    expect(imports.locator(".jp-InputPrompt")).to_have_text(DONE, timeout=RUN_S * 1000)
    # The kernel runs at the scale JupyterLab was started with.
    expect(imports.locator(".jp-OutputArea")).to_contain_text("scale: quick")
    whole = re.compile(r"^\s*" + re.escape(EXPLORER) + r"\s*$")
    explorer = code.filter(has=page.locator(".cm-content", has_text=whole)).first
    _run_cell(page, explorer)
    expect(explorer.locator(".jp-InputPrompt")).to_have_text(DONE, timeout=RUN_S * 1000)

    output = explorer.locator(".jp-OutputArea")
    slider = output.locator(".widget-slider .noUi-target")
    expect(slider).to_have_count(1, timeout=60_000)
    expect(slider).to_be_visible()
    frame = output.locator(".widget-html img:visible")  # the frame shown (the others are hidden)
    expect(frame).to_have_count(1, timeout=60_000)
    label = output.locator(".widget-label:visible").filter(has_text="J = ")
    expect(label).to_have_count(1)
    first_src, first_label = frame.get_attribute("src"), label.inner_text()
    assert first_src.startswith("data:image/png;base64,")

    _drag_to_the_end(page, slider)
    expect(frame).to_have_count(1)
    expect(frame).not_to_have_attribute("src", first_src, timeout=20_000)
    assert frame.get_attribute("src").startswith("data:image/png;base64,")
    expect(label).not_to_have_text(first_label)
