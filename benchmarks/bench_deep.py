"""The deep-network engine against a conventional one-network loop, on Fig. 4's planted data.

Work (default): Kazemipour et al.'s Fig. 4, planted data (:func:`qlcore.deep.data.tensor_dataset`,
d = 9, N = 1000, one data set), two QL layers of hidden width h in (10, 50, 100), 10 runs per
width from :func:`qlcore.deep.networks.random_network`, 300 epochs of full-batch Adam (lr 1e-3,
PyTorch defaults otherwise), penalty gamma = 1e4 on the mean-normalised layer terms of eq. F.1,
float32: 30 networks, 9,000 network-steps. The same data, starts and epochs go to

(a) ``one-at-a-time``: an ``nn.Module`` of four bias-free ``nn.Linear`` maps (d -> h d quadratic
    units, h d -> h, h -> h quadratic units, h -> 1) evaluated on every sample, ``nn.MSELoss``
    for the fit and for both orthogonality terms of eq. F.1 (the Gram matrix of the stacked
    first-layer matrices ``A_i`` against ``I_{d^2}``, and ``Q^{(2)} Q^{(2)T}`` against ``I_h``),
    autograd and ``torch.optim.Adam``, one network after another. Written by us as a stand-in
    for the authors' training loop (their code trains one network at a time this way); the
    stacked ``A_i`` come from one einsum rather than a Python loop over i;
(b) ``engine``: :func:`qlcore.deep.train.train_deep_networks` (the lifted, moments form), all
    runs of a width in one call. Its time includes what the call does besides training: the
    lifted moments and the convex optimum before, the float64 NMSEs and certificates after.

Both run on the same number of torch threads (``--threads``, default 1). It prints
network-steps per second per width and overall, the ratio engine / (a), and checks that the
final NMSEs, recomputed in float64 from the trained weights
(:meth:`qlcore.deep.networks.DeepQLNetwork.predict`), agree.

    python benchmarks/bench_deep.py                # the default work above
    python benchmarks/bench_deep.py --quick        # a few seconds: checks it runs

Exit status 1 when the NMSEs disagree beyond ``--nmse-tolerance`` (relative).
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import sys
import time

os.environ.setdefault("TQDM_DISABLE", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from qlcore.deep import data, networks, train  # noqa: E402
from qlcore.experiments import kazemipour_fig4  # noqa: E402
from qlcore.infra.checks import InputError, check_positive_int, check_real, check_seed  # noqa: E402

WORK = {
    "default": {"n_samples": 1000, "dim": 9, "widths": (10, 50, 100), "runs": 10, "epochs": 300},
    "quick": {"n_samples": 200, "dim": 4, "widths": (2, 4), "runs": 2, "epochs": 20},
}
METHODS = ("(a) one-at-a-time", "(b) engine")

# ------------------------------------------------------------------ (a) one network at a time


class TwoLayerQLModule(nn.Module):
    """``f(x) = lam2 (q2^T (lam1 (q1^T x)^2))^2`` (two QL layers, :mod:`qlcore.deep.networks`)
    written the conventional way, with the weights of ``net`` as float32 ``nn.Linear`` maps."""

    def __init__(self, net: networks.DeepQLNetwork):
        super().__init__()
        if net.depth != 2:
            raise InputError(f"net must have two QL layers, got {net.depth}", argument="net")
        (q1, lam1), (q2, lam2) = net.layers
        self.maps = nn.ModuleList(
            nn.Linear(*matrix.shape, bias=False) for matrix in (q1, lam1.T, q2, lam2.T)
        )
        with torch.no_grad():
            for linear, matrix in zip(self.maps, (q1, lam1.T, q2, lam2.T)):
                linear.weight.copy_(torch.as_tensor(matrix.T))

    def forward(self, x):
        quadratic1, linear1, quadratic2, linear2 = self.maps
        return linear2(quadratic2(linear1(quadratic1(x) ** 2)) ** 2).squeeze(-1)

    def orthogonality_terms(self):
        """The two Gram matrices of eq. F.1 and their identities: ``Q~^{(1)} Q~^{(1)T}`` (d^2 x
        d^2) from the stacked ``vec A_i``, ``A_i = Q^{(1)} diag(lam1_i) Q^{(1)T}``, and
        ``Q^{(2)} Q^{(2)T}`` (h x h)."""
        quadratic1, linear1, quadratic2, _ = self.maps
        q1t, lam1, q2t = quadratic1.weight, linear1.weight, quadratic2.weight  # q^T, lam, q^T
        stacked = torch.einsum("ma,im,mb->iab", q1t, lam1, q1t).flatten(1)  # (h, d^2), rows vec A_i
        return (
            (stacked.T @ stacked, torch.eye(stacked.shape[1])),
            (q2t.T @ q2t, torch.eye(q2t.shape[1])),
        )

    def network(self) -> networks.DeepQLNetwork:
        """The trained weights in float64."""
        w = [linear.weight.detach().double().numpy() for linear in self.maps]
        return networks.DeepQLNetwork(((w[0].T, w[1]), (w[2].T, w[3])))


def one_at_a_time(x, y, starts, epochs, gamma, lr):
    """Train each network alone on ``(x, y)``; return the trained networks."""
    xt, yt = torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)
    mse = nn.MSELoss()
    trained = []
    for start in starts:
        model = TwoLayerQLModule(start)
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        for _ in range(epochs):
            optimizer.zero_grad()
            loss = mse(model(xt), yt)
            for gram, eye in model.orthogonality_terms():
                loss = loss + gamma * mse(gram, eye)
            loss.backward()
            optimizer.step()
        trained.append(model.network())
    return trained


# ------------------------------------------------------------------ (b) the engine


def engine(x, y, starts, epochs, gamma, lr):
    result = train.train_deep_networks(
        x,
        y,
        starts,
        epochs=epochs,
        gamma=gamma,
        penalty="mean",
        lr=lr,
        dtype="float32",
        threads=torch.get_num_threads(),  # the same threads as (a)
        progress=False,
    )
    return result.networks


# ------------------------------------------------------------------ driver


def final_nmse(x, y, trained) -> np.ndarray:
    """``sum (y - f(x))^2 / sum y^2`` of each network, per sample in float64."""
    return np.array([np.sum((y - net.predict(x)) ** 2) / np.sum(y**2) for net in trained])


def cpu_name() -> str:
    """The CPU model from ``/proc/cpuinfo`` where there is one, else what ``platform`` knows."""
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def timed(function, *args):
    start = time.perf_counter()
    out = function(*args)
    return out, time.perf_counter() - start


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=None, help="default 300 (--quick: 20)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    parser.add_argument("--seed", type=int, default=0, help="data and starts (default 0)")
    parser.add_argument(
        "--nmse-tolerance",
        type=float,
        default=1e-3,
        help="largest allowed relative NMSE difference between the methods (default 1e-3)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="N = 200, d = 4, widths 2 and 4, 2 runs, 20 epochs"
    )
    args = parser.parse_args(argv)
    try:
        if args.epochs is not None:
            check_positive_int(args.epochs, "epochs")
        check_positive_int(args.threads, "threads")
        check_seed(args.seed)
        check_real(args.nmse_tolerance, "nmse_tolerance", minimum=0.0)
    except InputError as error:
        parser.error(str(error))
    return args


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parse(argv)
    torch.set_num_threads(args.threads)
    work = dict(WORK["quick" if args.quick else "default"])
    if args.epochs is not None:
        work["epochs"] = args.epochs
    epochs, runs = work["epochs"], work["runs"]
    gamma, lr = kazemipour_fig4.TRAINING["gamma"], kazemipour_fig4.TRAINING["lr"]
    rng = np.random.default_rng(args.seed)
    x, y = data.tensor_dataset("planted", work["n_samples"], work["dim"], rng)
    starts = {
        h: [networks.random_network(work["dim"], [h], rng) for _ in range(runs)]
        for h in work["widths"]
    }

    print(f"command: {shlex.join([sys.executable, sys.argv[0], *argv])}")
    print(
        f"machine: {platform.platform()}, {cpu_name()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, torch {torch.__version__}, "
        f"{torch.get_num_threads()} torch threads"
    )
    total = len(work["widths"]) * runs * epochs
    print(
        f"work: Fig. 4 planted data, d = {work['dim']}, N = {work['n_samples']}, widths "
        f"{', '.join(map(str, work['widths']))} x {runs} runs x {epochs} epochs = {total} "
        f"network-steps (two QL layers, float32, Adam lr {lr:g}, gamma {gamma:g}, penalty mean)"
    )

    print(
        f"\n{'width':>5s}  {'method':20s} {'seconds':>9s} {'net-steps/s':>12s} {'vs (a)':>8s} "
        f"{'median NMSE':>12s} {'max rel. dNMSE':>15s}"
    )
    first = starts[work["widths"][0]][:1]
    for function in (one_at_a_time, engine):  # untimed: torch's one-off start-up costs
        function(x, y, first, 2, gamma, lr)
    seconds = dict.fromkeys(METHODS, 0.0)
    worst = 0.0
    for h, group in starts.items():
        steps = len(group) * epochs
        rows = {}
        for method, function in zip(METHODS, (one_at_a_time, engine)):
            trained, elapsed = timed(function, x, y, group, epochs, gamma, lr)
            rows[method] = (final_nmse(x, y, trained), elapsed)
            seconds[method] += elapsed
        reference, baseline = rows[METHODS[0]]
        for method, (nmse, elapsed) in rows.items():
            gap = float(np.max(np.abs(nmse - reference) / np.abs(reference)))
            worst = max(worst, gap)
            print(
                f"{h:5d}  {method:20s} {elapsed:9.2f} {steps / elapsed:12.4g} "
                f"{baseline / elapsed:7.1f}x {np.median(nmse):12.4g} {gap:15.2e}"
            )
    for method, elapsed in seconds.items():
        print(
            f"{'all':>5s}  {method:20s} {elapsed:9.2f} {total / elapsed:12.4g} "
            f"{seconds[METHODS[0]] / elapsed:7.1f}x"
        )
    if worst > args.nmse_tolerance:
        print(f"FAIL: final NMSEs differ by {worst:.3g} (relative) > {args.nmse_tolerance}")
        return 1
    print(f"final NMSEs agree within {args.nmse_tolerance} (relative)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
