"""Claims of chapter 4's Fig. 3 cell: true on the quick result, false where they fail."""

import copy

import pytest

from qlcore.experiments import sarao_fig3


@pytest.fixture(scope="module")
def result():
    return sarao_fig3.run("quick", 0, progress=False)


def test_claims_hold_on_the_quick_result(result):
    assert all(sarao_fig3.claims(result).values())


def test_a_training_loss_that_rises_is_caught(result):
    wrong = copy.deepcopy(result)
    wrong["training_loss"][-1][0][-1] = 2 * wrong["training_loss"][-1][0][-2] + 1e-12
    assert not sarao_fig3.claims(wrong)["training_decreases"]


def test_a_run_that_learns_the_teacher_below_the_threshold_is_caught(result):
    wrong = copy.deepcopy(result)
    wrong["population_loss"][0][0][-1] = 1e-4  # n = d, one run at the teacher
    assert not sarao_fig3.claims(wrong)["fits_data_not_teacher"]


def test_a_run_that_does_not_fit_the_data_is_caught(result):
    wrong = copy.deepcopy(result)
    wrong["training_loss"][0][1][-1] = wrong["population_loss"][0][1][-1]
    assert not sarao_fig3.claims(wrong)["fits_data_not_teacher"]


def test_no_learning_at_the_largest_n_is_caught(result):
    wrong = copy.deepcopy(result)
    wrong["population_loss"][-1] = copy.deepcopy(wrong["population_loss"][0])
    assert not sarao_fig3.claims(wrong)["learns_above"]


def test_population_panel_is_labelled_twice_the_population_loss(result):
    import matplotlib.pyplot as plt

    fig = sarao_fig3.plot(result)
    titles = [ax.get_title() for ax in fig.axes]
    plt.close(fig)
    assert titles[0].startswith("$E_n$ = 2 × training loss")
    assert titles[1].startswith("$E$ = 2 × population loss")
