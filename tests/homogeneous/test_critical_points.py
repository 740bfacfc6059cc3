"""qlcore.homogeneous.critical_points: Theorem 1.2 on an empirical risk (the check of the math
notes, n0 = 5, n1 = 2, n2 = 4, m = 200), the Hessian against (1.26) and finite differences, the
rank-deficient saddles, the named errors and what ``strict=False`` computes."""

import math

import numpy as np
import pytest

from qlcore.homogeneous import critical_points as cp
from qlcore.infra.checks import InputError

N0, N1, N2, M = 5, 2, 4, 200


def _data(seed=0, m=M, n0=N0, n2=N2):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((m, n0))
    y = x @ rng.standard_normal((n0, n2)) + 0.5 * rng.standard_normal((m, n2))
    return x, y


@pytest.fixture(scope="module")
def cov():
    return cp.covariances_from_data(*_data())


@pytest.fixture(scope="module")
def points(cov):
    return cp.enumerate_critical_points(cov, N1, seed=0)


def test_every_index_set_gives_a_critical_point_with_the_predicted_risk(cov, points):
    assert len(points) == math.comb(N2, N1) == 6
    assert [p.index_set for p in points][0] == (1, 2)
    lambdas = cp.spectrum(cov)[0]
    for point in points:
        assert point.gradient_norm < 1e-10
        assert point.risk == pytest.approx(point.predicted_risk, rel=1e-12, abs=1e-12)
        expected = np.trace(cov.syy) - sum(lambdas[i - 1] for i in point.index_set)
        assert point.predicted_risk == pytest.approx(expected, rel=1e-12)
        assert point.u.shape == (N2, N1) and point.v.shape == (N0, N1)


def test_the_top_index_set_is_the_global_minimum_with_a_flat_orbit_of_dimension_n1_squared(
    cov, points
):
    best = points[0]
    assert best.kind == "global minimum"
    assert best.n_negative == 0 and best.n_zero == N1**2
    assert best.escape is None
    assert best.risk == pytest.approx(cp.optimal_risk(cov, N1), rel=1e-12)
    assert all(p.risk > best.risk + 1e-3 for p in points[1:])


def test_every_other_index_set_is_a_strict_saddle_with_the_theorems_curvature(cov, points):
    lambdas = cp.spectrum(cov)[0]
    for point in points[1:]:
        assert point.kind == "strict saddle"
        assert point.n_negative >= 1 and point.n_zero == N1**2
        escape = point.escape
        replaced = max(point.index_set)
        inserted = min(set(range(1, N2 + 1)) - set(point.index_set))
        assert inserted <= N1 < replaced
        assert escape.rule == f"Theorem 1.2(2): q_{replaced} turned towards q_{inserted}"
        # d^2/dt^2 R = 2 (lambda_J - lambda_k): twice the value of (1.26) as printed
        theorem = 2 * (lambdas[replaced - 1] - lambdas[inserted - 1])
        assert escape.predicted == pytest.approx(theorem, rel=1e-12)
        assert escape.curvature == pytest.approx(theorem, rel=1e-9)
        assert escape.curvature < 0
        assert point.hessian_eigenvalues[0] <= escape.rayleigh_quotient + 1e-12
        value = cp.hessian_form(cov, point.u, point.v, escape.du, escape.dv)
        assert value == pytest.approx(theorem, rel=1e-9)


def test_the_escape_direction_lowers_the_risk(cov, points):
    point = points[-1]
    step = 1e-3
    moved = cp.risk(cov, point.u + step * point.escape.du, point.v + step * point.escape.dv)
    assert moved - point.risk == pytest.approx(step**2 / 2 * point.escape.curvature, rel=1e-2)


def test_data_and_given_covariances_agree():
    x, y = _data(seed=3)
    from_data = cp.covariances_from_data(x, y)
    given = cp.Covariances(sxx=x.T @ x / M, sxy=x.T @ y / M, syy=y.T @ y / M)
    for name in ("sxx", "sxy", "syy"):
        np.testing.assert_allclose(getattr(from_data, name), getattr(given, name), atol=1e-14)
    rng = np.random.default_rng(4)
    u, v = rng.standard_normal((N2, N1)), rng.standard_normal((N0, N1))
    empirical = np.mean(np.sum((y - x @ v @ u.T) ** 2, axis=1))  # (1.14)
    assert cp.risk(from_data, u, v) == pytest.approx(empirical, rel=1e-12)
    assert cp.risk(given, u, v) == pytest.approx(empirical, rel=1e-12)
    risks = [p.risk for p in cp.enumerate_critical_points(given, N1, seed=1)]
    assert risks == pytest.approx([p.risk for p in cp.enumerate_critical_points(from_data, N1)])


def test_the_torch_hessian_is_twice_the_quadratic_form_126_on_random_directions(cov):
    rng = np.random.default_rng(5)
    u, v = rng.standard_normal((N2, N1)), rng.standard_normal((N0, N1))
    matrix = cp.hessian(cov, u, v)
    assert matrix.shape == ((N2 + N0) * N1,) * 2
    for _ in range(5):
        du, dv = rng.standard_normal((N2, N1)), rng.standard_normal((N0, N1))
        direction = np.concatenate([du.ravel(), dv.ravel()])
        change = u @ dv.T + du @ v.T
        printed = np.sum((change @ cov.sxx) * change) + 2 * np.sum(
            (du @ dv.T) * (u @ v.T @ cov.sxx - cov.syx)
        )  # the right-hand side of (1.26)
        assert direction @ matrix @ direction == pytest.approx(2 * printed, rel=1e-10)
        assert cp.hessian_form(cov, u, v, du, dv) == pytest.approx(2 * printed, rel=1e-12)
        step = 1e-4
        along = [cp.risk(cov, u + t * du, v + t * dv) for t in (-step, 0.0, step)]
        second = (along[0] - 2 * along[1] + along[2]) / step**2
        assert second == pytest.approx(2 * printed, rel=1e-5)


def test_the_closed_form_gradient_matches_finite_differences(cov):
    rng = np.random.default_rng(6)
    u, v = rng.standard_normal((N2, N1)), rng.standard_normal((N0, N1))
    grad_u, grad_v = cp.gradient(cov, u, v)
    du, dv = rng.standard_normal((N2, N1)), rng.standard_normal((N0, N1))
    step = 1e-6
    slope = (
        cp.risk(cov, u + step * du, v + step * dv) - cp.risk(cov, u - step * du, v - step * dv)
    ) / (2 * step)
    assert slope == pytest.approx(np.sum(grad_u * du) + np.sum(grad_v * dv), rel=1e-7)


@pytest.mark.parametrize("index_set", [(), (1,), (2,), (4,)])
def test_rank_deficient_points_are_critical_strict_saddles(cov, index_set):
    point = cp.critical_point(cov, N1, index_set, seed=2)
    assert np.linalg.matrix_rank(point.u) == len(index_set) < N1
    assert point.gradient_norm < 1e-10
    assert point.risk == pytest.approx(point.predicted_risk, rel=1e-12)
    assert point.kind == "strict saddle" and point.n_negative >= 1
    escape = point.escape
    assert escape.rule.startswith("Theorem 1.2(3)")
    assert escape.curvature < 0
    assert escape.curvature == pytest.approx(escape.predicted, rel=1e-9)
    a = escape.du[np.abs(escape.du).sum(axis=1).argmax()]  # dU = e_i a^T
    np.testing.assert_allclose(point.u @ a, 0.0, atol=1e-12)


def test_the_seed_fixes_c_and_c_does_not_change_the_product(cov):
    first = cp.critical_point(cov, N1, (2, 3), seed=7)
    again = cp.critical_point(cov, N1, [3, 2], seed=7)
    other = cp.critical_point(cov, N1, (2, 3), seed=8)
    np.testing.assert_array_equal(first.c, again.c)
    assert again.index_set == (2, 3)
    assert not np.allclose(first.c, other.c)
    np.testing.assert_allclose(first.u @ first.v.T, other.u @ other.v.T, atol=1e-12)
    assert np.linalg.svd(first.c, compute_uv=False)[-1] >= 0.5 - 1e-12


def _error(call) -> InputError:
    with pytest.raises(InputError) as info:
        call()
    return info.value


def test_a_singular_sxx_is_named_and_strict_false_adds_flat_directions():
    x, y = _data(m=3, n2=3)  # 3 samples of 5 inputs: Sxx has rank 3
    cov = cp.covariances_from_data(x, y)
    error = _error(lambda: cp.enumerate_critical_points(cov, N1))
    assert error.argument == "cov" and "Sxx is singular" in str(error)
    assert "strict=False" in str(error)
    points = cp.enumerate_critical_points(cov, N1, strict=False)
    assert [p.kind for p in points] == ["global minimum"] + ["strict saddle"] * 2
    for point in points:
        assert point.gradient_norm < 1e-10
        assert point.n_zero == N1**2 + N1 * (N0 - 3)  # V + N with N in the null space of Sxx


def test_repeated_eigenvalues_are_named_and_strict_false_gives_two_global_minima():
    cov = cp.Covariances(
        sxx=np.eye(4), sxy=np.diag([3.0, 2.0, 2.0, 1.0]), syy=np.diag([10.0, 5.0, 5.0, 2.0])
    )
    error = _error(lambda: cp.spectrum(cov))
    assert error.argument == "cov" and "distinct eigenvalues" in str(error)
    points = {p.index_set: p for p in cp.enumerate_critical_points(cov, 2, strict=False)}
    assert points[(1, 2)].kind == points[(1, 3)].kind == "global minimum"
    assert points[(1, 2)].risk == pytest.approx(points[(1, 3)].risk)
    assert points[(1, 2)].n_zero == 2**2 + 1  # the rotation of q2 towards q3 is flat too
    assert points[(1, 3)].escape.curvature == pytest.approx(0.0, abs=1e-12)


def test_a_rank_deficient_sigma_and_a_wide_hidden_layer_are_named():
    cov = cp.Covariances(
        sxx=np.eye(4), sxy=np.diag([3.0, 2.0, 1.0, 0.0]), syy=np.diag([10.0, 5.0, 5.0, 2.0])
    )
    error = _error(lambda: cp.enumerate_critical_points(cov, 2))
    assert error.argument == "cov" and "full rank" in str(error)
    kinds = [p.kind for p in cp.enumerate_critical_points(cov, 2, strict=False)]
    assert kinds == ["global minimum"] + ["strict saddle"] * 5
    wide = cp.covariances_from_data(*_data(n2=2))
    error = _error(lambda: cp.enumerate_critical_points(wide, 3))
    assert error.argument == "n1" and "min(n0, n2) = 2" in str(error)
    (point,) = cp.enumerate_critical_points(wide, 3, strict=False)
    assert point.index_set == (1, 2) and point.kind == "global minimum" and point.escape is None


def test_bad_covariances_and_arguments_are_named():
    x, y = _data()
    assert _error(lambda: cp.covariances_from_data(x, y[:10])).argument == "y"
    assert _error(lambda: cp.covariances_from_data(x, y[:, 0])).argument == "y"
    assert (
        _error(lambda: cp.Covariances(np.triu(np.ones((2, 2))), np.eye(2), np.eye(2))).argument
        == "sxx"
    )
    assert _error(lambda: cp.Covariances(np.eye(2), np.ones((3, 2)), np.eye(2))).argument == "sxy"
    not_psd = _error(lambda: cp.Covariances(np.eye(2), 2 * np.eye(2), np.eye(2)))
    assert not_psd.argument == "sxy" and "positive semidefinite" in str(not_psd)
    assert _error(lambda: cp.risk("cov", np.eye(2), np.eye(2))).argument == "cov"
    cov = cp.covariances_from_data(x, y)
    assert _error(lambda: cp.risk(cov, np.ones((N2, 2)), np.ones((N0, 3)))).argument == "v"
    assert _error(lambda: cp.critical_point(cov, N1, (1, 1))).argument == "index_set"
    assert _error(lambda: cp.critical_point(cov, N1, (1, 2, 3))).argument == "index_set"
    assert _error(lambda: cp.critical_point(cov, N1, (5,))).argument == "index_set"
