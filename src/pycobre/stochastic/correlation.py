"""Spatial correlation: ``correlation.json`` profiles, Jacobi spectral factor (spec 11 §9, §16.7).

The factor and its application use Cobre's exact sweep and summation orders (scalar loops over
tiny group matrices) so correlated openings stay bit-identical; applying a factor to many
openings at once keeps the per-element sequential sum but vectorises over openings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from pycobre.errors import ValidationError
from pycobre.stochastic.located_error import located_error, located_warning

__all__ = [
    "JacobiFailed",
    "jacobi_eigen",
    "spectral_factor",
    "CorrelationGroup",
    "CorrelationModel",
    "parse_correlation",
    "apply_factor",
]

_FILE = "scenarios/correlation.json"
_CLIP_WARN = -1e-10  # eigenvalues below this are reported as clipped (rounding noise is not)
_CLASSES = ("inflow", "load", "ncs")
#: sweep budget of the cyclic Jacobi method, in units of n² (Cobre: at most 100·n² sweeps)
SWEEPS_PER_N2 = 100


class JacobiFailed(ArithmeticError):
    """The cyclic Jacobi method did not converge or produced non-finite values."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def jacobi_eigen(matrix: np.ndarray) -> tuple[list[float], list[list[float]]]:
    """Cyclic Jacobi eigendecomposition, sweep order and stopping rule of Cobre."""
    n = len(matrix)
    a = [[float(v) for v in row] for row in matrix]
    vec = [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]
    converged = n < 2
    off = 0.0
    for _ in range(SWEEPS_PER_N2 * n * n):
        off = 0.0
        for i in range(n):
            for j in range(i):
                off += 2.0 * a[i][j] * a[i][j]
        if off < 1e-24:
            converged = True
            break
        for p in range(n - 1):
            for q in range(p + 1, n):
                apq = a[p][q]
                if abs(apq) < 2.0**-52:
                    continue
                tau = (a[q][q] - a[p][p]) / (2.0 * apq)
                if tau >= 0.0:
                    t = 1.0 / (tau + math.sqrt(1.0 + tau * tau))
                else:
                    t = -1.0 / (-tau + math.sqrt(1.0 + tau * tau))
                c = 1.0 / math.sqrt(1.0 + t * t)
                s = t * c
                a[p][p] -= t * apq
                a[q][q] += t * apq
                a[p][q] = 0.0
                a[q][p] = 0.0
                for r in range(n):
                    if r in (p, q):
                        continue
                    arp, arq = a[r][p], a[r][q]
                    a[r][p] = a[p][r] = c * arp - s * arq
                    a[r][q] = a[q][r] = s * arp + c * arq
                for r in range(n):
                    vrp, vrq = vec[r][p], vec[r][q]
                    vec[r][p] = c * vrp - s * vrq
                    vec[r][q] = s * vrp + c * vrq
    lam = [a[i][i] for i in range(n)]
    if not converged:
        off = sum(2.0 * a[i][j] * a[i][j] for i in range(n) for j in range(i))
        # pairs below 2^-52 are never rotated: such a remainder is converged for every purpose
        if not off < max(1e-24, n * n * 2.0**-100):
            raise JacobiFailed(
                f"no convergence after {SWEEPS_PER_N2 * n * n} sweeps (off-diagonal mass {off:.3g})"
            )
    if not all(math.isfinite(v) for v in lam) or not all(
        math.isfinite(v) for row in vec for v in row
    ):
        raise JacobiFailed("non-finite eigenvalues or eigenvectors")
    return lam, vec


def spectral_factor(matrix: np.ndarray) -> np.ndarray:
    """F = V diag(sqrt(max(λ, 0))) Vᵀ, summed sequentially as Cobre does."""
    return _factor_from_eigen(*jacobi_eigen(matrix))


def _factor_from_eigen(lam: list[float], vec: list[list[float]]) -> np.ndarray:
    n = len(lam)
    root = [math.sqrt(v) if v > 0.0 else 0.0 for v in lam]
    f = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            acc = 0.0
            for k in range(n):
                acc += (vec[i][k] * root[k]) * vec[j][k]
            f[i, j] = acc
    return f


def apply_factor(factor: np.ndarray, z: np.ndarray) -> np.ndarray:
    """y = F z for every row of ``z`` (``(n_rows, n)``), sequential sum over j for each element."""
    y = np.zeros_like(z)
    for j in range(factor.shape[1]):
        y = y + factor[:, j][None, :] * z[:, j][:, None]
    return y


@dataclass(frozen=True)
class CorrelationGroup:
    name: str
    entity_class: str
    entity_ids: tuple[int, ...]
    factor: np.ndarray


@dataclass
class CorrelationModel:
    """Parsed profiles; ``groups_for_stage(stage_id)`` gives the groups to apply."""

    method: str = "spectral"
    profiles: dict[str, list[CorrelationGroup]] = field(default_factory=dict)
    matrices: dict[str, list[np.ndarray]] = field(default_factory=dict)
    schedule: dict[int, str] = field(default_factory=dict)
    default_profile: str | None = None
    raw: dict | None = None

    @property
    def is_identity(self) -> bool:
        return not self.profiles

    def profile_for_stage(self, stage_key: int) -> str | None:
        return self.schedule.get(int(stage_key), self.default_profile)

    def groups_for_stage(self, stage_key: int) -> list[CorrelationGroup]:
        name = self.profile_for_stage(stage_key)
        return self.profiles.get(name, []) if name is not None else []

    def correlate(
        self,
        stage_key: int,
        noise: np.ndarray,
        segments: dict[str, np.ndarray],
        classes: tuple[str, ...] = _CLASSES,
    ) -> np.ndarray:
        """Correlate rows of ``noise`` (``(n, D)``) in place; ``segments[class]`` = entity ids of
        each class in slot order (slot offset = position in the concatenated layout)."""
        offsets, start = {}, 0
        for cls in _CLASSES:
            offsets[cls] = start
            start += len(segments.get(cls, ()))
        for group in self.groups_for_stage(stage_key):
            if group.entity_class not in classes:
                continue
            ids = list(segments.get(group.entity_class, ()))
            if any(e not in ids for e in group.entity_ids):
                continue
            cols = np.array([offsets[group.entity_class] + ids.index(e) for e in group.entity_ids])
            noise[:, cols] = apply_factor(group.factor, noise[:, cols])
        return noise


def _bad(message: str, **context: object) -> ValidationError:
    field = context.pop("field", None)
    entity = context.pop("entity_id", None)
    return located_error(
        "InvalidCorrelation", message, file=_FILE, entity=entity, field=field, **context
    )


def _first_bad_entry(mat: np.ndarray) -> tuple[int, int]:
    n = mat.shape[0]
    for i in range(n):
        for j in range(n):
            v = mat[i, j]
            if (i == j and abs(v - 1.0) > 1e-9) or abs(v) > 1.0 + 1e-12:
                return i, j
    return 0, 0


def parse_correlation(data: dict | None) -> CorrelationModel:
    """Validate ``correlation.json`` and factor every group (profiles in name order)."""
    if not data:
        return CorrelationModel()
    profiles_raw = data.get("profiles") or {}
    if not profiles_raw:
        raise _bad("correlation.json: 'profiles' must not be empty", field="profiles")
    model = CorrelationModel(method=str(data.get("method", "spectral")), raw=data)
    for pname in sorted(profiles_raw):
        groups, mats, seen = [], [], set()
        for gi, g in enumerate(profiles_raw[pname].get("correlation_groups", [])):
            where = f"profiles.{pname}.correlation_groups[{gi}]"
            ents = g.get("entities") or []
            if not ents:
                raise _bad(f"correlation.json: {where} has no entities", field=where)
            types = {e.get("type") for e in ents}
            if len(types) != 1 or next(iter(types)) not in _CLASSES:
                raise _bad(
                    f"correlation.json: {where} mixes or uses unknown entity types {sorted(map(str, types))}",
                    field=where,
                )
            ids = tuple(int(e["id"]) for e in ents)
            for e in ids:
                if e in seen:
                    raise _bad(
                        f"correlation.json: entity id {e} appears in two groups of profile '{pname}'",
                        field=where,
                        entity_id=e,
                    )
                seen.add(e)
            try:
                mat = np.asarray(g.get("matrix"), dtype=np.float64)
            except (TypeError, ValueError):
                raise _bad(
                    f"correlation.json: {where}.matrix must be a square list of numeric rows",
                    field=f"{where}.matrix",
                ) from None
            if mat.shape != (len(ids), len(ids)):
                raise _bad(
                    f"correlation.json: {where}.matrix must be {len(ids)}x{len(ids)} (one row "
                    f"and column per entity), found shape {mat.shape}",
                    field=f"{where}.matrix",
                    entity_id=g.get("name", ""),
                )
            if np.any(np.abs(mat - mat.T) > 1e-10):
                i, j = (int(v[0]) for v in np.nonzero(np.abs(mat - mat.T) > 1e-10))
                raise _bad(
                    f"correlation.json: {where}.matrix is not symmetric within 1e-10 "
                    f"([{i}][{j}] = {mat[i, j]!r}, [{j}][{i}] = {mat[j, i]!r})",
                    field=f"{where}.matrix",
                    entity_id=g.get("name", ""),
                )
            if np.any(np.abs(np.diag(mat) - 1.0) > 1e-9) or np.any(np.abs(mat) > 1.0 + 1e-12):
                # also checked by validation (spec 02 §2.6 rules 15-16); here for direct builds
                i, j = _first_bad_entry(mat)
                raise _bad(
                    f"correlation.json: {where}.matrix[{i}][{j}] = {mat[i, j]!r} (diagonal must "
                    "be 1, off-diagonal entries in [-1, 1])",
                    field=f"{where}.matrix",
                    entity_id=g.get("name", ""),
                )
            if not np.all(np.isfinite(mat)):
                raise _bad(
                    f"correlation.json: {where}.matrix has non-finite entries",
                    field=f"{where}.matrix",
                    entity_id=g.get("name", ""),
                )
            try:
                lam, vec = jacobi_eigen(mat)
            except JacobiFailed as exc:
                raise located_error(
                    "SpectralDecompositionFailed",
                    f"correlation.json: the spectral decomposition of {where}.matrix (group "
                    f"'{g.get('name', '')}') failed: {exc.detail}",
                    file=_FILE,
                    entity=g.get("name", ""),
                    field=f"{where}.matrix",
                    profile=pname,
                ) from None
            if min(lam) < _CLIP_WARN:
                # Cobre 0.5.1 accepts such a matrix and clips (spec 11 §9.2); say where it is
                located_warning(
                    "PhysicalConstraint",
                    f"{_FILE}: {where}.matrix (group '{g.get('name', '')}') is not positive "
                    f"semi-definite (smallest eigenvalue {min(lam):.6g}); negative eigenvalues "
                    "are clipped to 0, so the applied correlation differs from the given one",
                    file=_FILE,
                    entity=g.get("name", ""),
                    field=f"{where}.matrix",
                    rule="correlation_not_psd",
                    smallest_eigenvalue=min(lam),
                )
            groups.append(
                CorrelationGroup(
                    str(g.get("name", "")), next(iter(types)), ids, _factor_from_eigen(lam, vec)
                )
            )
            mats.append(mat)
        model.profiles[pname] = groups
        model.matrices[pname] = mats
    if "default" in model.profiles:
        model.default_profile = "default"
    elif len(model.profiles) == 1:
        model.default_profile = next(iter(model.profiles))
    else:
        raise _bad("correlation.json: several profiles but none named 'default'", field="profiles")
    for entry in data.get("schedule") or []:
        name = entry.get("profile_name")
        if name not in model.profiles:
            raise _bad(
                f"correlation.json: schedule refers to unknown profile '{name}'",
                field="schedule",
                stage_id=entry.get("stage_id"),
            )
        model.schedule[int(entry["stage_id"])] = name
    return model
