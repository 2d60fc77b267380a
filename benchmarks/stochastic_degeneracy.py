"""Is a bound difference against Cobre a degenerate-LP vertex choice? (developer tool)

Takes a work directory kept by ``benchmarks/stochastic_vs_cobre.py --keep DIR`` and a case label.
It finds the first forward-pass state where Cobre's and pycobre's visited-state archives part
(stage t, iteration i, forward pass m), then rebuilds that very LP in pycobre:

* incoming state = the (shared) outgoing state of stage t-1 at (i, m), or the initial state;
* noise = pycobre's forward noise for (i, m, t) (the same draw as Cobre's: spec 11 §16.7);
* cuts = Cobre's own stage-t cuts of iterations < i, read from its policy files (checked equal
  to pycobre's).

It solves the LP (optimum Q*), then fixes the outgoing storages to Cobre's visited state and
solves again (Q_cobre). Q_cobre == Q* (relative 1e-9) means Cobre's state is another optimal
vertex of the same LP, so the divergence is a solver vertex choice, not a modelling difference.

    python benchmarks/stochastic_vs_cobre.py 4ree --keep /tmp/cmp
    python benchmarks/stochastic_degeneracy.py /tmp/cmp 4ree
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from pycobre.io.policy.checkpoint import read_policy
from pycobre.run import prepare
from pycobre.sddp.problem import build_problem


def first_divergence(ref, ours, m: int, tol: float = 1e-9) -> tuple[int, int, int] | None:  # noqa: ANN001
    """(stage, iteration, forward pass) of the earliest differing visited state."""
    best = None
    for t, (sa, sb) in enumerate(zip(ref.states, ours.states, strict=True)):
        n = min(sa.count, sb.count)
        if n == 0:
            continue
        d = np.abs(sa.data[:n] - sb.data[:n]).max(axis=1) / np.maximum(
            np.abs(sa.data[:n]).max(axis=1), 1.0
        )
        bad = np.flatnonzero(d > tol)
        if bad.size:
            r = int(bad[0])
            key = (r // m + 1, t, r % m)
            if best is None or key < best:
                best = key
    return None if best is None else (best[1], best[0], best[2])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("work", type=Path)
    ap.add_argument("label")
    args = ap.parse_args()
    w, lab = args.work, args.label
    ref = read_policy(w / f"{lab}-cobre-out" / "policy", load_bases=False)
    ours = read_policy(w / f"{lab}-pycobre-out" / "policy", load_bases=False)
    m_total = int(ref.metadata.forward_passes)
    hit = first_divergence(ref, ours, m_total)
    if hit is None:
        print("visited states agree everywhere")
        return 0
    t, it, m = hit
    row = (it - 1) * m_total + m
    print(f"first differing visited state: stage {t}, iteration {it}, forward pass {m}")
    ctx = prepare(w / f"{lab}-pycobre-case")
    prob = build_problem(ctx.system, ctx.stochastic, ctx.templates)
    x_in = prob.initial_state if t == 0 else ref.states[t - 1].data[row]
    if t > 0:
        same_in = np.allclose(ours.states[t - 1].data[row], x_in, rtol=1e-12, atol=1e-9)
        print(f"incoming state identical in both archives: {same_in}")
    ca, cb = ref.cuts[t], ours.cuts[t]
    sel_a = (ca.iterations > 0) & (ca.iterations < it)
    sel_b = (cb.iterations > 0) & (cb.iterations < it)
    same_cuts = np.allclose(ca.coefficients[sel_a], cb.coefficients[sel_b], rtol=1e-12) and (
        np.allclose(ca.intercepts[sel_a], cb.intercepts[sel_b], rtol=1e-12)
    )
    print(f"stage-{t} cuts of iterations < {it}: {int(sel_a.sum())}, identical: {same_cuts}")
    eta = prob.forward_noise(it, m, t)
    lp = prob.make_lp(t)
    if sel_a.any():
        lp.add_cuts(ca.coefficients[sel_a], ca.intercepts[sel_a])
    lp.set_state(x_in)
    lp.set_noise(eta)
    lp.clear_basis()
    best = lp.solve()
    tp = lp.template
    n_h = tp.n_hydros
    mine = np.allclose(best.state_out[:n_h], ours.states[t].data[row][:n_h], rtol=1e-9, atol=1e-7)
    print(
        f"Q* = {best.objective!r}; this cold solve reproduces pycobre's archived storages: "
        f"{mine}{'' if mine else ' (training warm-started elsewhere: yet another vertex)'}"
    )
    target = ref.states[t].data[row]
    c_v = tp.col_spans["storage"][0]
    highs = lp.solver.highs
    for h in range(n_h):
        col = c_v + h
        val = float(target[h]) / float(tp.col_scale[col])
        highs.changeColBounds(col, val, val)
    lp.clear_basis()
    forced = lp.solve()
    rel = abs(forced.objective - best.objective) / max(abs(best.objective), 1.0)
    print(f"Q with Cobre's outgoing storages fixed = {forced.objective!r} (rel diff {rel:.2e})")
    print(
        "=> Cobre's state is an alternative optimum of the same LP (degenerate)"
        if rel <= 1e-9
        else "=> NOT an alternative optimum: the LPs differ"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
