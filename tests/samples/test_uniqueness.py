"""qlcore.samples.uniqueness: cases with known answers, the exact width of a known set, the dual
certificate and its witnesses against the width test, rescaling, bad input."""

import json

import numpy as np
import pytest

from qlcore.samples import uniqueness
from qlcore.samples.teacher_student import make_data
from qlcore.samples.thresholds import n_critical
from qlcore.samples.uniqueness import (
    SolverFailure,
    psd_uniqueness,
    teacher_certificate,
    teacher_is_unique,
    uniqueness_probability,
)


def both_verdicts(data):
    """The certificate-first verdict and the width-only verdict of the same instance."""
    return (
        teacher_is_unique(data.x, data.teacher_matrix),
        psd_uniqueness(data.x, data.y, reference=data.teacher_matrix),
    )


@pytest.mark.parametrize("m_star", [1, 2, 4])
@pytest.mark.parametrize("n", [10, 12])
def test_spanning_measurements_are_always_unique(m_star, n):
    # d = 4: n >= d(d+1)/2 = 10 generic measurements pin every symmetric matrix
    for seed in range(2):
        for verdict in both_verdicts(make_data(4, m_star, n, seed=seed)):
            assert verdict.unique
            assert verdict.width <= 1e-5 * verdict.scale
            assert (verdict.n_measurements, verdict.dim) == (n, 4)


@pytest.mark.parametrize("n, unique", [(3, False), (4, False), (5, True), (7, True)])
def test_zero_teacher_needs_d_measurements(n, unique):
    # eq. A.14: A* = 0 is the only PSD solution iff the x_k span R^d (d = 5)
    for seed in range(2):
        for verdict in both_verdicts(make_data(5, 0, n, seed=seed)):
            assert verdict.unique is unique
            assert verdict.width == (0.0 if unique else np.inf) or (unique and verdict.width < 1e-9)


@pytest.mark.parametrize("n, unique", [(7, False), (8, False), (18, True), (20, True)])
def test_single_unit_teacher_far_from_the_threshold(n, unique):
    # d = 6, m* = 1: n_c = 2d - 1 = 11; p = 21
    assert n_critical(6, 1) == 11
    for seed in range(3):
        for verdict in both_verdicts(make_data(6, 1, n, seed=seed)):
            assert verdict.unique is unique
            assert (verdict.width > 1e-4 * verdict.scale) is not unique


def test_width_of_a_known_set():
    # x = (2, 0), (0, 3) measures A_11 = 1, A_22 = 4: S = {[[1, a], [a, 4]] : a^2 <= 4}, so along a
    # unit direction C the width is 4 |C_12| sqrt(A_11 A_22) = 8 |C_12|
    x = np.array([[2.0, 0.0], [0.0, 3.0]])
    y = np.array([4.0, 36.0])
    for seed in range(3):
        direction = uniqueness._random_direction(2, np.random.default_rng(seed))
        verdict = psd_uniqueness(x, y, n_directions=1, seed=seed)
        assert not verdict.unique
        assert verdict.width == pytest.approx(8 * abs(direction[0, 1]), rel=1e-6)


def test_certificate_or_witness_agrees_with_the_width_test():
    # around the threshold n_c = 11 (d = 6, m* = 1): every instance gets a proof either way
    decided = 0
    for n in range(9, 15):
        for seed in range(4):
            data = make_data(6, 1, n, seed=seed)
            certificate = teacher_certificate(data.x, data.teacher_matrix)
            unique = certificate.margin > uniqueness.CERTIFICATE_TOL
            if unique:
                assert certificate.witness is None
            else:
                witness = certificate.witness
                gap = witness - data.teacher_matrix
                assert np.linalg.eigvalsh(witness)[0] >= -1e-12
                assert np.max(np.abs(np.einsum("ni,ij,nj->n", data.x, gap, data.x))) < 1e-9
                assert np.linalg.norm(gap) > 1e-6 * np.linalg.norm(data.teacher_matrix)
            assert teacher_is_unique(data.x, data.teacher_matrix).unique is unique
            try:
                width_verdict = psd_uniqueness(data.x, data.y, reference=data.teacher_matrix)
            except SolverFailure:
                continue
            assert width_verdict.unique is unique
            decided += 1
    assert decided >= 20


def test_full_rank_teacher_certificate():
    data = make_data(4, 6, 10, seed=0)  # m* >= d: unique iff the span is full (n >= 10)
    assert teacher_certificate(data.x, data.teacher_matrix).margin == np.inf
    short = make_data(4, 6, 9, seed=0)
    witness = teacher_certificate(short.x, short.teacher_matrix).witness
    assert witness is not None and not np.allclose(witness, short.teacher_matrix)


@pytest.mark.parametrize("factor", [1e-3, 1e4])
def test_rescaling_y_rescales_the_set(factor):
    for n in (8, 18):
        data = make_data(6, 1, n, seed=1)
        base = psd_uniqueness(data.x, data.y)
        scaled = psd_uniqueness(data.x, factor * data.y)
        assert scaled.unique is base.unique
        assert scaled.scale == pytest.approx(factor * base.scale, rel=1e-4)
        if not base.unique:
            assert scaled.width == pytest.approx(factor * base.width, rel=1e-4)


def test_uniqueness_probability():
    result = uniqueness_probability(3, 0, [2, 3, 5], 3, seed=1)
    assert result["fraction"] == [0.0, 1.0, 1.0]
    assert result["stderr"] == [0.0, 0.0, 0.0]
    assert result["n_critical"] == 3 and result["n_failed"] == [0, 0, 0]
    json.dumps(result)
    result = uniqueness_probability(5, 1, [5, 7, 9, 11, 14], 4, seed=0)
    assert result["fraction"][0] == 0.0 and result["fraction"][-1] == 1.0
    assert result["fraction"] == sorted(result["fraction"])  # nested data: monotone in n
    f, se = result["fraction"], result["stderr"]
    assert all(s == pytest.approx(np.sqrt(p * (1 - p) / 4)) for p, s in zip(f, se))


def test_inconsistent_measurements_are_an_error():
    x = np.random.default_rng(0).standard_normal((8, 3))
    with pytest.raises(ValueError, match="inconsistent"):
        psd_uniqueness(x, -np.ones(8))  # x^T A x >= 0 for every PSD A


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"y": np.ones(5)}, "same number of samples"),
        ({"y": np.full(6, np.nan)}, "NaN"),
        ({"rel_tol": 0.0}, "rel_tol"),
        ({"n_directions": 0}, "n_directions must be >= 1"),
    ],
)
def test_psd_uniqueness_rejects_bad_input(kwargs, message):
    x = np.random.default_rng(0).standard_normal((6, 3))
    arguments = {"y": np.ones(6), **kwargs}
    with pytest.raises(ValueError, match=message):
        psd_uniqueness(x, **arguments)


def test_zero_rows_and_bad_teachers_are_rejected():
    x = np.random.default_rng(0).standard_normal((6, 3))
    x[2] = 0.0
    with pytest.raises(ValueError, match="all-zero row"):
        psd_uniqueness(x, np.ones(6))
    x = np.random.default_rng(0).standard_normal((6, 3))
    with pytest.raises(ValueError, match="positive semidefinite"):
        teacher_is_unique(x, -np.eye(3))
    with pytest.raises(ValueError, match="symmetric"):
        teacher_is_unique(x, np.triu(np.ones((3, 3))))
    with pytest.raises(ValueError, match="square matrix"):
        teacher_is_unique(x, np.eye(4)[:3])


def test_witness_above_n_c_at_d_20_fits_every_measurement_and_is_not_the_teacher():
    """The chapter's disagreement with eq. 13 at d >= 20 rests on witnesses: at d = 20, m* = 1,
    n = 40 > n_c = 39 (below the measured 50% point, 42) this instance is not unique. The witness
    is checked here in float64, independently of the solver: PSD, the same labels, not A*."""
    data = make_data(20, 1, 40, seed=2)
    assert data.x.shape == (40, 20) and n_critical(20, 1) == 39
    witness = teacher_certificate(data.x, data.teacher_matrix).witness
    assert witness is not None and witness.dtype == np.float64
    gap = witness - data.teacher_matrix
    labels = np.einsum("ni,ij,nj->n", data.x, data.teacher_matrix, data.x)
    # a sum of d^2 = 400 products of size |x|^2 |A|: rounding ~ 400 * 1e-16 of the largest label
    residual = np.einsum("ni,ij,nj->n", data.x, gap, data.x)
    assert np.max(np.abs(residual)) <= 1e-11 * np.max(np.abs(labels))
    assert np.linalg.eigvalsh(witness)[0] >= -1e-12 * np.linalg.norm(witness)
    assert np.linalg.norm(gap) >= 1e-2 * np.linalg.norm(data.teacher_matrix)  # far from A*
    assert not teacher_is_unique(data.x, data.teacher_matrix).unique
