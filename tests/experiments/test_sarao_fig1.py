"""sarao-fig1 verdicts without a run: which extrapolations carry information, and the claim."""

from qlcore.experiments import sarao_fig1


def curve(interval, profile_low, counting=0.5, top=1.0):
    """A curve whose fit has the 95% Student-t ``interval`` and a profile interval from
    ``profile_low``."""
    fit = {
        "alpha_c": sum(interval) / 2,
        "alpha_c_interval": list(interval),
        "alpha_c_profile_interval": [profile_low, interval[1]],
    }
    return {
        "extrapolation": {"fit": fit, "failure": None},
        "counting_alpha_c": counting,
        "recovered_fraction": [0.2, top],
    }


def test_informative_needs_a_bounded_profile_and_an_interval_narrower_than_n_c_over_d2():
    assert sarao_fig1.informative(curve([0.4, 0.6], 0.35))
    assert not sarao_fig1.informative(curve([0.4, 0.6], None))  # profile unbounded below
    assert not sarao_fig1.informative(curve([-0.2, 0.9], -0.5))  # wider than n_c / d^2 = 0.5
    none = {"extrapolation": {"fit": None, "failure": "no times"}, "counting_alpha_c": 0.5}
    assert not sarao_fig1.informative(none)


def test_claim_can_fail():
    good, bad = curve([0.4, 0.6], 0.35), curve([0.4, 0.6], 0.35, top=0.85)
    assert sarao_fig1.claims([good]) == {"most_recover_at_top": True}
    assert sarao_fig1.claims([good, bad]) == {"most_recover_at_top": False}
    assert sarao_fig1.claims([]) == {"most_recover_at_top": False}
