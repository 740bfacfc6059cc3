"""Bad and edge inputs to every public function of qlcore (property-based, Hypothesis).

Every public callable of the package is found by walking its modules (``pkgutil``): functions,
public classes (their constructors) and their public methods, each defined in the module that
lists it (exception classes are raised, not called, and are left out). A new function is
covered without touching this file. For each parameter
(``inspect.signature``) an example draws either a valid value or one from :data:`POOL`, a mix of
bad and edge values (``None``, numbers as strings, booleans, negative and NumPy integers, NaN,
infinities, ``1e300``, empty and ragged lists, 1-D/2-D/3-D arrays, non-symmetric and symmetric
matrices, a generator, device names). The valid value is, in this order, a per-function override
(:data:`OVERRIDES`), the parameter's default, or a small value for its name (:data:`VALID`);
without any, only the pool is drawn. Shrinking moves parameters towards the valid value, so a
reported example has as few bad arguments as Hypothesis could find.

The property: the call either raises a :class:`qlcore.infra.checks.QLCoreError` whose message
(or ``.argument``) names one of the function's parameters (for a method, or of its class's
constructor), or returns a value without NaN
whenever every input was finite (arrays, tensors, dicts, sequences and dataclasses are walked).
Any other exception fails, as does an example slower than its deadline (2 s unless listed in
:data:`BUDGETS`); one still running after :data:`HANG` deadlines is stopped.

Lists, each entry with its reason: :data:`EXCLUDED` (side effects or whole experiments by
design), :data:`FIXED` (parameters held at one value), :data:`DOCUMENTED_NAN` (NaN a docstring
promises) and :data:`PENDING` (known failures in modules being fixed: ``xfail``, not strict).

The examples are derandomised, so every run tries the same ones; set
``QLCORE_BAD_INPUTS_EXPLORE=1`` to draw ten times as many at random, and
``QLCORE_BAD_INPUTS_LOG=FILE`` to append each failing example to ``FILE``, one per line.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import math
import os
import pkgutil
import re
import signal
import sys
import threading
from datetime import timedelta
from fractions import Fraction

import matplotlib

matplotlib.use("Agg", force=True)

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch._dynamo  # noqa: E402, F401
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import qlcore  # noqa: E402
from qlcore.infra.checks import QLCoreError  # noqa: E402

EXPLORE = bool(os.environ.get("QLCORE_BAD_INPUTS_EXPLORE"))
LOG = os.environ.get("QLCORE_BAD_INPUTS_LOG")
MAX_EXAMPLES = 40  # per function, unless BUDGETS says otherwise
DEADLINE_S = 2.0  # per example, unless BUDGETS says otherwise
HANG = 2  # an example still running after HANG deadlines is stopped and fails as a hang
# torch.func imports torch._dynamo on its first call, which takes seconds on a busy machine. A hang
# stop that interrupts that import leaves torch half-initialised: the next import registers an
# operator twice and every later torch.func call in the worker fails (seen in a fresh-clone run).
# Hence the import of torch._dynamo above, before any example runs under a deadline.

# --------------------------------------------------------------------------- the pool


def _rng():
    return np.random.default_rng(0)


POOL = {
    "None": lambda: None,
    "'0.1'": lambda: "0.1",
    "'cpu'": lambda: "cpu",
    "'cuda'": lambda: "cuda",
    "''": lambda: "",
    "True": lambda: True,
    "False": lambda: False,
    "-1": lambda: -1,
    "0": lambda: 0,
    "1": lambda: 1,
    "2": lambda: 2,
    "3": lambda: 3,
    "4": lambda: 4,
    "np.int64(3)": lambda: np.int64(3),
    "np.int32(2)": lambda: np.int32(2),
    "0.5": lambda: 0.5,
    "-0.5": lambda: -0.5,
    "nan": lambda: math.nan,
    "inf": lambda: math.inf,
    "-inf": lambda: -math.inf,
    "1e300": lambda: 1e300,
    "-1e300": lambda: -1e300,
    "[]": lambda: [],
    "{}": lambda: {},
    "[1.0, 2.0]": lambda: [1.0, 2.0],
    "[[1.0, 2.0], [3.0]] (ragged)": lambda: [[1.0, 2.0], [3.0]],
    "np.array([])": lambda: np.array([]),
    "1-D array [1, -2, 0.5]": lambda: np.array([1.0, -2.0, 0.5]),
    "2-D array (3, 2)": lambda: np.arange(6.0).reshape(3, 2) - 2.0,
    "3-D array (2, 2, 2)": lambda: np.ones((2, 2, 2)),
    "non-symmetric [[1, 2], [0, 1]]": lambda: np.array([[1.0, 2.0], [0.0, 1.0]]),
    "symmetric [[2, 1], [1, 2]]": lambda: np.array([[2.0, 1.0], [1.0, 2.0]]),
    "singular symmetric [[1, 1], [1, 1]]": lambda: np.ones((2, 2)),
    "np.eye(3)": lambda: np.eye(3),
    "[[1, nan], [nan, 1]]": lambda: np.array([[1.0, np.nan], [np.nan, 1.0]]),
    "1e300 * np.eye(2)": lambda: 1e300 * np.eye(2),
    "np.random.default_rng(0)": _rng,
}

# --------------------------------------------------------------------------- valid values

D = 2  # the input dimension of the small valid world
TEACHER = np.array([[1.0, 0.3], [0.3, 0.5]])
MATRIX = np.array([[0.8, 0.1], [0.1, 0.6]])
X = np.random.default_rng(1).standard_normal((6, D))
Y = np.einsum("ni,ij,nj->n", X, TEACHER, X)
CONE = np.vstack([np.eye(3), [0.3, 0.3, 0.4]])  # a proper cone in R^3, 3 extremal rays
TIMES = np.array([0.0, 0.1, 1.0])


def _moments():
    from qlcore.model.moments import moments_from_data

    return moments_from_data(X, Y)


def _network():
    from qlcore.model.networks import QLNetwork

    return QLNetwork(lam=np.array([1.0, 0.5]), q=np.eye(D))


def _images():
    from qlcore.samples.strings import straight_string

    return straight_string(MATRIX, TEACHER, 3)


def _profile():
    from qlcore.samples.strings import loss_profile

    return loss_profile(_moments(), TEACHER, _images())


def _frames():
    import ipywidgets

    return [ipywidgets.HTML("a frame")]


def _figure():
    return plt.figure(figsize=(1, 1))


def _figure_id():
    from qlcore.experiments.registry import REGISTRY

    return sorted(REGISTRY)[0]


def _students():
    from qlcore.model.train import Student

    return [[Student(_network())]]


def _fig2_result():
    """The smallest dict :func:`qlcore.viz.widgets.training_curve_explorer` draws."""
    cell = {"trace_nmse": [[1.0, 0.5, 0.1]]}
    return {
        "trace_epochs": [0, 10, 100],
        "settings": {"widths": [2]},
        "models": ["planted-diagonal"],
        "variants": ["regular"],
        "cells": {"planted-diagonal": {"regular": cell}},
        "least_squares_nmse": {"planted-diagonal": [0.01]},
    }


def _covariances():
    """Moments of 8 samples with 3 inputs and 2 outputs (Theorem 1.2's assumptions hold)."""
    from qlcore.homogeneous.critical_points import covariances_from_data

    rng = np.random.default_rng(2)
    x = rng.standard_normal((8, 3))
    return covariances_from_data(x, x @ rng.standard_normal((3, 2)) + rng.standard_normal((8, 2)))


LINEAR_U, LINEAR_V = np.array([[1.0], [0.5]]), np.array([[0.3], [-0.2], [0.1]])  # n2, n0 = 2, 3
DEEP_WEIGHTS = (np.array([[0.3, 0.1, -0.2]]), np.array([[1.0]]), np.array([[0.5], [-0.2]]))
FACTOR = {  # matrix factorisation: y (n2, n0) = (2, 3) with LINEAR_U, LINEAR_V as factors
    "y": np.array([[2.0, 0.5, -0.3], [0.4, -1.0, 1.2]]).copy,
    "u": LINEAR_U.copy,
    "v": LINEAR_V.copy,
    "z": np.array([[1.0, 0.2, 0.0], [0.0, -0.5, 0.6]]).copy,
}
RELU = {  # ReLU network: one input and a row of ones, four samples, two units
    "x": np.array([[-1.5, -0.5, 0.4, 1.2], [1.0, 1.0, 1.0, 1.0]]).copy,
    "y": np.array([[0.8, -0.3, 0.5, 1.1]]).copy,
    "w1": np.array([[1.0, -0.5], [0.2, 0.3]]).copy,
    "w2": np.array([[0.7, 0.4]]).copy,
    "direction": np.array([0.6, 0.8]).copy,
}


# Small valid values by parameter name (used when a parameter has no default). ``scale`` has
# none on purpose: a function that takes one runs part of an experiment, so only its checks of
# bad values are exercised here.
VALID = {
    "alt": lambda: "a figure",
    "alpha": lambda: 2.0,
    "argument": lambda: "n",
    "choices": lambda: ("a", "b"),
    "coords": lambda: np.array([1.0, 0.0, 1.0]),
    "cov": _covariances,
    "crossing_times": lambda: np.array([1.0, 2.0, np.inf]),
    "d": lambda: D,
    "datasets": lambda: [(X, Y)],
    "description": lambda: "slide",
    "device": lambda: "cpu",
    "difference": lambda: MATRIX - TEACHER,
    "dim": lambda: D,
    "draw": lambda: 0,
    "draws": lambda: 3,
    "eigenvalues": lambda: np.array([0.5, 0.2]),
    "end": lambda: TEACHER.copy(),
    "epochs": lambda: 2,
    "figure": _figure,
    "figure_id": _figure_id,
    "fix": lambda: "ask for less",
    "frames": _frames,
    "generalisation": lambda: np.array([[1.0, 0.5, 0.05]]),
    "images": _images,
    "init": lambda: "gaussian",
    "k": lambda: 1,
    "labels": lambda: ["a"],
    "lam": lambda: 0.5,
    "law": lambda: "gaussian",
    "loss": lambda: np.array([1.0, 0.5, 0.2]),
    "m_star": lambda: 1,
    "matrices": lambda: np.stack([MATRIX, TEACHER, 2 * MATRIX]),
    "matrix": lambda: MATRIX.copy(),
    "max_k": lambda: 1,
    "max_n": lambda: 4,
    "model": lambda: "planted-gaussian",
    "module": lambda: importlib.import_module("qlcore.cones.counts"),
    "moments": _moments,
    "mu": lambda: 0.2,
    "mu2": lambda: 1.0,
    "mu4": lambda: 3.0,
    "n": lambda: 6,
    "n_draws": lambda: 3,
    "n_images": lambda: 3,
    "n_samples": lambda: 6,
    "n_steps": lambda: 3,
    "n_trials": lambda: 2,
    "n_values": lambda: [2, 3],
    "n_vectors": lambda: 4,
    "name": lambda: "qlcore.cones.counts",
    "network": _network,
    "planted": lambda: np.array([[1.0, 0.0], [0.5, 1.0]]),
    "profile": _profile,
    "rank": lambda: 1,
    "rate": lambda: 1.0,
    "ratios": lambda: [1.0, 2.0],
    "rho": lambda: 0.5,
    "rhos": lambda: [0.5, 1.0],
    "rhs": lambda: lambda t, y: -y,
    "rng": _rng,
    "runs": lambda: 2,
    "seed": lambda: 0,
    "source": lambda: "import numpy\n",
    "spectrum": lambda: "flat, λ* = 2",
    "start": lambda: MATRIX.copy(),
    "step_size": lambda: 0.05,
    "students": _students,
    "successes": lambda: np.array([1, 2]),
    "t": lambda: TIMES.copy(),
    "t_max": lambda: 0.5,
    "tau": lambda: np.array([8.0, 4.0, 2.5, 2.0]),
    "teacher": lambda: TEACHER.copy(),
    "teacher_eigenvalues": lambda: np.array([1.0, 0.0]),
    "teacher_matrix": lambda: TEACHER.copy(),
    "teacher_rank": lambda: 1,
    "threshold": lambda: 0.1,
    "trial": lambda: 0,
    "trials": lambda: np.array([2, 2]),
    "variant_name": lambda: "regular",
    "vectors": lambda: CONE.copy(),
    "weights": lambda: np.array([[1.0, 0.2], [0.0, 1.0]]),
    "what": lambda: "a request",
    "width": lambda: 2,
    "width_label": lambda: "1",
    "x": lambda: X.copy(),
    "y": lambda: Y.copy(),
    "y0": lambda: np.array([1.0]),
    "z": lambda: np.array([0.3, -1.2, 0.8, 2.0]),
}

# Valid values for one function's parameter, where the name's value or the default does not fit
# or is slow.
OVERRIDES = {
    # a check whose answer is cheap to recompute, so every drawn answer is judged
    ("qlcore.exercises.checking.check_answer", "label"): lambda: "ch4-ex-kappa",
    ("qlcore.exercises.checking.is_right", "label"): lambda: "ch4-ex-kappa",
    ("qlcore.dynamics.flows.rate_bound", "k"): lambda: np.array([1.0, 0.8, 0.5]),
    ("qlcore.dynamics.flows.integrate", "t"): lambda: np.array([0.0, 1.0]),
    ("qlcore.viz.cone_widgets.face_count_explorer", "dims"): lambda: (3,),
    ("qlcore.viz.cone_widgets.face_count_explorer", "max_ratio"): lambda: 1,
    ("qlcore.viz.dynamics_widgets.convergence_explorer", "dims"): lambda: (2,),
    ("qlcore.viz.dynamics_widgets.convergence_explorer", "widths"): lambda: ("1",),
    ("qlcore.viz.dynamics_widgets.convergence_explorer", "spectra"): lambda: ("flat, λ* = 2",),
    ("qlcore.viz.cone_widgets.rotating_cone", "n_views"): lambda: 2,
    ("qlcore.viz.stationary_widgets.start_explorer", "dims"): lambda: (4,),
    ("qlcore.viz.stationary_widgets.start_explorer", "ratios"): lambda: (1,),
    ("qlcore.viz.stationary_widgets.start_explorer", "draws"): lambda: 20,
    **{
        (f"qlcore.viz.linear_widgets.{name}", parameter): value
        for name in ("saddle_plane", "saddle_slice")
        for parameter, value in (("n1", lambda: 1), ("index_set", lambda: [2]))
    },
    ("qlcore.viz.linear_widgets.saddle_explorer", "grid"): lambda: 11,
    ("qlcore.viz.widgets.training_curve_explorer", "result"): _fig2_result,
    ("qlcore.viz.cone_widgets.face_fraction_figure", "dim"): lambda: 3,
    ("qlcore.samples.strings.string_method", "max_iterations"): lambda: 20,
    ("qlcore.model.spurious.check_spurious_point", "n_perturbations"): lambda: 20,
    ("qlcore.experiments.cover_efron.exact_table", "dims"): lambda: [3],
    ("qlcore.experiments.cover_efron.exact_curves", "dims"): lambda: [3],
    ("qlcore.experiments.cover_efron.sampled_point", "d"): lambda: 3,
    ("qlcore.experiments.cover_efron.sampled_point", "n"): lambda: 4,
    ("qlcore.homogeneous.critical_points.covariances_from_data", "y"): lambda: X @ TEACHER,
    **{
        (f"qlcore.homogeneous.critical_points.{name}", parameter): value
        for name in ("risk", "gradient", "hessian", "hessian_form")
        for parameter, value in (("u", LINEAR_U.copy), ("v", LINEAR_V.copy))
    },
    ("qlcore.homogeneous.critical_points.hessian_form", "du"): lambda: LINEAR_U[::-1].copy(),
    ("qlcore.homogeneous.critical_points.hessian_form", "dv"): lambda: LINEAR_V[::-1].copy(),
    ("qlcore.homogeneous.critical_points.critical_point", "n1"): lambda: 1,
    ("qlcore.homogeneous.critical_points.critical_point", "index_set"): lambda: [2],
    ("qlcore.homogeneous.critical_points.enumerate_critical_points", "n1"): lambda: 1,
    **{
        (f"qlcore.homogeneous.deep_linear.{name}", "weights"): lambda: list(DEEP_WEIGHTS)
        for name in ("risk", "gradient", "hessian", "classify")
    },
    ("qlcore.homogeneous.deep_linear.gradient_descent", "widths"): lambda: (3, 1, 2),
    ("qlcore.homogeneous.deep_linear.success_by_depth", "depths"): lambda: [1, 2],
    ("qlcore.homogeneous.deep_linear.success_by_depth", "width"): lambda: 1,
    ("qlcore.homogeneous.deep_linear.census", "widths"): lambda: (3, 1, 1, 2),
    **{
        (f"qlcore.homogeneous.factorization.{name}", parameter): FACTOR[parameter]
        for name, parameters in (
            ("objective", "yuv"),
            ("gradient", "yuv"),
            ("global_optimality", "yuv"),
            ("local_descent", "yuv"),
            ("convex_objective", "yz"),
            ("factorization_optimum", "y"),
            ("meta_algorithm", "y"),
        )
        for parameter in parameters
    },
    **{
        (f"qlcore.homogeneous.relu.{name}", parameter): RELU[parameter]
        for name, parameters in (
            ("outputs", ("x", "w1", "w2")),
            ("objective", ("x", "y", "w1", "w2")),
            ("gradient", ("x", "y", "w1", "w2")),
            ("stationarity", ("x", "y", "w1", "w2")),
            ("train", ("x", "y", "w1", "w2")),
            ("polar_check", ("x", "y", "w1", "w2")),
            ("add_unit", ("x", "y", "w1", "w2", "direction")),
            ("random_start", ("x", "y")),
            ("nonincreasing_paths", ("x", "y")),
            ("flat_rescaling", ("x",)),
        )
        for parameter in parameters
    },
    # the flat rescaling needs more units than the n2 m = 4 output entries
    ("qlcore.homogeneous.relu.flat_rescaling", "w1"): lambda: np.tile(RELU["w1"](), 3)[:, :5],
    ("qlcore.homogeneous.relu.flat_rescaling", "w2"): lambda: np.tile(RELU["w2"](), 3)[:, :5],
}

# Instances whose methods are tested (other classes are built from their constructors' valid
# values).
INSTANCES = {
    "qlcore.cones.sampling.FaceEstimate": lambda: _call(
        "qlcore.cones.sampling.estimate_faces", 4, 3, 1, n_draws=3
    ),
    "qlcore.dynamics.flows.RateBound": lambda: _call(
        "qlcore.dynamics.flows.rate_bound", TIMES, [1.0, 0.5, 0.2], [1.0, 0.8, 0.5]
    ),
    "qlcore.dynamics.lotka_volterra.OrthogonalTeacherFlow": lambda: _call(
        "qlcore.dynamics.lotka_volterra.OrthogonalTeacherFlow", 4, 1
    ),
    "qlcore.model.networks.QLNetwork": _network,
    "qlcore.deep.networks.DeepQLNetwork": lambda: _call(
        "qlcore.deep.networks.random_network", D, [2], np.random.default_rng(0)
    ),
    "qlcore.deep.multioutput.MultiOutputNetwork": lambda: _call(
        "qlcore.deep.multioutput.random_start", D, 3, 2, np.random.default_rng(0)
    ),
    "qlcore.samples.teacher_student.RecoveryRun": lambda: _call(
        "qlcore.samples.teacher_student.RecoveryRun",
        t=TIMES,
        training_loss=np.array([[1.0, 0.5, 0.1]]),
        generalisation=np.array([[1.0, 0.5, 0.05]]),
        matrices=np.stack([TEACHER]),
    ),
    "qlcore.model.networks.Variant": lambda: _call("qlcore.model.networks.variant", "regular"),
    "qlcore.samples.recovery.PowerLawFit": lambda: _call(
        "qlcore.samples.recovery.fit_relaxation_times",
        [1.0, 1.5, 2.0, 3.0, 4.0, 6.0],
        [10 / (a - 0.5) ** 1.5 for a in (1.0, 1.5, 2.0, 3.0, 4.0, 6.0)],
    ),
}

# --------------------------------------------------------------------------- the lists

# Not called: their job is side effects or whole experiments.
EXCLUDED = {
    "qlcore.cli.main": "runs the command line: reproduces figures, writes files",
    "qlcore.reproduce.compute": "runs a whole experiment",
    "qlcore.reproduce.reproduce": "runs a whole experiment and writes the cache",
    "qlcore.reproduce.ship": "runs a whole paper-scale experiment and writes results/",
    "qlcore.infra.sweep.run_sweep": "starts process pools; tested in tests/infra/test_sweep.py",
    "qlcore.infra.cache.write_atomically": "writes files (its job)",
    "qlcore.infra.cache.claim": "creates claim files (its job)",
    "qlcore.infra.cache.release": "deletes claim files (its job)",
    "qlcore.infra.cache.refresh": "touches claim files (its job)",
}
# ... and every ``run`` of qlcore.experiments.*: a whole experiment, checked by check_scale.
EXPERIMENT_RUN = re.compile(r"^qlcore\.experiments\.\w+\.run$")

# Parameters held at their valid value instead of drawn.
FIXED = {
    ("qlcore.model.train.train_networks", "compile"): "torch.compile takes ~10 s per shape",
}

# Results that may hold NaN by documented design: (function, path prefix) -> reason.
NAN_MEAN = (
    "FaceEstimate: NaN when no draw was proper (documented; experiments.cover_efron reads it)"
)
NAN_SE = "FaceEstimate: NaN when fewer than two draws were proper (documented)"
DOCUMENTED_NAN = {
    ("qlcore.cones.sampling.estimate_faces", "result.mean_faces"): NAN_MEAN,
    ("qlcore.cones.sampling.estimate_faces", "result.faces_se"): NAN_SE,
    ("qlcore.cones.sampling.FaceEstimate.as_dict", "result['mean_faces']"): NAN_MEAN,
    ("qlcore.cones.sampling.FaceEstimate.as_dict", "result['faces_se']"): NAN_SE,
}

# Known failures in modules being fixed right now (xfail, not strict, and not shrunk, to stay
# quick): function -> who fixes it and what fails. Remove an entry when its module is fixed.
PENDING: dict[str, str] = {}

# Functions that draw figures: fewer examples, a deadline that holds on a busy machine
# (max_examples, deadline in seconds).
FIGURES = (10, 10.0)
BUDGETS = {
    f"qlcore.viz.{name}": FIGURES
    for name in (
        "cone_widgets.cone_figure cone_widgets.face_count_explorer "
        "cone_widgets.face_fraction_figure cone_widgets.rotating_cone "
        "dynamics_widgets.convergence_explorer "
        "dynamics_widgets.explorer_frame linear_widgets.saddle_explorer "
        "linear_widgets.saddle_slice stationary_widgets.start_explorer "
        "stationary_widgets.start_histograms widgets.png_frame widgets.training_curve_explorer"
    ).split()
}

# --------------------------------------------------------------------------- discovery


def _public_callables():
    """``(qualified name, callable, owner class or None)`` for every public function, class and
    method defined in a module of ``qlcore``."""
    for info in pkgutil.walk_packages(qlcore.__path__, "qlcore."):
        if info.name.rsplit(".", 1)[-1].startswith("_"):  # qlcore.__main__ runs the CLI
            continue
        module = importlib.import_module(info.name)
        for name, obj in sorted(vars(module).items()):
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(obj):
                yield f"{info.name}.{name}", obj, None
            elif inspect.isclass(obj) and not issubclass(obj, BaseException):
                yield f"{info.name}.{name}", obj, None
                for method_name, method in sorted(vars(obj).items()):
                    qualname = f"{info.name}.{name}.{method_name}"
                    if method_name.startswith("_"):
                        continue
                    if inspect.isfunction(method):
                        yield qualname, method, obj
                    elif isinstance(method, (staticmethod, classmethod)):
                        yield qualname, getattr(obj, method_name), None


def _excluded(qualname: str) -> bool:
    return qualname in EXCLUDED or bool(EXPERIMENT_RUN.match(qualname))


TARGETS = {qualname: (f, owner) for qualname, f, owner in _public_callables()}


def _call(qualname: str, *args, **kwargs):
    return TARGETS[qualname][0](*args, **kwargs)


def _parameters(function) -> list[inspect.Parameter]:
    return [
        p
        for p in inspect.signature(function).parameters.values()
        if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]


def _valid(qualname: str, parameter: inspect.Parameter):
    """A factory of a valid value for ``parameter`` of ``qualname``, or None."""
    if (qualname, parameter.name) in OVERRIDES:
        return OVERRIDES[(qualname, parameter.name)]
    if parameter.default is not inspect.Parameter.empty:
        return lambda: parameter.default
    return VALID.get(parameter.name)


def _instance(owner: type):
    qualname = f"{owner.__module__}.{owner.__qualname__}"
    if qualname in INSTANCES:
        return INSTANCES[qualname]()
    kwargs = {}
    for parameter in _parameters(owner):
        factory = _valid(qualname, parameter)
        if factory is None:
            pytest.fail(f"no valid value for {qualname}({parameter.name}): add it to INSTANCES")
        kwargs[parameter.name] = factory()
    return owner(**kwargs)


# --------------------------------------------------------------------------- the property


def _finite(value, depth: int = 0) -> bool:
    """No NaN or infinity anywhere in ``value`` (numbers, arrays, containers)."""
    if depth > 6:
        return True
    if isinstance(value, (bool, np.bool_, int, np.integer, str, bytes, Fraction, type(None))):
        return True
    if isinstance(value, (float, np.floating)):
        return math.isfinite(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "fc":
            return bool(np.all(np.isfinite(value)))
        return value.dtype != object or all(_finite(v, depth + 1) for v in value.flat)
    if isinstance(value, dict):
        return all(_finite(v, depth + 1) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(_finite(v, depth + 1) for v in value)
    return True


def _nan_paths(value, path: str = "result", depth: int = 0):
    """Paths (``result.field[0]``...) to NaN in a returned value."""
    if depth > 8 or isinstance(value, (bool, int, str, bytes, Fraction, type(None))):
        return
    if isinstance(value, (float, complex, np.floating, np.complexfloating)):
        if np.isnan(value):
            yield path
    elif isinstance(value, np.ndarray):
        if value.dtype.kind in "fc" and np.isnan(value).any():
            yield path
        elif value.dtype == object:
            for i, v in enumerate(value.flat):
                yield from _nan_paths(v, f"{path}.flat[{i}]", depth + 1)
    elif "torch" in sys.modules and isinstance(value, sys.modules["torch"].Tensor):
        if value.is_floating_point() and bool(value.isnan().any()):
            yield path
    elif isinstance(value, dict):
        for key, v in value.items():
            yield from _nan_paths(v, f"{path}[{key!r}]", depth + 1)
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _nan_paths(v, f"{path}[{i}]", depth + 1)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _nan_paths(getattr(value, field.name), f"{path}.{field.name}", depth + 1)


# Parameters whose string value is the name of another argument, which errors then carry.
PASSED_NAMES = ("name", "argument", "what")


def _names_a_parameter(error: QLCoreError, kwargs: dict, fields: set) -> bool:
    names = set(kwargs) | fields
    names |= {str(v) for k, v in kwargs.items() if k in PASSED_NAMES}
    if getattr(error, "argument", None) in names:
        return True
    return any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", str(error)) for name in names if name)


class Hang(Exception):
    """An example ran for longer than :data:`HANG` deadlines."""


def _call_guarded(function, args: list, kwargs: dict, seconds: float):
    """``function(*args, **kwargs)``, stopped by :class:`Hang` after ``seconds`` (main thread
    only: signals)."""
    if threading.current_thread() is not threading.main_thread():
        return function(*args, **kwargs)

    def on_alarm(signum, frame):
        raise Hang(f"still running after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return function(*args, **kwargs)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _log(qualname: str, error: BaseException) -> None:
    """Append ``qualname :: its drawn arguments :: the exception`` to :data:`LOG`, one line per
    failing example (Hypothesis reports distinct failures as an exception group)."""
    if isinstance(getattr(error, "exceptions", None), tuple):  # an exception group
        for inner in error.exceptions:
            _log(qualname, inner)
        return
    if isinstance(error, pytest.skip.Exception):
        return
    notes = "\n".join(getattr(error, "__notes__", [])).splitlines()
    draws = "; ".join(
        re.sub(r"^Draw \d+ \((\w+)\): ", r"\1=", line.strip()).split("  # ")[0]
        for line in notes
        if line.strip().startswith("Draw ")
    )
    message = " ".join(str(error).split())[:300]
    with open(LOG, "a") as file:
        file.write(f"{qualname} :: {draws} :: {type(error).__name__}: {message}\n")


def _targets():
    for qualname in sorted(TARGETS):
        if _excluded(qualname):
            continue
        marks = []
        if qualname in PENDING:
            marks.append(pytest.mark.xfail(reason=f"pending: {PENDING[qualname]}", strict=False))
        yield pytest.param(qualname, marks=marks, id=qualname.removeprefix("qlcore."))


@pytest.mark.parametrize("qualname", list(_targets()))
def test_bad_inputs_raise_named_errors_or_return_no_nan(qualname):
    function, owner = TARGETS[qualname]
    parameters = _parameters(function)
    strategies = {}
    for parameter in parameters:
        valid = _valid(qualname, parameter)
        if (qualname, parameter.name) in FIXED:
            strategies[parameter.name] = st.builds(valid)
            continue
        pool = st.sampled_from(sorted(POOL)).map(lambda label: POOL[label]())
        strategies[parameter.name] = pool if valid is None else st.builds(valid) | pool
    examples, deadline = BUDGETS.get(qualname, (MAX_EXAMPLES, DEADLINE_S))
    phases = [Phase.explicit, Phase.reuse, Phase.generate]  # a pending failure: not shrunk
    if qualname not in PENDING or EXPLORE:
        phases.append(Phase.shrink)
    nan_allowed = tuple(path for (name, path) in DOCUMENTED_NAN if name == qualname)
    # a method may blame the arguments its instance was built from
    fields = set() if owner is None else {p.name for p in _parameters(owner)}

    @settings(
        max_examples=examples * (10 if EXPLORE else 1),
        deadline=timedelta(seconds=deadline),
        derandomize=not EXPLORE,
        database=None,
        phases=phases,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(data=st.data())
    def check(data):
        receiver = [] if owner is None else [_instance(owner)]
        kwargs = {p.name: data.draw(strategies[p.name], label=p.name) for p in parameters}
        keywords = dict(kwargs)
        args = receiver + [keywords.pop(p.name) for p in parameters if p.kind == p.POSITIONAL_ONLY]
        try:
            result = _call_guarded(function, args, keywords, HANG * deadline)
        except QLCoreError as error:
            assert _names_a_parameter(error, kwargs, fields), (
                f"{type(error).__name__} names none of {sorted(kwargs.keys() | fields)}: {error}"
            )
            return
        finally:
            plt.close("all")
        if _finite(kwargs):
            nan = [p for p in _nan_paths(result) if not p.startswith(nan_allowed)]
            assert not nan, f"finite inputs gave NaN at {nan}"

    try:
        check()
    except BaseException as error:
        if LOG:
            _log(qualname, error)
        raise


def test_lists_name_existing_functions():
    """The walk finds functions, constructors and methods, and every entry of the lists above
    names a function (and parameter) that still exists."""
    assert {
        "qlcore.cones.counts.cover_count",
        "qlcore.dynamics.lotka_volterra.OrthogonalTeacherFlow",
        "qlcore.dynamics.lotka_volterra.OrthogonalTeacherFlow.solve",
    } <= set(TARGETS)
    for name in [*EXCLUDED, *PENDING, *BUDGETS, *INSTANCES, *(n for n, _ in DOCUMENTED_NAN)]:
        assert name in TARGETS, f"{name} is listed but is not a public function of qlcore"
    for name, parameter in [*OVERRIDES, *FIXED]:
        assert name in TARGETS, f"{name} is listed but is not a public function of qlcore"
        assert parameter in {p.name for p in _parameters(TARGETS[name][0])}, (name, parameter)
