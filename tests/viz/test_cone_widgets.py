"""Chapter 3's pictures: the central axis of a cone, the 3-D view and the (N, d) explorer, checked
on what is drawn (decoded frames, text sizes, legend placement)."""

import base64
import io
import re

import matplotlib
import numpy as np
import pytest
from PIL import Image

from qlcore.cones import geometry
from qlcore.viz import cone_widgets, widgets

matplotlib.use("Agg", force=True)

PICTURE = np.random.default_rng(0).standard_normal((12, 3))
PICTURE *= np.sign(PICTURE[:, 2:])


def _images(stack) -> list[np.ndarray]:
    """The decoded PNG of every frame of a stack of :func:`qlcore.viz.widgets.png_frame`."""
    encoded = [re.search(r"base64,([^\"]+)\"", frame.value).group(1) for frame in stack.children]
    return [np.asarray(Image.open(io.BytesIO(base64.b64decode(e))).convert("RGB")) for e in encoded]


def _texts(figure):
    """Every visible, non-empty text of ``figure`` (titles, labels, ticks, legend entries)."""
    return [
        t for t in figure.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text().strip()
    ]


def test_central_axis_of_the_orthant_is_the_diagonal():
    assert np.allclose(geometry.central_axis(np.eye(3)), np.ones(3) / np.sqrt(3))
    assert geometry.central_axis([[1.0, 0.0], [-1.0, 0.0]]) is None


def test_rotating_cone_frames_turn_the_cone_at_a_fixed_size():
    view = cone_widgets.rotating_cone(PICTURE, n_views=3)
    stack = view.children[1]
    assert "of them extremal rays" in stack.children[0].value
    images = _images(stack)
    assert len(images) == 3
    assert len({image.shape for image in images}) == 1  # no jump in size while turning
    height, width, _ = images[0].shape
    assert width >= widgets.MIN_FRAME_WIDTH and height >= 300
    assert all(np.abs(a.astype(int) - b).sum() > 0 for a, b in zip(images, images[1:]))


def test_the_cone_fills_its_frame_and_its_legend_is_readable_beside_it():
    figure = cone_widgets.cone_figure(PICTURE)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    (ax,) = figure.axes
    drawn = np.vstack(
        [c.get_window_extent(renderer).get_points() for c in ax.collections if len(c.get_paths())]
    )
    extent = drawn.max(axis=0) - drawn.min(axis=0)
    axes_box = ax.get_window_extent(renderer)
    assert extent[0] > 0.5 * axes_box.width or extent[1] > 0.5 * axes_box.height
    legend = ax.get_legend().get_window_extent(renderer)
    assert legend.x0 >= axes_box.x1 - 1  # beside the drawing, not over it
    assert all(t.get_fontsize() >= cone_widgets.FRAME_TEXT_SIZE for t in _texts(figure))


def test_face_fraction_text_is_body_sized_and_the_legend_is_off_the_bars():
    figure = cone_widgets.face_fraction_figure(12, 6)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    (ax,) = figure.axes
    assert all(t.get_fontsize() >= cone_widgets.FRAME_TEXT_SIZE for t in _texts(figure))
    legend = ax.get_legend().get_window_extent(renderer)
    bars = [patch.get_window_extent(renderer) for patch in ax.patches]
    assert bars and not any(legend.overlaps(bar) for bar in bars)
    assert legend.x0 >= ax.get_window_extent(renderer).x1


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


def test_face_count_explorer_has_a_different_frame_for_each_n():
    explorer = cone_widgets.face_count_explorer(dims=(3, 4), max_ratio=2)
    panels = explorer.children[1].children
    assert [len(panel.children[1].children) for panel in panels] == [4, 5]
    images = _images(panels[0].children[1])
    assert all(image.shape[1] >= widgets.MIN_FRAME_WIDTH for image in images)
    assert all(
        a.shape != b.shape or np.abs(a.astype(int) - b).sum() > 0
        for a, b in zip(images, images[1:])
    )


def test_frame_slider_needs_matching_frames_and_labels():
    with pytest.raises(ValueError, match="same length"):
        widgets.frame_slider([], ["a"], "x")
