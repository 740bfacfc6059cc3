"""Chapter 3's pictures: the central axis of a cone, the 3-D view and the (N, d) explorer."""

import matplotlib
import numpy as np
import pytest

from qlcore.cones import geometry
from qlcore.viz import cone_widgets, widgets

matplotlib.use("Agg", force=True)


def test_central_axis_of_the_orthant_is_the_diagonal():
    assert np.allclose(geometry.central_axis(np.eye(3)), np.ones(3) / np.sqrt(3))
    assert geometry.central_axis([[1.0, 0.0], [-1.0, 0.0]]) is None


def test_rotating_cone_has_one_frame_per_view_with_alt_text():
    vectors = np.vstack([np.eye(3), [0.3, 0.3, 0.4]])
    view = cone_widgets.rotating_cone(vectors, n_views=3)
    stack = view.children[1]
    assert len(stack.children) == 3
    assert "3 of them extremal rays" in stack.children[0].value


@pytest.mark.parametrize(
    "vectors, message",
    [
        (np.eye(4), "3 columns"),
        ([[1.0, 0, 0], [-1.0, 0, 0], [0, 1.0, 0]], "not proper"),
    ],
)
def test_cone_figure_refuses_what_it_cannot_draw(vectors, message):
    with pytest.raises(ValueError, match=message):
        cone_widgets.cone_figure(vectors)


def test_face_count_explorer_has_a_slider_per_dimension():
    explorer = cone_widgets.face_count_explorer(dims=(3, 4), max_ratio=2)
    panels = explorer.children[1].children
    assert [len(panel.children[1].children) for panel in panels] == [4, 5]


def test_frame_slider_needs_matching_frames_and_labels():
    with pytest.raises(ValueError, match="same length"):
        widgets.frame_slider([], ["a"], "x")
