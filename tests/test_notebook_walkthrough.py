"""Execute ``examples/walkthrough.ipynb`` end to end (needs nbclient, nbformat, ipykernel)."""

from __future__ import annotations

import pathlib

import pytest

nbformat = pytest.importorskip("nbformat", reason="install the 'test' extra (nbformat)")
nbclient = pytest.importorskip("nbclient", reason="install the 'test' extra (nbclient)")
pytest.importorskip("ipykernel", reason="install the 'test' extra (ipykernel)")

NOTEBOOK = pathlib.Path(__file__).resolve().parents[1] / "examples" / "walkthrough.ipynb"


def test_walkthrough_notebook_executes(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the notebook writes under tempfile.mkdtemp()
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()

    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "valid: True | errors: 0" in text
    assert "iteration  30" in text
    assert "expected cost" in text
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 4  # convergence, water values, cost histogram, storage fan
    assert list(tmp_path.glob("pycobre-walkthrough-*/simulation/_SUCCESS"))
