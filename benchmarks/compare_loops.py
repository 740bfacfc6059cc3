"""One network at a time, the batched per-sample form, and the engine, on the same Fig. 2 work.

Work (default): Kazemipour et al.'s Fig. 2 restricted to one target model and one variant, all
widths k = 0..20, 20 trials per width (one data set x 20 runs), 2,000 epochs of full-batch Adam
(lr 1e-3, PyTorch defaults otherwise), float32, d = 10, N = 1500: 420 networks, 840,000
network-steps. The same data, initial weights and epochs go to

(a) ``one-at-a-time``: ``nn.Module`` + ``nn.MSELoss`` + ``torch.optim.Adam`` with per-sample
    predictions, one network after another. Written by us as a faithful stand-in for the
    authors' training loop (their code trains one network at a time this way);
(b) ``batched per-sample``: all networks of a data set in one batch, ``A = Q Lambda Q^T`` per
    network, predictions ``x_n^T A x_n`` for every sample, autograd, ``torch.optim.Adam``;
(c) ``engine``: :func:`qlcore.model.train.train_networks` (moments form, compiled, chunked).

It prints network-steps per second and the ratio to (a) for each, checks that the final NMSEs
(recomputed in float64 from the trained weights) agree, and reports the engine's arithmetic rate
in GFLOP/s against a measured single-precision matrix-multiply rate and the nominal peak.

    python benchmarks/compare_loops.py                   # the default work above (~8 min here)
    python benchmarks/compare_loops.py --quick           # a few seconds: checks it runs

Exit status 1 when the NMSEs disagree beyond ``--nmse-tolerance``.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import warnings

os.environ.setdefault("TQDM_DISABLE", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from qlcore.experiments import kazemipour_fig2  # noqa: E402
from qlcore.model import convex, data, networks, train  # noqa: E402

# ------------------------------------------------------------------ (a) one network at a time


class QLModule(nn.Module):
    """``f(x) = sum_j lambda_j (q_j . x)^2 + alpha ||x||^2`` written the conventional way."""

    def __init__(self, net: networks.QLNetwork, train_alpha: bool):
        super().__init__()
        dim, width = net.q.shape
        with warnings.catch_warnings():  # width 0: "initializing zero-element tensors"
            warnings.simplefilter("ignore")
            self.hidden = nn.Linear(dim, width, bias=False)
            self.output = nn.Linear(width, 1, bias=False)
        with torch.no_grad():
            self.hidden.weight.copy_(torch.as_tensor(net.q.T))
            self.output.weight.copy_(torch.as_tensor(net.lam[None, :]))
        self.alpha = nn.Parameter(torch.tensor(float(net.alpha))) if train_alpha else None

    def forward(self, x):
        out = self.output(self.hidden(x) ** 2).squeeze(-1)
        if self.alpha is not None:
            out = out + self.alpha * (x * x).sum(-1)
        return out

    def weights(self) -> networks.QLNetwork:
        alpha = 0.0 if self.alpha is None else float(self.alpha)
        return networks.QLNetwork(
            lam=self.output.weight.detach().double().numpy()[0],
            q=self.hidden.weight.detach().double().numpy().T,
            alpha=alpha,
        )


def penalty(q_transposed, gamma):
    """``gamma ||Q Q^T - I||_F^2`` (eq. 3.2); ``q_transposed`` is ``Q^T`` (k, d) or a batch."""
    gram = q_transposed.transpose(-1, -2) @ q_transposed
    return gamma * ((gram - torch.eye(gram.shape[-1])) ** 2).sum((-1, -2))


def one_at_a_time(datasets, students, epochs, lr):
    """Train each network alone; return the trained weights per data set."""
    trained = []
    for (x, y), group in zip(datasets, students):
        xt, yt = torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)
        row = []
        for student in group:
            model = QLModule(student.network, student.train_alpha)
            optimizer = torch.optim.Adam(model.parameters(), lr=lr)
            mse = nn.MSELoss()
            for _ in range(epochs):
                optimizer.zero_grad()
                loss = mse(model(xt), yt)
                if student.gamma:
                    loss = loss + penalty(model.hidden.weight, student.gamma)
                loss.backward()
                optimizer.step()
            row.append(model.weights())
        trained.append(row)
    return trained


# ------------------------------------------------------------------ (b) batched, per sample


def batched_per_sample(datasets, students, epochs, lr):
    """Train all networks of a data set together through per-sample predictions."""
    trained = []
    for (x, y), group in zip(datasets, students):
        xt, yt = torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)
        dim, width = x.shape[1], max(1, max(s.network.width for s in group))
        lam = torch.zeros(len(group), width)
        q = torch.zeros(len(group), dim, width)
        for m, s in enumerate(group):
            lam[m, : s.network.width] = torch.as_tensor(s.network.lam)
            q[m, :, : s.network.width] = torch.as_tensor(s.network.q)
        alpha = torch.tensor([s.network.alpha for s in group], dtype=torch.float32)
        mask = torch.tensor([float(s.train_alpha) for s in group])
        gamma = torch.tensor([s.gamma for s in group], dtype=torch.float32)
        params = [p.requires_grad_() for p in (lam, q, alpha)]
        optimizer = torch.optim.Adam(params, lr=lr)
        eye = torch.eye(dim)
        for _ in range(epochs):
            optimizer.zero_grad()
            matrix = (q * lam[:, None, :]) @ q.transpose(1, 2) + (alpha * mask)[:, None, None] * eye
            predictions = ((xt @ matrix) * xt).sum(-1)  # (M, N)
            loss = ((yt - predictions) ** 2).mean(-1) + penalty(q.transpose(1, 2), gamma)
            loss.sum().backward()
            optimizer.step()
        trained.append(
            [
                networks.QLNetwork(
                    lam=lam[m, : s.network.width].detach().double().numpy(),
                    q=q[m, :, : s.network.width].detach().double().numpy(),
                    alpha=float((alpha[m] * mask[m]).detach()),
                )
                for m, s in enumerate(group)
            ]
        )
    return trained


# ------------------------------------------------------------------ (c) the engine


def engine(datasets, students, epochs, lr, compile):
    result = train.train_networks(
        datasets,
        students,
        epochs=epochs,
        lr=lr,
        dtype="float32",
        compile=compile,
        record_every=max(epochs, 1),
        threads=torch.get_num_threads(),  # the same threads as (a) and (b)
    )
    return result.networks


def engine_flops_per_step(dim: int, width: int) -> int:
    """Floating-point operations of one engine step for one network (padded width ``K``).

    Gradient (``_fit_and_gradient``): ``A`` in coordinates ``2pK + dK``, ``H e`` ``2p^2``, the
    excess ``2p``, ``S Q`` ``2d^2 K``, ``dQ`` and ``dlambda`` ``4dK``; Adam about 10 per weight.
    The orthogonality penalty (absent in the default work) is not counted.
    """
    p = dim * (dim + 1) // 2
    weights = width + dim * width + 1
    return (
        2 * p * width
        + dim * width
        + 2 * p * p
        + 2 * p
        + 2 * dim * dim * width
        + 4 * dim * width
        + 10 * weights
    )


def sgemm_gflops(size: int = 2048, repeats: int = 10) -> float:
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b
    start = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return 2 * size**3 * repeats / (time.perf_counter() - start) / 1e9


# ------------------------------------------------------------------ driver


def final_nmse(datasets, trained):
    return np.array(
        [[convex.nmse(x, y, net.matrix()) for net in row] for (x, y), row in zip(datasets, trained)]
    )


def timed(function, *args):
    start = time.perf_counter()
    out = function(*args)
    return out, time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="planted-gaussian", choices=data.TARGET_MODELS)
    parser.add_argument("--variant", default="regular", choices=networks.VARIANTS)
    parser.add_argument("--runs", type=int, default=20, help="trials per width (default 20)")
    parser.add_argument("--epochs", type=int, default=2000)
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch threads (default: torch's choice, one per core)",
    )
    parser.add_argument(
        "--nmse-tolerance",
        type=float,
        default=1e-3,
        help="largest allowed |NMSE difference| to the engine (default 1e-3)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="widths 0, 5, 10, 15, 20, 2 runs, 100 epochs, engine not compiled",
    )
    args = parser.parse_args(argv)
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    settings = dict(kazemipour_fig2.SCALE_SETTINGS["paper"], n_datasets=1, runs=args.runs)
    epochs, compile = args.epochs, True
    if args.quick:
        settings.update(widths=[0, 5, 10, 15, 20], runs=2)
        epochs, compile = 100, False
    datasets, students, _ = kazemipour_fig2.build_workload(
        settings, models=(args.model,), variants=(args.variant,)
    )
    n_networks = sum(len(group) for group in students)
    work = n_networks * epochs
    print(
        f"work: {args.model}, {args.variant}, widths {settings['widths'][0]}.."
        f"{settings['widths'][-1]}, {n_networks} networks x {epochs} epochs = {work} "
        f"network-steps (d = {settings['dim']}, N = {settings['n_samples']}, float32, Adam lr 1e-3)"
    )
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"torch {torch.__version__}, {torch.get_num_threads()} threads"
    )

    lr = 1e-3
    results = {}
    results["(a) one-at-a-time"] = timed(one_at_a_time, datasets, students, epochs, lr)
    results["(b) batched per-sample"] = timed(batched_per_sample, datasets, students, epochs, lr)
    results["(c) engine, first call"] = timed(engine, datasets, students, epochs, lr, compile)
    results["(c) engine, warm"] = timed(engine, datasets, students, epochs, lr, compile)

    baseline = results["(a) one-at-a-time"][1]
    reference = final_nmse(datasets, results["(c) engine, warm"][0])
    print(
        f"\n{'method':26s} {'seconds':>9s} {'net-steps/s':>12s} {'vs (a)':>8s} "
        f"{'max |dNMSE|':>12s} {'same verdicts':>14s}"
    )
    ls = np.array([convex.lifted_least_squares(x, y)[1] for x, y in datasets])[:, None]
    worst = 0.0
    for name, (trained, seconds) in results.items():
        nmse = final_nmse(datasets, trained)
        gap = float(np.max(np.abs(nmse - reference)))
        verdicts = np.mean((nmse - ls <= 0.005) == (reference - ls <= 0.005))
        worst = max(worst, gap)
        print(
            f"{name:26s} {seconds:9.2f} {work / seconds:12.4g} {baseline / seconds:8.1f}x "
            f"{gap:12.2e} {verdicts:14.1%}"
        )
    width = max(settings["widths"])
    flops = engine_flops_per_step(settings["dim"], width) * work / results["(c) engine, warm"][1]
    print(
        f"\nengine arithmetic: {engine_flops_per_step(settings['dim'], width)} flop per "
        f"network-step (K = {width} padded) -> {flops / 1e9:.1f} GFLOP/s; measured sgemm "
        f"2048^2: {sgemm_gflops():.1f} GFLOP/s on {torch.get_num_threads()} threads"
    )
    if worst > args.nmse_tolerance:
        print(f"FAIL: final NMSEs differ by {worst:.3g} > {args.nmse_tolerance}")
        return 1
    print(f"final NMSEs agree within {args.nmse_tolerance}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
