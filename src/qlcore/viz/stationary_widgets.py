"""Chapter 6's explorer: where the isotropic start lands against the energy barrier.

Gamarnik et al. (§4.5) start gradient descent on the shallow quadratic network
``f(x) = |W x|^2`` (``W`` of size ``m x d``) at an isotropic ``W_0`` with ``W_0^T W_0 = m I``. If
the risk of the start is below the energy barrier, descent (which never raises the risk) never
reaches a rank-deficient ``W``, and its full-rank stationary points are global minima. For
inputs with i.i.d. centred coordinates of moments ``mu2 = E X^2`` and ``mu4 = E X^4`` the
population risk of ``W`` against the planted ``W*`` is (§4.1)::

    L(W) = (mu4 - 3 mu2^2) sum_i M_ii^2 + mu2^2 (2 |M|_F^2 + (tr M)^2),  M = W^T W - W*^T W*,

and the barrier, a lower bound on the risk of every rank-deficient ``W``, is
``min{mu4 - mu2^2, 2 mu2^2} sigma_min(W*)^4``.

:func:`start_histograms` draws, for one dimension ``d`` and width ``m = round(ratio d^2)``, the
histogram over random Gaussian planted ``W*`` of ``L(W_0) / barrier`` (computed by
:func:`qlcore.stationary.points.population_init_point`), one panel per input law, with the
barrier (``x = 1``) dotted, the fraction of draws below it in the title and, dashed, our
heuristic ``E L(W_0) / barrier`` at the typical ``sigma_min(W*) ~ sqrt m - sqrt d``
(:func:`qlcore.stationary.initialisation.expected_start_risk`). :func:`start_explorer` puts the
frames of every ``(d, m / d^2)`` pair behind one slider
(:func:`qlcore.viz.widgets.frame_slider`). The start lands below the barrier with high
probability once ``m / d^2`` is a large enough constant, larger for uniform inputs (whose barrier
constant ``mu4 - mu2^2 = 4/5`` is the smallest) than for Gaussian or Laplace ones.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from qlcore.infra.checks import (
    InputError,
    check_budget,
    check_choice,
    check_positive_int,
    check_real,
    check_seed,
)
from qlcore.samples import span
from qlcore.stationary import initialisation, points
from qlcore.viz import style
from qlcore.viz.widgets import frame_slider, png_frame

LAWS = ("gaussian", "uniform", "laplace")
"""The default input laws: those of ``qlcore.samples.span.INPUT_LAWS`` with a positive
barrier (Rademacher inputs have ``mu4 = mu2^2``, so a zero barrier)."""

LAW_COLORS = {"gaussian": "#2471a3", "uniform": "#c0392b", "laplace": "#239b56"}
"""One colour per input law."""

X_RANGE = (1e-2, 1e4)
"""The x range of the histograms; ratios outside it are drawn at its edges."""

BINS_PER_DECADE = 12

MAX_RATIO = 1e6
"""The largest ``m / d^2`` accepted (``m`` must stay an exact integer)."""

MAX_FRAMES = 120
"""The most ``(d, ratio)`` frames one explorer holds (each is an inline PNG in the page)."""


def _check_dim(value, name: str) -> int:
    return check_positive_int(value, name, minimum=2)


def _check_ratio(value, name: str) -> float:
    return check_real(value, name, positive=True, maximum=MAX_RATIO)


def _check_laws(laws) -> tuple[str, ...]:
    """``laws`` as a tuple of distinct names of ``qlcore.samples.span.INPUT_LAWS``, each with
    a positive barrier constant ``min{mu4 - mu2^2, 2 mu2^2}``."""
    if isinstance(laws, str) or not isinstance(laws, (list, tuple)) or not laws:
        raise InputError(
            f"laws must be a non-empty list of input laws among {span.INPUT_LAWS}, got {laws!r}",
            argument="laws",
        )
    for law in laws:
        check_choice(law, "laws", span.INPUT_LAWS)
        moments = span.input_law(law)
        if not moments.barrier_constant > 0:
            raise InputError(
                f"laws: {law!r} inputs have mu4 = mu2^2, so the barrier is 0 and L(W0) / barrier "
                f"is undefined; leave {law!r} out",
                argument="laws",
            )
    if len(set(laws)) != len(laws):
        raise InputError(f"laws must not repeat a law, got {laws!r}", argument="laws")
    return tuple(laws)


def _check_draws(draws, dim: int, count: int) -> int:
    """``draws`` as an int >= 1 whose Wishart draws (``dim x dim``, for ``count`` laws and
    frames) fit the memory and work limits."""
    draws = check_positive_int(draws, "draws")
    check_budget(
        "the Wishart draws and their eigenvalues",
        argument="draws",
        nbytes=8.0 * 4 * draws * dim * dim,
        flops=30.0 * count * draws * dim**3,
        fix="use fewer draws or smaller dimensions",
    )
    return draws


def _rows(dim: int, ratio: float) -> int:
    """``m = round(ratio d^2)``, at least ``d``, as in
    :func:`~qlcore.stationary.points.population_init_point`."""
    return max(dim, int(round(ratio * dim * dim)))


def _heuristic(rows: int, dim: int, law: str) -> float | None:
    """``E L(W_0)`` over the barrier at ``sigma_min(W*) = sqrt m - sqrt d`` (None if ``m = d``)."""
    moments = span.input_law(law)
    constant = moments.barrier_constant
    typical = (np.sqrt(rows) - np.sqrt(dim)) ** 4
    if not typical > 0:
        return None
    value = initialisation.expected_start_risk(rows, dim, law) / (constant * typical)
    return float(value) if np.isfinite(value) else None


def _ratio_text(ratio: float) -> str:
    return f"{ratio:g}"


def start_histograms(dim: int, ratio: float, laws=LAWS, draws: int = 400, seed: int = 0):
    """Histograms over ``draws`` Gaussian planted ``W*`` (``m x d``, ``m = round(ratio d^2)``) of
    the population risk of the isotropic start over the barrier, one panel per law of ``laws``:
    the barrier ``x = 1`` dotted, the heuristic ``E L(W_0) / barrier`` dashed, and in the title
    the fraction of draws below the barrier. Returns the Figure."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import LogLocator, MaxNLocator, NullFormatter

    dim = _check_dim(dim, "dim")
    ratio = _check_ratio(ratio, "ratio")
    laws = _check_laws(laws)
    draws = _check_draws(draws, dim, len(laws))
    seed = check_seed(seed)
    rows = _rows(dim, ratio)
    low, high = X_RANGE
    bins = np.logspace(np.log10(low), np.log10(high), BINS_PER_DECADE * 6 + 1)
    with plt.rc_context({"font.size": 13, "axes.titlesize": 13, "axes.labelsize": 13}):
        fig, axes = plt.subplots(1, len(laws), figsize=(11, 3.8), sharey=True, squeeze=False)
        clipped = False
        for ax, law in zip(axes[0], laws):
            values = np.asarray(
                points.population_init_point(dim, ratio, draws, law, seed)["start_over_barrier"],
                dtype=float,
            )
            fraction = float(np.mean(values < 1))
            shown = np.clip(np.nan_to_num(values, nan=high, posinf=high), low, high)
            clipped |= bool(np.any(shown != values))
            ax.hist(shown, bins=bins, color=LAW_COLORS.get(law, "0.4"))
            ax.axvline(1.0, **style.THEORY_LINE, label="barrier")
            heuristic = _heuristic(rows, dim, law)
            if heuristic is not None and low <= heuristic <= high:
                ax.axvline(
                    heuristic,
                    color="0.15",
                    linestyle="--",
                    linewidth=1.5,
                    label="heuristic",
                )
            ax.set_xscale("log")
            ax.set_xlim(low, high)
            ax.xaxis.set_major_locator(LogLocator(base=100.0))
            ax.xaxis.set_minor_locator(LogLocator(base=10.0, subs=(1.0,), numticks=20))
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.set_xlabel("L(W₀) / barrier")
            ax.set_title(f"{law}: P(below barrier) = {fraction:.3g}")
        axes[0, 0].set_ylabel(f"draws of W* (of {draws})")
        axes[0, 0].yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        handles, names = axes[0, 0].get_legend_handles_labels()
        fig.legend(handles, names, loc="upper right", ncol=2, frameon=False)
        note = f"\n(ratios outside [{low:g}, {high:g}] drawn at the edge)" if clipped else ""
        fig.suptitle(
            f"isotropic start W₀ᵀW₀ = m I at d = {dim}, m = {rows} "
            f"(m/d² = {_ratio_text(ratio)}){note}",
            fontsize=13,
            x=0.01,
            ha="left",
        )
        fig.tight_layout()
    return fig


def _check_sequence(values, name: str, check) -> tuple:
    if isinstance(values, (str, bytes)) or not isinstance(values, (list, tuple)) or not values:
        raise InputError(f"{name} must be a non-empty list, got {values!r}", argument=name)
    checked = tuple(check(value, name) for value in values)
    if len(set(checked)) != len(checked):
        raise InputError(f"{name} must not repeat a value, got {values!r}", argument=name)
    return checked


def start_explorer(
    dims=(5, 10, 20),
    ratios=(0.5, 1, 2, 4, 8, 16),
    laws=LAWS,
    draws: int = 400,
    seed: int = 0,
) -> widgets.VBox:
    """Slider over every pair of ``d`` in ``dims`` and ``m / d^2`` in ``ratios`` (``d`` outer)
    showing :func:`start_histograms`, labelled ``"d = 10, m = 400 (m/d² = 4)"``."""
    dims = _check_sequence(dims, "dims", _check_dim)
    ratios = _check_sequence(ratios, "ratios", _check_ratio)
    laws = _check_laws(laws)
    if len(dims) * len(ratios) > MAX_FRAMES:
        raise InputError(
            f"ratios: dims x ratios gives {len(dims) * len(ratios)} frames, more than "
            f"{MAX_FRAMES}; use fewer dims or ratios",
            argument="ratios",
        )
    draws = _check_draws(draws, max(dims), len(laws) * len(dims) * len(ratios))
    seed = check_seed(seed)
    frames, labels = [], []
    for dim in dims:
        for ratio in ratios:
            rows = _rows(dim, ratio)
            frames.append(
                png_frame(
                    start_histograms(dim, ratio, laws, draws, seed),
                    alt=f"Histograms over {draws} random planted W* of the population risk of "
                    f"the isotropic start over the energy barrier at d = {dim}, m = {rows}, one "
                    f"panel per input law ({', '.join(laws)}), with the barrier dotted and the "
                    "heuristic expected value dashed; the titles give the fraction below the "
                    "barrier",
                )
            )
            labels.append(f"d = {dim}, m = {rows} (m/d² = {_ratio_text(ratio)})")
    return frame_slider(frames, labels, "d and m")
