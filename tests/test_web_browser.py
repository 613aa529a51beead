"""The web page as a person uses it: Debian's chromium, driven by playwright, against a real ``symdiff serve``.

Every answer the page shows is compared with what the command line prints
for the same input (click's runner, in this process), so the page can only
pass by giving the CLI's answers. The element ids are the contract between
the page and these tests (issue 20). Each page also collects its console
errors and uncaught exceptions: any at the end of a test fails it. The one
kind let through is the browser's own network log line for the API's
intended 400 (bad input) and 408 (timed out) answers, which Chromium writes
for every 4xx response and which no script can silence.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
import types
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
import web_server
from click.testing import CliRunner
from numeric import assert_matches_finite_differences
from web_server import ROOT, chromium, missing_browser, serving

from symdiff.cli import main

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture fails, saying what to install
    expect = None
if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, ConsoleMessage, Page


SEED_FORMULA = r"\frac{1}{2}\|\mathbf{A}\mathbf{x}\|^2"
"""Q1 of ../shared/seed/backprop-worksheet.md, f = ½‖Ax‖², as a student types it."""
TYPO = r"\frac{1}{2}\|\mathbf{A}\mathbf{x}\|^{2"
WORKSHEET = ROOT / "worksheets" / "backprop.toml"
SLOW = ("trace(A*A*A*A*A*A*A*A)", "A11", "A=20,20")
"""Formula, --wrt and shapes of a derivation that takes symdiff well over 30 s (tests/test_timeout.py's HEAVY)."""
SERVER_TIMEOUT = "5"
"""The --timeout of the server the slow formula meets: far below its time, far above a small derivation's."""
WAIT_MS = 60_000
"""How long an expectation waits for the page (a busy machine; not a timing test)."""
INTENDED = re.compile(r"Failed to load resource: the server responded with a status of (400|408) ")


def cli(*args: str) -> str:
    """What ``symdiff ARGS`` prints on stdout; it must succeed."""
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def cli_error(*args: str) -> str:
    """What ``symdiff ARGS`` prints on stderr; it must fail with exit status 2."""
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 2, result.output
    return result.stderr


@pytest.fixture(scope="module")
def browser() -> Iterator[BrowserContext]:
    missing = missing_browser()
    if missing:
        pytest.fail(f"{missing}; to run the other tests without a browser: pytest -m 'not browser'")
    with chromium() as context:
        yield context


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with serving() as address:
        yield address


class Console:
    """The errors a page logged (console.error, uncaught exceptions), but for the API's intended 4xx."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def message(self, message: ConsoleMessage) -> None:
        text, kind, where = message.text, message.type, message.location["url"]
        if kind == "error" and not (INTENDED.match(text) and "/api/" in where):
            self.errors.append(f"console.error at {where}: {text}")

    def exception(self, error: object) -> None:
        self.errors.append(f"uncaught: {error}")


def open_page(browser: BrowserContext, address: str, console: Console) -> Page:
    """A new tab on ``address`` whose console errors go to ``console``."""
    expect.set_options(timeout=WAIT_MS)
    page = browser.new_page()
    page.set_default_timeout(WAIT_MS)
    page.on("console", console.message)
    page.on("pageerror", console.exception)
    page.goto(address)
    return page


@pytest.fixture
def page(browser: BrowserContext, url: str) -> Iterator[Page]:
    """The page, fresh; a test fails when the page logged an error (a CSP violation is one)."""
    console = Console()
    tab = open_page(browser, url, console)
    yield tab
    tab.close()
    assert console.errors == []


def derive(page: Page, formula: str, wrt: str, shapes: str | None = None) -> None:
    """Type FORMULA (waiting for the live preview's read, which fills #shapes), WRT and SHAPES, then derive."""
    with page.expect_response(lambda response: "/api/read" in response.url):
        page.fill("#formula", formula)
    page.fill("#wrt", wrt)
    if shapes is not None:
        expect(page.locator("#shapes")).not_to_have_value("")  # the read's shapes are in: ours replace them
        page.fill("#shapes", shapes)
    page.click("#derive")


@pytest.mark.browser
@pytest.mark.slow
def test_the_seed_formula_from_latex_is_rendered_as_the_cli_derives_it(page):
    assert_matches_finite_differences("0.5*norm(A*x)**2", "x")
    derive(page, SEED_FORMULA, "x")
    result = page.locator("#result")
    expect(result).to_have_attribute("data-text", cli("derive", SEED_FORMULA, "--wrt", "x").strip())
    assert result.get_attribute("data-text") == "A.T*A*x"
    rendered = result.locator(".katex-html")
    expect(rendered).to_have_count(1)
    assert re.sub(r"\s", "", rendered.inner_text()).endswith("A⊤Ax")  # KaTeX's \mathbf{A}^\top \mathbf{A} \mathbf{x}
    expect(page.locator("#preview .katex-html").first).to_be_visible()
    expect(page.locator("#derive-error")).to_be_hidden()


@pytest.mark.browser
@pytest.mark.slow
def test_steps_with_values_show_the_chain_rule_and_the_backprop_tables(page):
    program, at = "b = A*x; f = 0.5*norm(b)^2", "A=[[1, 2], [3, 4]], x=[1, -1]"
    page.check("#steps")
    page.fill("#at", at)
    derive(page, program, "A")
    expect(page.locator("#derive-steps li")).not_to_have_count(0)
    tables = page.locator("#derive-backprop table")
    expect(tables).to_have_count(2)
    printed = json.loads(cli("backprop", program, "--at", at, "--wrt", "A", "--format", "json"))
    forward, gradients = (table.locator("td").all_inner_texts() for table in tables.all())
    assert forward == ["b", "f", "[-1,-1]", "1"] and printed["forward"] == {"b": [-1.0, -1.0], "f": 1.0}
    assert gradients == ["A", "[[-1,1],[-1,1]]"] and printed["gradients"]["A"] == [[-1.0, 1.0], [-1.0, 1.0]]


@pytest.mark.browser
@pytest.mark.slow
def test_a_typo_shows_the_cli_caret_message_and_a_fix_clears_it(page):
    expect(page.locator("#derive-error")).to_be_hidden()
    derive(page, TYPO, "x")
    error = page.locator("#derive-error")
    expect(error).to_be_visible()
    message = page.locator("pre#derive-error, #derive-error pre")  # the caret message keeps its columns in a <pre>
    expect(message).to_contain_text("unbalanced brace: '{' is never closed")
    shown = message.inner_text().splitlines()
    printed = cli_error("derive", TYPO, "--wrt", "x").splitlines()
    assert printed[0] == "symdiff: error: unbalanced brace: '{' is never closed"
    assert caret_column(shown, TYPO) == caret_column(printed, TYPO)

    derive(page, SEED_FORMULA, "x")
    expect(page.locator("#result")).to_have_attribute("data-text", "A.T*A*x")
    expect(error).to_be_hidden()


def caret_column(lines: list[str], formula: str) -> int:
    """Where the caret points in ``formula``: the '^' on the line under the formula's line."""
    at = next(number for number, line in enumerate(lines) if formula in line)
    return lines[at + 1].index("^") - lines[at].index(formula)


@pytest.mark.browser
@pytest.mark.slow
def test_the_seeds_q1_d_i_options_get_the_cli_verdicts_and_reasons(page):
    group = next(group for group in tomllib.loads(WORKSHEET.read_text())["group"] if group["id"] == "1.d")
    question = next(question for question in group["question"] if question["id"] == "1.d.i")
    formula, wrt, options = group["context"]["definitions"][0], question["wrt"], question["options"]
    printed = json.loads(cli("check", formula, "--wrt", wrt, "--format", "json",
                             *[arg for option in options for arg in ("--option", option)]))
    assert [option["verdict"] for option in printed["options"]] == [
        "not equivalent", "equivalent", "not equivalent", "not equivalent", "not equivalent"]

    page.fill("#check-question", formula)
    page.fill("#check-wrt", wrt)
    page.fill("#check-options", "\n".join(options))
    page.click("#check")
    verdicts = page.locator("#verdicts li.verdict")
    expect(verdicts).to_have_count(len(options))
    for item, expected in zip(verdicts.all(), printed["options"]):
        assert item.get_attribute("data-verdict") == expected["verdict"]
        assert expected["why"] in item.inner_text()
    expect(page.locator("#check-error")).to_be_hidden()


@pytest.mark.browser
@pytest.mark.slow
def test_an_uploaded_worksheet_gets_the_cli_json_keys_answers(page):
    key = json.loads(cli("solve", str(WORKSHEET), "--format", "json"))
    page.set_input_files("#worksheet-file", str(WORKSHEET))
    page.wait_for_function(  # the page may solve on upload, or load the file into #worksheet-text for #solve
        "document.querySelector('#key section.question') !== null"
        " || document.querySelector('#worksheet-text').value.length > 0",
        timeout=WAIT_MS,
    )
    if page.locator("#key section.question").count() == 0:
        page.click("#solve")
    sections = page.locator("#key section.question")
    expect(sections).to_have_count(len(key["questions"]))
    assert [section.get_attribute("data-id") for section in sections.all()] == [q["id"] for q in key["questions"]]
    answers = {q["id"]: q["answer"] for q in key["questions"] if "answer" in q}
    assert len(answers) == 9  # the choice questions; forward, backprop and blanks tables have no one answer
    for question_id, answer in answers.items():
        assert page.locator(f'#key section.question[data-id="{question_id}"]').get_attribute("data-answer") == answer
    for download in ("#download-latex", "#download-pdf", "#download-markdown", "#download-json"):
        expect(page.locator(download)).to_be_visible()
    expect(page.locator("#worksheet-error")).to_be_hidden()


@pytest.mark.browser
@pytest.mark.slow
def test_a_derivation_over_the_servers_timeout_leaves_the_page_and_the_server_usable(browser):
    console = Console()
    with serving("--timeout", SERVER_TIMEOUT) as address:
        stuck, other = open_page(browser, address, console), open_page(browser, address, console)
        derive(stuck, *SLOW)
        derive(other, "x.T*x", "x")  # another user, while the slow one runs
        expect(other.locator("#result")).to_have_attribute("data-text", "2*x")
        error = stuck.locator("#derive-error")
        expect(error).to_be_visible()
        expect(error).to_contain_text(f"gave up after {SERVER_TIMEOUT} s")
        derive(stuck, "x.T*x", "x")
        expect(stuck.locator("#result")).to_have_attribute("data-text", "2*x")
        expect(error).to_be_hidden()
    assert console.errors == []


@pytest.mark.browser
@pytest.mark.slow
def test_tab_reaches_every_control_and_ctrl_enter_in_the_formula_derives(page):
    controls = ["formula", "wrt", "shapes", "symmetric", "layout", "steps", "derive",
                "check-question", "check-wrt", "check-options", "check",
                "worksheet-file", "worksheet-text", "solve"]
    reached = []
    for _ in range(100):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.id")
        reached.append(focused)
        if focused == "derive":
            outline = page.evaluate("(s => [s.outlineStyle, s.boxShadow])(getComputedStyle(document.activeElement))")
            assert outline != ["none", "none"], "no visible focus on #derive"
        if set(controls) <= set(reached):
            break
    assert set(controls) <= set(reached), f"Tab never reached {sorted(set(controls) - set(reached))}"

    page.fill("#wrt", "x")
    with page.expect_response(lambda response: "/api/read" in response.url):
        page.fill("#formula", SEED_FORMULA)
    page.focus("#formula")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#result")).to_have_attribute("data-text", "A.T*A*x")


def test_a_server_that_does_not_start_is_reported_with_its_error():
    printed = r"did not print 'symdiff serve: http://HOST:PORT/' first; it printed '', exit status 2, stderr:\nUsage: "
    with pytest.raises(RuntimeError, match=printed), serving("--port", "not-a-port"):
        pass


def test_a_missing_browser_is_reported_with_what_to_install(monkeypatch):
    for name in ("playwright", "playwright.sync_api"):  # stand-ins, so that the test needs no playwright
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setattr(web_server.shutil, "which", lambda _: None)
    assert missing_browser() == "/usr/bin/chromium is missing: apt-get install chromium (make test installs it as root)"
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)
    assert missing_browser() == "playwright (Python) is not installed: pip install -e '.[test]' (make test installs it)"


@pytest.mark.browser
@pytest.mark.slow
def test_at_a_phone_width_the_page_does_not_scroll_sideways(page):
    page.set_viewport_size({"width": 390, "height": 844})
    derive(page, SEED_FORMULA, "x")
    expect(page.locator("#result")).to_have_attribute("data-text", "A.T*A*x")
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide in a {widths[1]} px window"
