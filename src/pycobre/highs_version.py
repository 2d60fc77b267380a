"""The HiGHS version string the output metadata records (``solver_version``)."""

from __future__ import annotations

__all__ = ["solver_version"]


def solver_version() -> str | None:
    """``"major.minor.patch"`` of the installed highspy; ``None`` when it cannot be read
    (the field is optional metadata, never a reason to fail a run)."""
    try:
        import highspy

        h = highspy.Highs()
        return f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"
    except Exception:  # noqa: BLE001 - version is optional metadata
        return None
