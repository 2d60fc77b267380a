"""Reading finished runs: the ``report`` JSON, the ``summary`` text and the HTML report.

Everything here works from an output directory alone (spec 04), so a run written by Cobre or by
pycobre can be inspected the same way. Plotting (matplotlib) is imported only by the HTML path.
"""

from __future__ import annotations

import os
from pathlib import Path

from pycobre.report.json_report import build_report
from pycobre.report.run_files import RunFiles, open_run
from pycobre.report.summary_text import summary_lines

__all__ = ["RunFiles", "build_report", "open_run", "summary_lines", "write_html_report"]


def write_html_report(output_dir: RunFiles | str | os.PathLike[str],
                      html_path: str | os.PathLike[str]) -> Path:
    """Render the self-contained HTML report of ``output_dir`` into ``html_path``."""
    from pycobre.report.html_page import write_html_report as _write

    return _write(output_dir, html_path)
