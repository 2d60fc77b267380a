"""``pycobre report RESULTS_DIR [--html FILE]`` (spec 06 §5) on a subset of Cobre's 1dtoy output."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from pycobre.cli.main import main

SMALL = Path(__file__).resolve().parents[1] / "data" / "outputs" / "1dtoy_small"


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def copy_small(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SMALL, tmp_path / "out"))


def test_report_json_carries_both_manifests_verbatim(capsys):
    code, out, _ = run_cli(capsys, "report", str(SMALL))
    assert code == 0
    doc = json.loads(out)
    assert list(doc) == ["output_directory", "status", "training", "simulation"]
    assert doc["output_directory"] == str(SMALL.resolve())
    assert doc["status"] == "complete"
    training = json.loads((SMALL / "training" / "metadata.json").read_text())
    assert doc["training"] == training
    assert list(doc["training"]) == list(training)  # key order kept
    assert doc["simulation"]["scenarios"] == {"total": 4, "completed": 4, "failed": 0}
    assert out.startswith('{\n  "output_directory": ')  # 2-space pretty print


def test_report_simulation_is_null_without_simulation_metadata(capsys, tmp_path):
    out_dir = copy_small(tmp_path)
    (out_dir / "simulation" / "metadata.json").unlink()
    (out_dir / "simulation" / "_SUCCESS").unlink()
    code, out, _ = run_cli(capsys, "report", str(out_dir))
    assert code == 0
    assert json.loads(out)["simulation"] is None


def test_report_relative_path_is_made_absolute(capsys, monkeypatch):
    monkeypatch.chdir(SMALL.parent)
    code, out, _ = run_cli(capsys, "report", "1dtoy_small")
    assert code == 0
    assert json.loads(out)["output_directory"] == str(SMALL.resolve())


def test_report_error_exit_codes(capsys, tmp_path):
    code, out, err = run_cli(capsys, "--color", "never", "report", str(tmp_path / "missing"))
    assert (code, out) == (2, "")
    assert "results directory not found" in err
    out_dir = copy_small(tmp_path)
    (out_dir / "training" / "_SUCCESS").unlink()
    code, _, err = run_cli(capsys, "--color", "never", "report", str(out_dir))
    assert code == 2 and "incomplete run" in err
    (out_dir / "training" / "_SUCCESS").touch()
    (out_dir / "simulation" / "metadata.json").write_text("[1, 2")
    code, out, err = run_cli(capsys, "--color", "never", "report", str(out_dir))
    assert (code, out) == (4, "")
    assert "malformed JSON" in err and "simulation" in err


def test_report_warns_when_simulation_is_incomplete(capsys, tmp_path):
    out_dir = copy_small(tmp_path)
    (out_dir / "simulation" / "_SUCCESS").unlink()
    code, out, err = run_cli(capsys, "report", str(out_dir))
    assert code == 0
    assert "warning: simulation output incomplete" in err
    assert json.loads(out)["simulation"]["scenarios"]["total"] == 4


def test_report_html_is_self_contained_with_all_sections(capsys, tmp_path):
    html_path = tmp_path / "sub" / "report.html"
    code, out, err = run_cli(capsys, "report", str(SMALL), "--html", str(html_path))
    assert code == 0
    assert json.loads(out)["status"] == "complete"
    assert f"HTML report written to {html_path}" in err
    html = html_path.read_text(encoding="utf-8")
    for anchor in ("overview", "convergence", "cost-distribution", "cost-breakdown", "storage",
                   "spot-price", "deficit", "metadata"):
        assert f'<section id="{anchor}">' in html
        assert f'href="#{anchor}"' in html
    # convergence, cost histogram, breakdown, storage fan, price fan, deficit (2 of 4 scenarios)
    assert html.count('src="data:image/png;base64,') == 6
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing fetched from the network
    # statistics of the 4 scenarios (C_0 = 167400 + 0.99043*156600 + ... = 600896.86)
    assert "1,454,679.50" in html  # mean
    assert "600,896.86" in html  # min
    assert "2,734,384.76" in html  # max = CVaR (tail of 1 scenario)
    assert "UHE1 (hydro 0)" in html and "SIN (bus 0)" in html
    assert "50.0 %" in html  # deficit in some stage: scenarios 1 and 2


def test_report_html_without_simulation_explains_missing_sections(capsys, tmp_path):
    out_dir = copy_small(tmp_path)
    shutil.rmtree(out_dir / "simulation")
    (out_dir / "simulation").mkdir()
    html_path = tmp_path / "r.html"
    code, _, _ = run_cli(capsys, "report", str(out_dir), "--html", str(html_path))
    assert code == 0
    html = html_path.read_text(encoding="utf-8")
    assert html.count('src="data:image/png;base64,') == 1  # convergence only
    assert "No simulation results" in html
    assert "simulation" in html and "not run" in html
