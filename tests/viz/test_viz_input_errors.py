"""Bad input to the explorers: a named InputError, and no frames beyond the budget."""

import ipywidgets
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from qlcore.infra.checks import InputError, TooLargeError
from qlcore.viz import cone_widgets, dynamics_widgets, widgets

matplotlib.use("Agg", force=True)

CONE = np.vstack([np.eye(3), [0.3, 0.3, 0.4]])


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: widgets.png_frame(None, "a figure"), "figure"),
        (lambda: widgets.png_frame(plt.figure(), None), "alt"),
        (lambda: widgets.frame_slider(["a frame"], ["a"], "x"), "frames"),
        (lambda: widgets.frame_slider([ipywidgets.HTML("a")], [1], "x"), "labels"),
        (lambda: widgets.frame_slider([ipywidgets.HTML("a")], ["a"], None), "description"),
        (lambda: widgets.training_curve_explorer(None), "result"),
        (lambda: widgets.training_curve_explorer({"settings": {}}), "result"),
        (lambda: cone_widgets.cone_figure(CONE, azimuth="30"), "azimuth"),
        (lambda: cone_widgets.cone_figure(CONE, ax="axes"), "ax"),
        (lambda: cone_widgets.rotating_cone(CONE, n_views=0), "n_views"),
        (lambda: cone_widgets.face_fraction_figure(500, 400), "dim"),
        (lambda: cone_widgets.face_count_explorer(dims="3"), "dims"),
        (lambda: cone_widgets.face_count_explorer(dims=[3, 1]), "dims"),
        (lambda: cone_widgets.face_count_explorer(max_ratio=-1), "max_ratio"),
        (lambda: dynamics_widgets.teacher_spectrum(4, 2, "flat"), "spectrum"),
        (lambda: dynamics_widgets.teacher_spectrum(4, 2, dynamics_widgets.SPECTRA[0], -1), "seed"),
        (lambda: dynamics_widgets.explorer_frame(10**6, "1", dynamics_widgets.SPECTRA[1]), "dim"),
        (lambda: dynamics_widgets.convergence_explorer(dims=[]), "dims"),
        (lambda: dynamics_widgets.convergence_explorer(widths=["d/3"]), "widths"),
    ],
)
def test_bad_arguments_are_named(call, name):
    with pytest.raises(InputError, match=f"^{name}"):
        call()
    plt.close("all")


def test_frames_beyond_the_budget_are_refused_before_drawing():
    with pytest.raises(TooLargeError, match="^n_views"):
        cone_widgets.rotating_cone(CONE, n_views=10**9)
    with pytest.raises(TooLargeError, match="^max_ratio"):
        cone_widgets.face_count_explorer(dims=(3,), max_ratio=10**9)
    with pytest.raises(TooLargeError, match="^dims"):
        dynamics_widgets.convergence_explorer(dims=[5] * 10**5)


def test_alt_text_is_escaped():
    frame = widgets.png_frame(plt.figure(figsize=(1, 1)), 'a "quoted" <b>figure</b>')
    assert 'alt="a &quot;quoted&quot; &lt;b&gt;figure&lt;/b&gt;"' in frame.value
