"""``symdiff serve``'s JSON API, through Starlette's TestClient and a real server: answers equal the command line's.

The app runs as ``symdiff serve`` runs it, with real worker processes: every endpoint, errors with their caret,
line and column, the bounds (413, 408 and a worker killed when stuck), the Content-Security-Policy, and
payloads that would run Python if anything evaluated them. The browser tests are webtest's (tests/test_web_page.py).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
import warnings
from html.parser import HTMLParser
from pathlib import Path

import httpx
import numpy as np
import pytest
from click.testing import CliRunner
from numeric import assert_matches_finite_differences

from symdiff.cli import main
from symdiff.web.app import CSP, MAX_BODY_BYTES, create_app
from symdiff.web.katex import katex_dir
from symdiff.web.workers import GRACE_SECONDS, Workers

with warnings.catch_warnings():  # Starlette 1.x asks for httpx2 in its TestClient; httpx still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

ROOT = Path(__file__).parent.parent
SEED_LATEX = r"\frac{1}{2}\|\mathbf{Ax}\|^2"
PROGRAM = "b = A*x; f = 0.5*norm(b)^2"
SLOW_FORMULA = {"formula": "trace(X^8)", "wrt": "X11", "shapes": {"X": "8,8"}}
"""Takes far longer than a second (a concrete 8×8 matrix to the 8th power, written out)."""


@pytest.fixture(scope="module")
def client():
    workers = Workers(2, 60)
    with TestClient(create_app(workers, katex_dir())) as client:
        yield client
    workers.close()


def cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), prog_name="symdiff")
    assert result.exit_code == 0, result.output
    return result.output


def error_of(response: httpx.Response, status: int = 400) -> dict:
    assert response.status_code == status, response.text
    return response.json()["error"]


# --- /api/read ---------------------------------------------------------------------------------------------------


def test_read_shows_what_symdiff_read_and_the_inferred_shapes(client):
    reply = client.post("/api/read", json={"formula": SEED_LATEX, "input": "auto"}).json()
    assert reply == {
        "text": "norm(A*x)^2/2",
        "latex": r"\frac{\|\mathbf{A} \mathbf{x}\|^{2}}{2}",
        "shapes": {"A": "n×d", "x": "d"},
    }


def test_read_takes_declared_shapes(client):
    reply = client.post("/api/read", json={"formula": "x.T*A*x", "shapes": {"A": "2,2", "x": "2", "c": "scalar"}})
    assert reply.json()["shapes"] == {"A": "2×2", "x": "2", "c": "scalar"}


def test_read_of_a_program_shows_each_definition(client):
    reply = client.post("/api/read", json={"formula": PROGRAM}).json()
    assert reply["text"] == "b = A*x; f = norm(b)^2/2"
    assert reply["latex"].startswith(r"\begin{aligned}\mathbf{b} &= \mathbf{A} \mathbf{x} \\ f &=")
    assert reply["shapes"] == {"A": "n×d", "x": "d"}


def test_read_places_samples(client):
    request = {"formula": r"\sum_i (\mathbf{x}_i^\top \mathbf{w})^2", "samples": {"x": "X:cols"}}
    rows = client.post("/api/read", json={**request, "samples": {}}).json()
    cols = client.post("/api/read", json=request).json()
    assert rows["text"] != cols["text"]
    assert "X.T" in cols["text"] or "X.T" in rows["text"]


# --- /api/derive -------------------------------------------------------------------------------------------------


def test_derive_gives_what_the_cli_gives_and_it_matches_finite_differences(client):
    reply = client.post("/api/derive", json={"formula": SEED_LATEX, "wrt": "x"}).json()
    checked = assert_matches_finite_differences("0.5*norm(A*x)^2", "x")
    assert reply["text"] == checked.text == "A.T*A*x"
    assert json.loads(cli("derive", SEED_LATEX, "--wrt", "x", "--format", "json"))["latex"] == reply["latex"]
    assert reply["code"]["numpy"] == cli("derive", SEED_LATEX, "--wrt", "x", "--format", "numpy")
    assert reply["shapes"] == {"A": "n×d", "x": "d"}
    assert "steps" not in reply


def test_derive_repeated_wrt_layout_and_symmetric(client):
    hessian = client.post("/api/derive", json={"formula": "x.T*A*x", "wrt": ["x", "x"]}).json()
    assert hessian["text"] == assert_matches_finite_differences("x.T*A*x", ["x", "x"]).text == "A + A.T"
    row = client.post("/api/derive", json={"formula": "x.T*A*x", "wrt": "x", "layout": "numerator"}).json()
    assert row["text"] == cli("derive", "x.T*A*x", "--wrt", "x", "--layout", "numerator").strip()
    symmetric = client.post("/api/derive", json={"formula": "a.T*S*b", "wrt": "S", "symmetric": ["S"]}).json()
    assert symmetric["text"] == cli("derive", "a.T*S*b", "--wrt", "S", "--symmetric", "S").strip()
    assert symmetric["text"] != client.post("/api/derive", json={"formula": "a.T*S*b", "wrt": "S"}).json()["text"]


def test_derive_components_with_declared_shapes(client):
    reply = client.post(
        "/api/derive", json={"formula": "0.5*norm(A*x)^2", "wrt": "A11,A12", "shapes": {"A": "2,2", "x": "2"}}
    )
    expected = cli("derive", "0.5*norm(A*x)^2", "--wrt", "A11,A12", "--shape", "A=2,2", "--shape", "x=2").strip()
    assert reply.json()["text"] == expected


def test_derive_a_program_with_steps_and_values(client):
    request = {"formula": PROGRAM, "wrt": "A", "steps": True}
    reply = client.post("/api/derive", json=request).json()
    assert reply["text"] == cli("derive", PROGRAM, "--wrt", "A").strip() == "b*x.T"
    steps = json.loads(cli("derive", PROGRAM, "--wrt", "A", "--steps", "--format", "json"))
    assert reply["steps"] == [{"text": step["text"], "latex": step["latex"]} for step in steps]
    small = {
        "formula": PROGRAM,
        "wrt": "A11",
        "shapes": {"A": "2,2", "x": "2"},
        "steps": True,
        "at": "A=[[1, 2], [3, 4]], x=[1, -1]",
    }
    numbers = client.post("/api/derive", json=small).json()["steps"]
    args = ["derive", PROGRAM, "--wrt", "A11", "--shape", "A=2,2", "--shape", "x=2", "--steps", "--at", small["at"]]
    assert [step["text"] for step in numbers] == [step["text"] for step in json.loads(cli(*args, "--format", "json"))]


def test_derive_with_values_gives_both_passes_as_backprop_does(client):
    at = "A=[[1, 2], [3, 4]], x=[1, -1]"
    reply = client.post("/api/derive", json={"formula": PROGRAM, "wrt": "A", "steps": True, "at": at}).json()
    printed = json.loads(cli("backprop", PROGRAM, "--at", at, "--wrt", "A", "--format", "json"))
    assert reply["backprop"] == {"forward": printed["forward"], "gradients": printed["gradients"]}
    b = np.array([[1, 2], [3, 4]]) @ np.array([1, -1])
    assert np.allclose(reply["backprop"]["gradients"]["A"], np.outer(b, [1, -1]))  # b*x.T, as derived
    without = client.post("/api/derive", json={"formula": PROGRAM, "wrt": "A", "steps": True}).json()
    assert "backprop" not in without


# --- errors --------------------------------------------------------------------------------------------------------


def test_a_typo_is_a_400_with_the_caret_as_the_cli_prints_it(client):
    error = error_of(client.post("/api/derive", json={"formula": "0.5*norm(A*x)^^2", "wrt": "x"}))
    printed = CliRunner().invoke(main, ["derive", "0.5*norm(A*x)^^2", "--wrt", "x"]).output
    assert (
        printed == "symdiff: error: " + "\n".join([error["message"], error["caret"], "  hint: " + error["hint"]]) + "\n"
    )
    assert error["caret"] == "  0.5*norm(A*x)^^2\n                ^"
    assert (error["line"], error["column"]) == (1, 15)


def test_an_error_on_the_second_line_of_a_program_has_its_line(client):
    error = error_of(client.post("/api/read", json={"formula": "b = A*x\nf = 0.5*norm(b))^2"}))
    assert error["line"] == 2
    assert error["caret"].splitlines()[0] == "  f = 0.5*norm(b))^2"


def test_a_bad_shape_points_into_the_shape(client):
    error = error_of(client.post("/api/derive", json={"formula": "x.T*x", "wrt": "x", "shapes": {"x": "n,?"}}))
    assert error["message"] == "bad dimension '?' in --shape"
    assert error["caret"] == "  x=n,?\n      ^"


def test_values_go_with_steps(client):
    error = error_of(client.post("/api/derive", json={"formula": PROGRAM, "wrt": "A", "at": "x=[1, 2]"}))
    assert error["message"] == "values (at) go with steps"


def test_an_unknown_variable_is_named(client):
    error = error_of(client.post("/api/derive", json={"formula": "x.T*x", "wrt": "y"}))
    assert "'y'" in error["message"]
    assert error["line"] is None and error["caret"] == ""


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b"\xff\xfe",
        b"[" * 100_000 + b"]" * 100_000,
        json.dumps({"formula": 1, "wrt": "x"}).encode(),
        json.dumps({"formula": "x^2", "wrt": 3}).encode(),
        json.dumps({"formula": "x^2", "wrt": "x", "shapes": ["x"]}).encode(),
        json.dumps({"formula": "x^2", "wrt": "x", "shapes": {"x": 2}}).encode(),
        json.dumps({"formula": "x^2", "wrt": "x", "layout": "diagonal"}).encode(),
        json.dumps({"formula": "x^2", "wrt": "x", "input": "python"}).encode(),
        json.dumps({"formula": "x^2", "wrt": "x", "steps": "yes"}).encode(),
        json.dumps({"formula": "x" * 10_001, "wrt": "x"}).encode(),
        json.dumps({"question": "x^2", "wrt": "x", "options": "2*x"}).encode(),
    ],
)
@pytest.mark.parametrize("endpoint", ["derive", "check"])
def test_bad_requests_are_400_with_a_message(client, endpoint, body):
    error = error_of(client.post(f"/api/{endpoint}", content=body))
    assert error["message"] and set(error) == {"message", "caret", "line", "column", "hint"}


def test_a_body_over_the_bound_is_413(client):
    error = error_of(client.post("/api/derive", content=b"x" * (MAX_BODY_BYTES + 1)), 413)
    assert "bytes" in error["message"]
    assert client.post("/api/derive", json={"formula": "x^2", "wrt": "x"}).status_code == 200


def test_unknown_paths_and_methods(client):
    assert client.get("/api/derive").status_code == 405
    assert client.post("/api/nothing", json={}).status_code == 404
    assert client.get("/static/../jobs.py").status_code == 404


# --- /api/check ------------------------------------------------------------------------------------------------------

OPTIONS = [r"\mathbf{x}^\top \mathbf{A}^\top \mathbf{Ax}", r"\mathbf{Axx}^\top", r"\mathbf{A}", r"\mathbf{A}("]


def test_check_gives_each_verdict_and_reason_as_the_cli(client):
    request = {"question": SEED_LATEX, "wrt": "A", "options": OPTIONS, "shapes": {}, "input": "auto"}
    reply = client.post("/api/check", json=request).json()
    args = ["check", SEED_LATEX, "--wrt", "A", *(f"--option={option}" for option in OPTIONS), "--format", "json"]
    printed = json.loads(CliRunner().invoke(main, args).stdout)
    assert [o["verdict"] for o in reply["options"]] == ["not equivalent", "equivalent", "not equivalent", "unreadable"]
    assert [o["verdict"] for o in reply["options"]] == [o["verdict"] for o in printed["options"]]
    assert [o["option"] for o in reply["options"]] == OPTIONS
    assert reply["options"][0]["reason"] == printed["options"][0]["why"]
    assert reply["options"][3]["reason"] == printed["options"][3]["error"]
    assert reply["answer"]["text"] == printed["answer"]["text"] == "A*x*x.T"
    assert reply["correct"] == [2]


def test_check_a_program_by_a_tuple_of_partials(client):
    request = {
        "question": PROGRAM,
        "wrt": "A11,A12",
        "options": ["(x1*b1, x2*b1)", "(x1*b2, x2*b2)"],
        "shapes": {"A": "2,2", "x": "2"},
    }
    reply = client.post("/api/check", json=request).json()
    assert [o["verdict"] for o in reply["options"]] == ["equivalent", "not equivalent"]


# --- /api/worksheet ----------------------------------------------------------------------------------------------------


def test_worksheet_key_is_the_clis_key(client):
    path = ROOT / "worksheets" / "quadratic.toml"
    reply = client.post("/api/worksheet", json={"toml": path.read_text(encoding="utf-8")}).json()
    assert reply["key"] == json.loads(cli("solve", str(path), "--format", "json"))
    assert reply["latex"] == cli("solve", str(path), "--format", "latex")
    assert reply["markdown"] == cli("solve", str(path), "--format", "markdown")
    assert reply["pdf"] is (shutil.which("pdflatex") is not None)


@pytest.mark.slow
def test_the_backprop_worksheets_answers_are_the_clis(client):
    path = ROOT / "worksheets" / "backprop.toml"
    reply = client.post("/api/worksheet", json={"toml": path.read_text(encoding="utf-8")}).json()
    assert reply["key"] == json.loads(cli("solve", str(path), "--format", "json"))


def test_a_worksheet_error_points_at_its_line(client):
    text = (ROOT / "worksheets" / "quadratic.toml").read_text(encoding="utf-8")
    broken = text.replace('wrt = "x"', 'wrt = "y"', 1)
    error = error_of(client.post("/api/worksheet", json={"toml": broken}))
    line = broken.splitlines().index('wrt = "y"') + 1
    assert error["message"].startswith(f"worksheet.toml:{line}: question 1.a: field 'wrt': ")
    assert error["line"] == line


def test_a_toml_syntax_error_has_line_and_column(client):
    error = error_of(client.post("/api/worksheet", json={"toml": 'title = "t"\n[[group]\n'}))
    assert "not valid TOML" in error["message"]
    assert (error["line"], error["column"]) == (2, 8)


@pytest.mark.slow
def test_the_pdf_key_compiles(client, tmp_path):
    if shutil.which("pdflatex") is None:
        if os.environ.get("CI"):
            pytest.fail("pdflatex is missing on CI (make test installs texlive-latex-base)")
        pytest.skip("pdflatex is not installed")
    text = (ROOT / "worksheets" / "quadratic.toml").read_text(encoding="utf-8")
    response = client.post("/api/worksheet/pdf", json={"toml": text})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    (tmp_path / "key.pdf").write_bytes(response.content)
    read = subprocess.run(["pdftotext", str(tmp_path / "key.pdf"), "-"], capture_output=True, text=True, check=True)
    assert "A quadratic form and a neuron" in read.stdout


# --- timeouts and workers ----------------------------------------------------------------------------------------------


def test_a_formula_that_times_out_is_408_and_others_are_served_meanwhile():
    workers = Workers(2, 2.0)
    app = create_app(workers, None)
    finished: list[str] = []

    async def post(name: str, request: dict, http: httpx.AsyncClient) -> httpx.Response:
        response = await http.post("/api/derive", json=request)
        finished.append(name)
        return response

    async def both() -> tuple[httpx.Response, httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
            slow = asyncio.create_task(post("slow", SLOW_FORMULA, http))
            await asyncio.sleep(0.1)
            quick = await post("quick", {"formula": "x^2", "wrt": "x"}, http)
            return await slow, quick

    try:
        slow, quick = asyncio.run(both())
    finally:
        workers.close()
    assert error_of(slow, 408)["message"] == "gave up after 2 s"
    assert quick.json()["text"] == "2*x"
    assert finished == ["quick", "slow"]


@pytest.mark.slow
def test_a_stuck_worker_is_killed_and_replaced():
    """A worker that does not answer (stopped here by SIGSTOP, as if stuck where Python cannot interrupt it)."""
    workers = Workers(1, 2.0)
    try:
        with TestClient(create_app(workers, None)) as http:
            assert http.post("/api/derive", json={"formula": "x^2", "wrt": "x"}).status_code == 200
            stuck = workers._workers[0].process
            os.kill(stuck.pid, signal.SIGSTOP)
            error = error_of(http.post("/api/derive", json={"formula": "x^3", "wrt": "x"}), 408)
            assert error["message"] == "gave up after 2 s"
            assert not stuck.is_alive()
            assert http.post("/api/derive", json={"formula": "x^3", "wrt": "x"}).json()["text"] == "3*x^2"
    finally:
        workers.close()
    assert GRACE_SECONDS > 0


def test_a_worker_killed_mid_request_is_a_503_and_replaced():
    workers = Workers(1, 60)
    try:
        with TestClient(create_app(workers, None)) as http:
            assert http.post("/api/derive", json={"formula": "x^2", "wrt": "x"}).status_code == 200
            os.kill(workers._workers[0].process.pid, signal.SIGKILL)
            error = error_of(http.post("/api/derive", json={"formula": "x^3", "wrt": "x"}), 503)
            assert error["message"] == "the worker running this request stopped"
            assert http.post("/api/derive", json={"formula": "x^3", "wrt": "x"}).json()["text"] == "3*x^2"
    finally:
        workers.close()


# --- the page and its headers --------------------------------------------------------------------------------------------


class _Inline(HTMLParser):
    """Finds what the CSP forbids in a page: inline scripts and styles, event handler attributes, other origins."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        named = dict(attrs)
        if "id" in named:
            self.ids.add(named["id"])
        if tag == "script" and not named.get("src"):
            self.found.append("inline script")
        if tag == "style" or "style" in named:
            self.found.append("inline style")
        self.found += [f"handler {name}" for name in named if name.startswith("on")]
        self.found += [
            f"{name}={value}" for name, value in attrs if name in ("src", "href") and value and "//" in value
        ]


CONTRACT_IDS = {
    *("formula", "preview", "wrt", "shapes", "symmetric", "layout", "steps", "derive", "result"),
    *("copy-text", "copy-latex", "copy-numpy", "derive-error"),
    *("check-question", "check-wrt", "check-options", "check", "verdicts", "check-error"),
    *("worksheet-file", "worksheet-text", "solve", "key", "worksheet-error"),
    *("download-latex", "download-pdf", "download-markdown", "download-json"),
}


def test_the_page_has_the_csp_no_inline_code_and_every_control_labelled(client):
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == CSP
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP
    found = _Inline()
    found.feed(page.text)
    assert found.found == []
    assert found.ids >= CONTRACT_IDS
    labelled = set(re.findall(r'<label for="([^"]+)"', page.text)) | set(
        re.findall(r'<label class="check"><input id="([^"]+)"', page.text)
    )
    controls = set(re.findall(r'<(?:input|textarea|select) id="([^"]+)"', page.text))
    assert controls <= labelled


@pytest.mark.parametrize("path", ["/static/app.js", "/static/app.css"])
def test_static_files_carry_the_csp(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["x-content-type-options"] == "nosniff"


def test_api_replies_carry_the_csp(client):
    for response in (client.post("/api/read", json={"formula": "x"}), client.post("/api/read", json={"formula": "("})):
        assert response.headers["content-security-policy"] == CSP


def test_katex_is_served_from_the_package_when_found(client, tmp_path, monkeypatch):
    monkeypatch.setenv("SYMDIFF_KATEX_DIR", str(tmp_path))
    (tmp_path / "katex.min.js").write_text("// katex\n")
    (tmp_path / "katex.min.css").write_text("/* katex */\n")
    assert katex_dir() == tmp_path.resolve()
    workers = Workers(1, 5)
    try:
        with TestClient(create_app(workers, tmp_path)) as http:
            assert '<script src="/static/katex/katex.min.js" defer></script>' in http.get("/").text
            assert http.get("/static/katex/katex.min.js").text == "// katex\n"
        with TestClient(create_app(workers, None)) as http:
            assert "katex" not in http.get("/").text
            assert http.get("/static/katex/katex.min.js").status_code == 404
    finally:
        workers.close()


@pytest.mark.skipif(not Path("/usr/share/javascript/katex/katex.min.js").is_file(), reason="libjs-katex not installed")
def test_debians_katex_fonts_are_served_through_their_symlinks(client, monkeypatch):
    monkeypatch.delenv("SYMDIFF_KATEX_DIR", raising=False)
    assert client.get("/static/katex/fonts/KaTeX_Main-Regular.woff2").status_code == 200


# --- nothing is evaluated ----------------------------------------------------------------------------------------------


def test_payloads_are_read_never_run(client, tmp_path):
    marker = tmp_path / "ran"
    code = f"__import__('os').system('touch {marker}')"
    texts = [code, f"(lambda: {code})()", f"x={code}", f"[{code}]"]
    for text in texts:
        requests = {
            "read": [
                {"formula": text},
                {"formula": "x", "shapes": {"x": text}},
                {"formula": "x", "samples": {"x": text}},
            ],
            "derive": [
                {"formula": text, "wrt": "x"},
                {"formula": "x^2", "wrt": text},
                {"formula": "a.T*S*b", "wrt": "S", "symmetric": [text]},
                {"formula": PROGRAM, "wrt": "A", "steps": True, "at": text},
            ],
            "check": [
                {"question": "x^2", "wrt": "x", "options": [text]},
                {"question": text, "wrt": "x", "options": ["1"]},
            ],
            "worksheet": [
                {"toml": f"title = 't'\n[[group]]\nid = '1'\n[group.context]\ndefinitions = [\"f = {text}\"]\n"}
            ],
        }
        for endpoint, bodies in requests.items():
            for body in bodies:
                response = client.post(f"/api/{endpoint}", json=body)
                assert response.status_code in (200, 400), (endpoint, body, response.text)
                if endpoint != "check":
                    assert response.status_code == 400, (endpoint, body)
    assert not marker.exists()


# --- symdiff serve ---------------------------------------------------------------------------------------------------------


def test_serve_help():
    printed = cli("serve", "--help")
    for option in ("--host", "--port", "--open", "--timeout"):
        assert option in printed
    assert "127.0.0.1" in printed
    assert "serve" in cli("--help")


def test_serve_refuses_a_port_in_use():
    with __import__("socket").socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port)])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.output


@pytest.mark.slow
def test_serve_prints_its_address_first_warns_off_loopback_and_stops_on_sigterm(tmp_path):
    """A real server: no pdflatex on its PATH (the PDF key is a 501), bound to every interface (a loud warning),
    opening its page in $BROWSER (here a command writing down the address)."""
    opened = tmp_path / "opened"
    browser = f"{sys.executable} -c \"import sys; open(sys.argv[1], 'w').write(sys.argv[2])\" {opened} %s"
    env = {**os.environ, "PATH": str(Path(sys.executable).parent), "PYTHONPATH": str(ROOT), "BROWSER": browser}
    command = [
        sys.executable,
        "-m",
        "symdiff",
        "serve",
        "--host",
        "0.0.0.0",
        "--port",
        "0",
        "--timeout",
        "20",
        "--open",
    ]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        first = server.stdout.readline()
        found = re.fullmatch(r"symdiff serve: http://0\.0\.0\.0:(\d+)/\n", first)
        assert found, first
        base = f"http://127.0.0.1:{found[1]}"
        with urllib.request.urlopen(base + "/") as page:
            assert page.headers["Content-Security-Policy"] == CSP
        toml = (ROOT / "worksheets" / "quadratic.toml").read_text(encoding="utf-8")
        request = urllib.request.Request(
            base + "/api/worksheet/pdf", json.dumps({"toml": toml}).encode(), method="POST"
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request)
        assert refused.value.code == 501
        assert json.loads(refused.value.read())["error"]["message"] == "pdflatex is not installed here"
    finally:
        server.send_signal(signal.SIGTERM)
        _, err = server.communicate(timeout=30)
    assert "WARNING: listening on 0.0.0.0" in err
    assert "Traceback" not in err
    assert server.returncode in (0, 128 + signal.SIGTERM)
    assert opened.read_text() == first.split(": ", 1)[1].strip()  # --open: the page, in the browser
