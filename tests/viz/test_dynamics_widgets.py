"""Chapter 4's explorer: frames legible at the book's body-text size, stacks in slider order."""

import re

import matplotlib
import numpy as np
import pytest

from qlcore.viz import dynamics_widgets
from qlcore.viz.widgets import MIN_FRAME_WIDTH

matplotlib.use("Agg")

# The book's body text is 16 CSS pixels; frames are drawn at 72 dpi (a point is a pixel), and a
# frame no wider than MIN_FRAME_WIDTH is shown at its natural size at every window width (the
# text column is 848 px at 1400 px; at 390 px the frame scrolls sideways).
BODY_TEXT_PX = 16


@pytest.mark.parametrize("width_label", ["1", "d"])
def test_frame_text_is_at_least_body_text_size_and_fits_the_column(width_label):
    fig = dynamics_widgets.explorer_frame(10, width_label, dynamics_widgets.SPECTRA[2])
    fig.canvas.draw()
    texts = [t for t in fig.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text()]
    sizes = [t.get_fontsize() for t in texts]
    png = png_bytes(fig)
    width_px = int.from_bytes(png[16:20], "big")  # the PNG header's IHDR width
    assert len(texts) > 10  # titles, labels, ticks, legend
    assert min(sizes) >= BODY_TEXT_PX
    assert width_px <= MIN_FRAME_WIDTH


def png_bytes(fig) -> bytes:
    """``fig`` as png_frame draws it (72 dpi, tight box), closed."""
    import io

    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=72, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def test_frames_sit_where_the_sliders_point():
    dims, widths = (5, 6), ("1", "d")
    spectra = dynamics_widgets.SPECTRA[:2]
    explorer = dynamics_widgets.convergence_explorer(dims=dims, widths=widths, spectra=spectra)
    *rows, stack = explorer.children
    assert [row.children[0].max for row in rows] == [1, 1, 1]
    for i, dim in enumerate(dims):
        for j, label in enumerate(widths):
            for k, spectrum in enumerate(spectra):
                frame = stack.children[i].children[j].children[k].value
                alt = re.search(r'alt="([^"]*)"', frame).group(1)
                assert f"d = {dim}," in alt and f"m* = {label}," in alt and spectrum in alt


@pytest.mark.parametrize("spectrum", dynamics_widgets.SPECTRA)
def test_teacher_spectrum_has_the_teacher_rank(spectrum):
    for dim, width in ((6, 2), (6, 6), (6, 12)):
        values = dynamics_widgets.teacher_spectrum(dim, width, spectrum, seed=1)
        rank = min(dim, width)
        assert values.shape == (dim,) and np.all(values[:rank] > 0) and np.all(values[rank:] == 0)
    flat = dynamics_widgets.teacher_spectrum(8, 3, dynamics_widgets.SPECTRA[1])
    spread = dynamics_widgets.teacher_spectrum(8, 3, dynamics_widgets.SPECTRA[2])
    np.testing.assert_allclose(flat[:3], 2.0)
    np.testing.assert_allclose(spread[:3], [3.0, 0.3, 0.03])
