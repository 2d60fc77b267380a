"""Stochastic layer: PAR(p) inflow models, load/NCS noise, opening tree and forward sampling.

Entry point: :func:`build_stochastic_model` (contracts §2). Random streams reproduce Cobre 0.5.1
bit for bit (spec 11 §16).
"""

from pycobre.stochastic.model import StochasticModel, build_stochastic_model


def write_stochastic_exports(model, out_dir):  # noqa: ANN001, ANN201 - lazy re-export
    """See :func:`pycobre.stochastic.exports.write_stochastic_exports`."""
    from pycobre.stochastic.exports import write_stochastic_exports as _write

    return _write(model, out_dir)


__all__ = ["StochasticModel", "build_stochastic_model", "write_stochastic_exports"]
