"""A new user's first session, as separate processes (spec 06): init, validate, run, report,
summary, report --html. Streams, exit codes and the absence of tracebacks are what is checked;
stderr is a pipe here, so `run` prints plain progress lines.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def pycobre(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    env.pop("FORCE_COLOR", None)
    env.pop("COBRE_COLOR", None)
    proc = subprocess.run([sys.executable, "-m", "pycobre", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def test_first_session_from_template_to_html_report(tmp_path: Path) -> None:
    init = pycobre("init", "--template", "1dtoy", "study", cwd=tmp_path)
    assert init.returncode == 0 and init.stdout == ""
    err = init.stderr.splitlines()
    assert err[0] == "Created study case directory from template '1dtoy':"
    assert sum(line.startswith("  ✔ ") for line in err) == 10  # spec 06 §7: ten files
    assert "  -> pycobre validate study" in err
    assert "  -> pycobre run study --output study/results" in err

    val = pycobre("validate", "study", cwd=tmp_path)
    assert val.returncode == 0
    assert val.stdout.splitlines()[0] == "Valid case: 1 buses, 1 hydros, 2 thermals, 0 lines"

    run = pycobre("run", "study", "--output", "out", cwd=tmp_path)
    assert run.returncode == 0 and run.stdout == ""  # everything human goes to stderr
    lines = run.stderr.splitlines()
    assert lines[0].startswith("pycobre v") and "solver: HiGHS" in lines[2]
    progress = [ln for ln in lines if ln.startswith("iteration ")]
    assert [ln.split()[1] for ln in progress] == [f"{k}/128" for k in range(1, 129)]
    assert lines[-1].startswith(f"Output written to {(tmp_path / 'out').resolve()} in ")

    summary = pycobre("summary", "out", cwd=tmp_path)
    assert summary.returncode == 0 and summary.stdout == ""
    text = summary.stderr.rstrip("\n")
    assert text.splitlines()[0].endswith("(128 iterations)")
    assert "  Lower bound:  2.60530e6 $/stage" in text
    assert "  Completed: 100  Failed: 0" in text
    # spec 06 §6: the end of `run` is the summary, verbatim, then the output location
    assert run.stderr.rstrip("\n").endswith(text + "\n\n" + lines[-1])

    report = pycobre("report", "out", cwd=tmp_path)
    assert report.returncode == 0
    doc = json.loads(report.stdout)
    assert doc["output_directory"] == str((tmp_path / "out").resolve())
    assert doc["status"] == "complete"
    assert doc["training"]["iterations"]["completed"] == 128
    assert doc["simulation"]["scenarios"] == {"total": 100, "completed": 100, "failed": 0}

    html = pycobre("report", "out", "--html", "report.html", cwd=tmp_path)
    assert html.returncode == 0 and json.loads(html.stdout) == doc
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.count("<img") >= 6 and "Convergence of the bounds" in page
    assert "Training complete in" in page


def test_new_user_mistakes_get_one_line_errors(tmp_path: Path) -> None:
    missing = pycobre("run", "nope", cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.startswith("error: case directory not found: nope")
    not_output = pycobre("init", "--template", "1dtoy", "case", cwd=tmp_path)
    assert not_output.returncode == 0
    summary = pycobre("summary", "case", cwd=tmp_path)  # a case, not an output directory
    assert summary.returncode == 2 and "training/metadata.json" in summary.stderr
    again = pycobre("init", "--template", "1dtoy", "case", cwd=tmp_path)
    assert again.returncode == 2 and "use --force" in again.stderr
