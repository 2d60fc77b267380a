"""One solvable stage LP: template + solver + the per-solve patches (state, noise, cuts).

Per solve the Python work is a handful of vectorised NumPy expressions and one solver call
per kind of patch (row bounds, column bounds), see spec 00 §4.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np

from pycobre.errors import SolverError
from pycobre.lp.basis_codes import BASIC, LOWER, Basis, BoundClasses
from pycobre.lp.options import FIRST_ATTEMPT_BUDGET as _FIRST_BUDGET
from pycobre.lp.solver import HighsSolver, Solver
from pycobre.lp.template import StageTemplate

_HIGHS_OK = highspy.HighsStatus.kOk
_OPTIMAL = highspy.HighsModelStatus.kOptimal
_EMPTY = np.zeros(0)
_EMPTY.flags.writeable = False
_NAN = float("nan")


@dataclass
class SolveResult:
    """Outcome of one stage solve (LP units = $/1000)."""

    objective: float
    theta: float
    stage_cost: float
    state_out: np.ndarray  # (n_state,) storages then lags: [v, z, l_1..l_{L-1}] (plain shift)
    inflow_realised: np.ndarray  # (H,) z_h
    state_duals: np.ndarray  # (n_state,) d objective / d incoming state
    cut_duals: np.ndarray  # (k,) duals of the cut rows (>= 0 when binding)
    simplex_iterations: int
    primal: np.ndarray  # all column values
    row_duals: np.ndarray  # all row duals (structural rows then cuts)
    retry_level: int | None = None
    retry_attempts: int = 0
    solve_time_s: float = 0.0
    basis_offered: bool = False


@dataclass
class OpeningsResult:
    """Per-opening outcome of :meth:`StageLP.solve_openings` (LP units)."""

    objectives: np.ndarray  # (W,)
    state_duals: np.ndarray  # (W, n_state)
    cut_duals: np.ndarray  # (W, n_cut_duals): first cut rows, in row order
    iterations: np.ndarray  # (W,) simplex iterations incl. ladder attempts
    solve_time_s: np.ndarray  # (W,)
    retry_attempts: np.ndarray  # (W,)
    retry_levels: list  # (W,) ladder level that succeeded or None

    def head(self, n: int) -> OpeningsResult:
        return OpeningsResult(
            self.objectives[:n], self.state_duals[:n], self.cut_duals[:n], self.iterations[:n],
            self.solve_time_s[:n], self.retry_attempts[:n], self.retry_levels[:n],
        )


class StageLP:
    """A stage LP held by one worker; not thread-safe (one instance per thread and stage)."""

    def __init__(
        self,
        template: StageTemplate,
        solver_options: dict[str, Any] | None = None,
        solver: Solver | None = None,
    ) -> None:
        self.template = template
        self.solver: Solver = solver if solver is not None else HighsSolver(solver_options)
        self.solver.load(template.model)
        self.n_state = template.n_state
        self._base_rows = template.num_rows
        tp = template
        N, L = tp.n_hydros, tp.n_lags
        self._x = np.zeros(self.n_state)
        self._eta = np.zeros(max(tp.noise_dim, 0))
        # one index array for every row patched per solve: state, water balance, inflow, load
        self._patch_rows = np.ascontiguousarray(
            np.concatenate(
                [tp.state_rows, tp.wb_rows, tp.inflow_rows, tp.load_noise_rows.ravel()]
            ).astype(np.int32)
        )
        self._patch_vals = np.empty(self._patch_rows.shape[0])  # physical units
        self._patch_scale = tp.row_scale[self._patch_rows]
        self._col_scale = tp.col_scale
        self._row_scale = tp.row_scale
        self._ncs_cols = np.ascontiguousarray(tp.ncs_noise_cols.ravel(), dtype=np.int32)
        self._ncs_scale = tp.col_scale[self._ncs_cols]
        # cut rows: one column per state component, or the accumulator map (spec 10 §16)
        omap = tp.state_out_map
        self._cut_map = None
        if omap is None:
            cut_cols = tp.state_out_cols
        else:
            cut_cols = np.unique(omap.indices).astype(np.int32)
            self._cut_map = np.ascontiguousarray(omap[:, cut_cols].toarray())
        cut_idx = np.concatenate([[tp.theta_col], cut_cols]).astype(np.int32)
        self._cut_order = np.argsort(cut_idx, kind="stable")
        self._cut_idx = cut_idx[self._cut_order]
        self._cut_scale = tp.col_scale[self._cut_idx]
        self._ns, self._N, self._L = self.n_state, N, L
        # plain-shift outgoing state [v, z, l_1..l_{L-1}] as one gather index
        c_z, c_lag = tp.col_spans["inflow"][0], tp.col_spans["lag"][0]
        c_v = tp.col_spans["storage"][0]
        self._n_base = N * (1 + L)
        self._out_idx = np.concatenate(
            [np.arange(c_v, c_v + N), np.arange(c_z, c_z + N), np.arange(c_lag, c_lag + N * max(L - 1, 0))]
        ).astype(np.intp)[: self._n_base]
        # accumulator components of the outgoing state (empty without accumulator state)
        self._aux_out = omap[self._n_base :] if omap is not None else None
        self._z = slice(c_z, c_z + N)
        rows = tp.state_rows
        self._state_rows = (
            slice(int(rows[0]), int(rows[0]) + rows.shape[0])
            if rows.shape[0] and np.array_equal(rows, np.arange(rows[0], rows[0] + rows.shape[0]))
            else rows
        )
        self._theta_col = tp.theta_col
        self._theta_scale = float(tp.col_scale[tp.theta_col])
        self._z_scale = tp.col_scale[self._z]
        self._out_scale = tp.col_scale[self._out_idx]
        self._state_row_scale = tp.row_scale[self._state_rows]
        self._discount = float(tp.data.discount)
        self._n_cuts = 0
        self._dirty = True
        # bounds as the solver holds them, for basis capture as codes (basis_codes.py); the
        # patched rows are equalities whatever their value: (0, 0) marks them fixed
        m = tp.model
        self._col_lo = np.array(m.col_lower, dtype=np.float64)
        self._col_hi = np.array(m.col_upper, dtype=np.float64)
        self._row_lo = np.array(m.row_lower, dtype=np.float64)
        self._row_hi = np.array(m.row_upper, dtype=np.float64)
        self._row_lo[self._patch_rows] = 0.0
        self._row_hi[self._patch_rows] = 0.0
        self._highs = getattr(self.solver, "highs", None)
        self._col_cls: BoundClasses | None = None  # reset when column bounds change
        self._row_cls: BoundClasses | None = None
        self._fresh = False  # the solver holds the optimal solution of the last solve()
        self._xraw = None  # its primal in solver space, when solve() read it
        self.last_eta_effective = np.zeros(N)
        self._last: SolveResult | None = None

    # -- patches -------------------------------------------------------------------------
    @property
    def n_cuts(self) -> int:
        return self._n_cuts

    def set_state(self, x_in: np.ndarray) -> None:
        """Fix the incoming state (storages then lags, lag-major)."""
        self._x = np.asarray(x_in, dtype=np.float64).reshape(self.n_state)
        self._dirty = True

    def set_noise(self, eta: np.ndarray) -> None:
        """Set the standardised noise vector ``[hydros | load buses | NCS]``."""
        self._eta = np.asarray(eta, dtype=np.float64).ravel()
        self._dirty = True

    def effective_inflow_noise(self) -> np.ndarray:
        """Hydro noise after the truncation rule of spec 10 §9.5 (needs the incoming lags)."""
        return self._effective_noise(self._eta[None, :])[0]

    def _effective_noise(self, noises: np.ndarray) -> np.ndarray:
        """:meth:`effective_inflow_noise` of every row of ``noises`` (W, D) -> (W, N)."""
        tp = self.template
        N = self._N
        if noises.shape[1] >= N:
            eta = noises[:, :N]
        else:
            eta = np.zeros((noises.shape[0], N))
        if not tp.truncation or N == 0:
            return eta
        lags = self._x[N : N * (1 + self._L)].reshape(self._L, N).T  # (N, L)
        d = tp.inflow_base + (tp.psi_trunc * lags).sum(axis=1)
        sig = tp.inflow_sigma
        neg = d + sig * eta < 0.0
        if not neg.any():
            return eta
        with np.errstate(divide="ignore", invalid="ignore"):
            floor = np.where(
                sig > 0, -d / np.where(sig > 0, sig, 1.0), np.where(np.abs(d) < 1e-10, 0.0, -np.inf)
            )
        return np.where(neg, np.maximum(eta, floor), eta)

    def _patch_values(self, noises: np.ndarray):
        """Scaled row-bound patches (W, n_patch), effective hydro noise (W, N) and NCS column
        upper bounds (W, n_ncs_cols) or None, for the current state under each noise row.

        Elementwise NumPy on a leading opening axis: each row is bit-for-bit the single-noise
        result, so a batch of openings costs one pass instead of one per solve.
        """
        tp = self.template
        ns, N = self._ns, self._N
        W = noises.shape[0]
        v = np.empty((W, self._patch_rows.shape[0]))
        v[:, :ns] = self._x
        eta_eff = self._effective_noise(noises)
        noise_in = tp.inflow_sigma * eta_eff
        v[:, ns : ns + N] = tp.wb_rhs_base + tp.zeta * noise_in
        v[:, ns + N : ns + 2 * N] = tp.inflow_base + noise_in
        if tp.load_noise_pos.shape[0]:
            eta_l = self._eta_at(noises, tp.load_noise_pos)
            mw = np.maximum(0.0, tp.load_noise_mean + tp.load_noise_std * eta_l)
            v[:, ns + 2 * N :] = (mw[:, :, None] * tp.load_noise_factor).reshape(W, -1)
        vs = v * self._patch_scale
        hi = None
        if tp.ncs_noise_pos.shape[0]:
            eta_n = self._eta_at(noises, tp.ncs_noise_pos)
            av = tp.ncs_noise_gmax * np.clip(tp.ncs_noise_mean + tp.ncs_noise_std * eta_n, 0.0, 1.0)
            hi = (av[:, :, None] * tp.ncs_noise_factor).reshape(W, -1) / self._ncs_scale
        return vs, eta_eff, hi

    def _set_patch(self, vs: np.ndarray, hi: np.ndarray | None) -> None:
        self.solver.set_row_bounds(self._patch_rows, vs, vs)
        if hi is not None:
            lo = np.zeros_like(hi)
            self.solver.set_col_bounds(self._ncs_cols, lo, hi)
            self._col_lo[self._ncs_cols] = lo
            self._col_hi[self._ncs_cols] = hi
            self._col_cls = None
        self._fresh = False

    def _apply_patches(self) -> None:
        vs, eta_eff, hi = self._patch_values(self._eta[None, :])
        self.last_eta_effective = eta_eff[0]
        self._set_patch(vs[0], None if hi is None else hi[0])
        self._dirty = False

    @staticmethod
    def _eta_at(noises: np.ndarray, pos: np.ndarray) -> np.ndarray:
        D = noises.shape[1]
        if D == 0:
            return np.zeros((noises.shape[0], pos.shape[0]))
        return np.where(pos < D, noises[:, np.minimum(pos, D - 1)], 0.0)

    # -- cuts ----------------------------------------------------------------------------
    def _cut_rows(self, coefs: np.ndarray, intercepts: np.ndarray):
        tp = self.template
        k = intercepts.shape[0]
        coefs = np.asarray(coefs, dtype=np.float64).reshape(k, self.n_state)
        # row: theta - sum_i pi_i * col(i) >= alpha (column scale applied, no row scale)
        masked = -coefs * tp.cut_mask
        if self._cut_map is not None:
            masked = masked @ self._cut_map
        vals = np.empty((k, masked.shape[1] + 1))
        vals[:, 0] = 1.0
        vals[:, 1:] = masked
        vals = vals[:, self._cut_order] * self._cut_scale
        nz = vals != 0.0
        starts = np.zeros(k, dtype=np.int32)
        if k > 1:
            starts[1:] = np.cumsum(nz.sum(axis=1))[:-1]
        index = np.ascontiguousarray(
            np.broadcast_to(self._cut_idx, (k, self._cut_idx.shape[0]))[nz], dtype=np.int32
        )
        value = np.ascontiguousarray(vals[nz])
        lower = np.ascontiguousarray(intercepts, dtype=np.float64)
        upper = np.full(k, np.inf)
        return lower, upper, starts, index, value

    def add_cuts(self, coefs: np.ndarray, intercepts: np.ndarray) -> None:
        """Append cut rows ``theta >= alpha + pi . x_out`` in one call."""
        intercepts = np.atleast_1d(np.asarray(intercepts, dtype=np.float64))
        if intercepts.shape[0] == 0:
            return
        self.solver.add_rows(*self._cut_rows(coefs, intercepts))
        self._n_cuts += intercepts.shape[0]
        self._fresh = False

    def set_cuts(self, coefs: np.ndarray, intercepts: np.ndarray) -> None:
        """Replace all cut rows (rebuild after cut selection)."""
        self.solver.delete_rows_from(self._base_rows)
        self._n_cuts = 0
        self._fresh = False
        self.add_cuts(coefs, intercepts)

    # -- basis ---------------------------------------------------------------------------
    def get_basis(self) -> Basis:
        """The current basis; right after a solve it is captured as int8 codes (cheap)."""
        if self._fresh and self._highs is not None:
            codes = self._capture_codes()
            if codes is not None:
                return Basis(None, self._n_cuts, *codes)
        return Basis(self.solver.get_basis(), self._n_cuts)

    def _capture_codes(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Codes of the optimal basis from basic variables + solution (basis_codes.py)."""
        nb, n = self._base_rows, self._base_rows + self._n_cuts
        reader = self.solver.fast_reader()  # type: ignore[attr-defined]
        if reader is not None:  # HiGHS's own statuses, read as codes (highs_capi.py)
            return reader.basis_codes(self.solver.num_cols, n)
        ok, basic = self._highs.getBasicVariables()
        if ok != _HIGHS_OK or basic.shape[0] != n:
            return None
        if self._col_cls is None:
            self._col_cls = BoundClasses(self._col_lo, self._col_hi)
        if self._row_cls is None:
            self._row_cls = BoundClasses(self._row_lo, self._row_hi)
        colc, rowc = self._col_cls, self._row_cls
        sol = self.solver.solution()
        x = self._xraw
        if x is None and colc.boxed.shape[0]:
            x = np.asarray(sol.col_value, dtype=np.float64)
        cd = np.asarray(sol.col_dual, dtype=np.float64) if colc.fixed.shape[0] else None
        cc = colc.codes(x, cd, -1.0)
        # structural rows only (slice the Python list before converting: cut rows need neither)
        r = np.asarray(sol.row_value[:nb], dtype=np.float64) if rowc.boxed.shape[0] else None
        rd = np.asarray(sol.row_dual[:nb], dtype=np.float64) if rowc.fixed.shape[0] else None
        rc = np.full(n, LOWER, dtype=np.int8)  # cut rows: alpha <= row < inf
        rc[:nb] = rowc.codes(r, rd, 1.0)
        cc[basic[basic >= 0]] = BASIC
        rc[-1 - basic[basic < 0]] = BASIC
        return cc, rc

    def set_basis(self, basis: Basis) -> bool:
        """Install a stored basis; cut rows added since it was captured start BASIC.

        The solver state is cleared first, so that nothing but the basis (edge weights,
        factorisation, perturbations) carries over from the previous solve: the result then
        depends only on (basis, LP), whatever this object solved before (determinism).
        """
        self.solver.clear_basis()
        self._fresh = False
        n = self._base_rows + self._n_cuts
        stored = self._base_rows + basis.n_cuts
        if stored == n or self._highs is None:
            return self.solver.set_basis(basis.raw, stored)
        cc, _ = basis.codes()
        if cc.shape[0] != self.solver.num_cols:
            return False
        return self.solver.set_basis(basis.padded_raw(n), n)

    def free_theta(self) -> None:
        """Lift theta's upper bound (terminal stage with boundary cuts, spec 12 §13.3)."""
        c = np.array([self.template.theta_col], dtype=np.int32)
        self.solver.set_col_bounds(c, np.zeros(1), np.full(1, np.inf))
        self._col_lo[c] = 0.0
        self._col_hi[c] = np.inf
        self._col_cls = None
        self._fresh = False

    def clear_basis(self) -> None:
        """Forget the solver's internal basis: the next solve starts cold (determinism)."""
        self.solver.clear_basis()
        self._fresh = False

    # -- solve ---------------------------------------------------------------------------
    def solve(
        self, basis: Basis | None = None, *, primal: bool = True, duals: bool = True
    ) -> SolveResult:
        """Solve with the current state/noise/cuts; raises SolverError when not optimal.

        ``basis=None`` keeps whatever basis the solver holds from its previous solve (warm
        between openings of one trial point); pass a stored :class:`Basis` to reinstall it, or
        call :meth:`clear_basis` first for a cold start.

        ``primal=False`` (backward and lower-bound solves: objective and duals only) and
        ``duals=False`` (forward solves: primal only) skip converting what the caller does not
        read — the solution read is the largest Python cost per solve (spec 00 §6a).  Fields not
        read are empty arrays (``theta``/``stage_cost`` NaN without the primal); ``extract``
        needs a full read.
        """
        if self._dirty:
            self._apply_patches()
        if basis is not None:
            self.set_basis(basis)
        t0 = time.perf_counter()
        out = self.solver.solve()
        elapsed = time.perf_counter() - t0
        if not out.optimal:
            self._fresh = False
            raise self._failure(out)
        self._fresh = True
        self._xraw = None
        objective = out.objective
        if primal:
            if duals:
                self._xraw = xr = self.solver.col_values()
                x = xr * self._col_scale
                theta = float(x[self._theta_col])
                state_out = self._state_out(x)
                z = x[self._z].copy()
            else:  # forward: gather first, scale only what is read (same values)
                self._xraw = x = self.solver.col_values()
                theta = float(x[self._theta_col]) * self._theta_scale
                state_out = self._state_out_raw(x)
                z = x[self._z] * self._z_scale
                x = _EMPTY
            stage_cost = objective - self._discount * theta
        else:
            x = z = state_out = _EMPTY
            theta = stage_cost = _NAN
        if duals:
            y = self.solver.row_duals()
            cut_duals = y[self._base_rows :].copy()
            if primal:
                y[: self._base_rows] *= self._row_scale
                state_duals = y[self._state_rows].copy()
            else:  # backward: scale only the state rows
                state_duals = y[self._state_rows] * self._state_row_scale
                y = _EMPTY
        else:
            y = state_duals = cut_duals = _EMPTY
        res = SolveResult(
            objective,
            theta,
            stage_cost,
            state_out,
            z,
            state_duals,
            cut_duals,
            out.iterations,
            x,
            y,
            out.retry_level,
            out.retry_attempts,
            elapsed,
            basis is not None,
        )
        if primal and duals:
            self._last = res
        return res

    def solve_openings(
        self, noises: np.ndarray, basis: Basis | None = None, n_cut_duals: int = 0
    ) -> OpeningsResult:
        """Solve the current state under every noise row (the backward pass of one trial point).

        Same sequence of solver calls as ``set_noise(noises[w]); solve(basis if w == 0 else
        None, primal=False)`` for each ``w`` — so bit-identical results — with the patches of
        all openings computed in one vectorised pass and only the objective, the state-row
        duals and the first ``n_cut_duals`` cut duals read per solve (no ``SolveResult``).
        A failure raises ``SolverError`` with ``err.opening = w`` and ``err.partial`` holding
        the ``OpeningsResult`` of the openings solved before it.
        """
        noises = np.asarray(noises, dtype=np.float64)
        W = noises.shape[0]
        vs, eta_eff, hi = self._patch_values(noises)
        # per opening only the solver calls and one list -> row copy; the state/cut duals are
        # gathered and scaled once for all openings after the loop (same elementwise values).
        # Without cut duals to read, only the (contiguous) state rows are copied: converting
        # the whole dual list costs ~15 µs per solve once the LP holds ~1,000 cut rows.
        sr = self._state_rows
        if n_cut_duals == 0 and isinstance(sr, slice):
            pick, Y = sr, np.empty((W, sr.stop - sr.start))
        else:
            pick, Y = slice(None), np.empty((W, self._base_rows + self._n_cuts))
        obj = [0.0] * W
        its_w = [0] * W
        secs = [0.0] * W
        att = [0] * W
        levels: list = [None] * W
        solver = self.solver
        rows = self._patch_rows
        perf = time.perf_counter
        h = self._highs if isinstance(solver, HighsSolver) else None
        n_patch = int(rows.shape[0])
        reader = None
        if h is not None:
            change_bounds, run, model_status = h.changeRowsBounds, h.run, h.getModelStatus
            info_value, objective, get_solution = (
                h.getInfoValue, h.getObjectiveValue, h.getSolution
            )
            # C API read of the row duals into one buffer (highs_capi.py): dims are fixed in
            # this loop and every read follows an optimal solve
            reader = solver.reader
            if reader is not None:
                dual_buf = np.empty(solver.num_rows)
                dual_addr = dual_buf.ctypes.data
                read_duals = reader.row_duals_at
        for w in range(W):
            if hi is not None:
                self._set_patch(vs[w], hi[w])
            elif h is not None:
                if n_patch:
                    vw = vs[w]
                    change_bounds(n_patch, rows, vw, vw)
            else:
                solver.set_row_bounds(rows, vs[w], vs[w])
            if w == 0 and basis is not None:
                self.set_basis(basis)
            t0 = perf()
            if h is not None:  # HighsSolver.solve inlined (its first attempt)
                solver._solution = None
                run()
                status = model_status()
                wall = perf() - t0
                its = int(info_value("simplex_iteration_count")[1])
                if status == _OPTIMAL and wall <= _FIRST_BUDGET:
                    obj[w] = objective()
                    its_w[w] = its
                    secs[w] = perf() - t0
                    if reader is not None:
                        read_duals(dual_addr)
                        Y[w] = dual_buf[pick]
                    else:
                        Y[w] = get_solution().row_dual[pick]
                    continue
                solver.mark_solved(False)
                res = solver.after_first(status, its, wall)
            else:
                res = solver.solve()
            secs[w] = perf() - t0
            if not res.optimal:
                self._fresh = False
                self._eta, self._dirty = noises[w].copy(), False
                err = self._failure(res)
                err.opening = w  # type: ignore[attr-defined]
                err.partial = self._openings_result(  # type: ignore[attr-defined]
                    Y[:w], obj[:w], its_w[:w], secs[:w], att[:w], levels[:w], n_cut_duals,
                    pick,
                )
                raise err
            Y[w] = solver.row_duals()[pick]
            obj[w] = res.objective
            its_w[w] = res.iterations
            att[w] = res.retry_attempts
            levels[w] = res.retry_level
        out = self._openings_result(Y, obj, its_w, secs, att, levels, n_cut_duals, pick)
        if h is not None and W:
            solver.mark_solved(True)  # the last opening's optimum is what the solver holds
        self._eta = noises[W - 1].copy() if W else self._eta
        self.last_eta_effective = eta_eff[W - 1] if W else self.last_eta_effective
        self._dirty = False
        self._fresh = W > 0
        self._xraw = None
        return out

    def _openings_result(
        self, Y, obj, its, secs, att, levels, n_cut_duals, pick=slice(None)
    ) -> OpeningsResult:
        """Per-opening outputs from the row duals ``Y`` read in the loop: all rows, or only the
        state rows when ``pick`` is their slice."""
        c0 = self._base_rows
        whole = pick == slice(None)
        return OpeningsResult(
            objectives=np.array(obj, dtype=np.float64),
            state_duals=(Y[:, self._state_rows] if whole else Y) * self._state_row_scale,
            cut_duals=Y[:, c0 : c0 + n_cut_duals].copy(),
            iterations=np.array(its, dtype=np.int64),
            solve_time_s=np.array(secs, dtype=np.float64),
            retry_attempts=np.array(att, dtype=np.int64),
            retry_levels=levels,
        )

    def _state_out_raw(self, x: np.ndarray) -> np.ndarray:
        """:meth:`_state_out` from the unscaled solver primal (scales the gathered entries)."""
        base = x[self._out_idx] * self._out_scale
        if self._aux_out is None:
            return base
        return np.concatenate([base, self._aux_out @ (x * self._col_scale)])

    def _state_out(self, x: np.ndarray) -> np.ndarray:
        """Plain-shift storages and lags (sddp applies spec 11 §13), then the accumulators."""
        if self._aux_out is None:
            return x[self._out_idx]
        return np.concatenate([x[self._out_idx], self._aux_out @ x])

    def _failure(self, out) -> SolverError:
        from pycobre.lp.diagnose import describe_failure  # after a failure only

        tp = self.template
        detail = describe_failure(self, out.status)
        kind = "Unbounded" if out.status == "unbounded" else (
            "Infeasible" if "infeasible" in out.status else "NumericalDifficulty"
        )
        msg = f"stage {tp.data.index} (id {tp.data.stage_id}) LP is {out.status.replace('_', ' ')}"
        if detail:
            msg += ": " + detail
        err = SolverError(
            msg,
            kind=kind,
            stage=tp.data.index,
            solver_status=out.status,
            context={"retry_attempts": out.retry_attempts, "rows": detail},
        )
        err.retry_attempts = out.retry_attempts  # type: ignore[attr-defined]
        err.simplex_iterations = out.iterations  # type: ignore[attr-defined]
        return err

    # -- results -------------------------------------------------------------------------
    def current_row_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Structural + cut row bounds as the solver holds them now (diagnostics)."""
        lp = self.solver.highs.getLp()  # type: ignore[attr-defined]
        return np.asarray(lp.row_lower_), np.asarray(lp.row_upper_)

    def extract_plan(self) -> Any:
        """The template-only part of :meth:`extract` (``lp.extract.ExtractPlan``), built once."""
        plan = self.__dict__.get("_extract_plan")
        if plan is None:
            from pycobre.lp.extract import ExtractPlan

            plan = self._extract_plan = ExtractPlan(self)
        return plan

    def extract(self, result: SolveResult | None = None) -> dict[str, np.ndarray]:
        """Per-entity quantities of spec 13 §4 for ``result`` (default: the last solve)."""
        from pycobre.lp.extract import extract_quantities

        res = result if result is not None else self._last
        if res is None:
            raise ValueError("extract() called before any successful solve")
        return extract_quantities(self, res)
