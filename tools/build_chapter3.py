"""Write notebooks/03_polyhedral_cones.ipynb from the cell sources below (outputs are added by
executing it: `make notebooks`). Kept so the chapter's source is reviewable as plain text."""

from notebook_source import Chapter

chapter = Chapter()
md, code = chapter.md, chapter.code


md(r"""
# Counting the edges of random cones

Throw $N$ random vectors $x_1, \dots, x_N$ into $\mathbb{R}^d$ and look at the cone they span,

$$
\operatorname{pos}(x_1, \dots, x_N) = \Bigl\{ \textstyle\sum_i c_i x_i : c_i \ge 0 \Bigr\}.
$$

How likely is it to be a *proper* cone rather than all of space, and how many of the $N$
vectors are its edges, its *extremal rays*? Wendel {cite}`wendel1962problem` answered the first
question and Cover and Efron {cite}`cover1967geometrical` the second, exactly, for every $N$ and
$d$. The answer is more than a curiosity: Sarao Mannelli, Vanden-Eijnden and Zdeborová
{cite}`saraomannelli2020optimization` use it to prove that a quadratic network learning a
one-neuron teacher needs about $2d$ samples before the teacher is the only network that fits
the data (their Theorem 3.1). **Question of this chapter:** what do random cones look like, and
how does counting their edges decide when a teacher is identifiable?
""")

chapter.parameters_and_setup(r"""
from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np

from qlcore import cone_geometry, cone_sampling, cone_widgets, cones, stats, style, thresholds
from qlcore.experiments import cover_efron, sarao_cone_link
from qlcore.reproduce import reproduce
""")

md(r"""
## Cones, faces and general position

```{prf:definition} Proper cones and their faces
:label: def-cone-faces

Vectors $x_1, \dots, x_N \in \mathbb{R}^d$ are in *general position* if every $\min(N, d)$ of
them are linearly independent. Their cone is *proper* if it is not all of $\mathbb{R}^d$;
in general position this happens exactly when some $y$ has $\langle y, x_i \rangle > 0$ for
every $i$ (all vectors in one open half-space). For a set $S$ of $k \le d - 1$ indices,
$\operatorname{pos}(x_S)$ is a *$k$-face* if some $y$ has $\langle y, x_i\rangle = 0$ for
$i \in S$ and $\langle y, x_j\rangle > 0$ for $j \notin S$. $F_k$ counts the $k$-faces; $F_1$
counts the extremal rays and $F_{d-1}$ the facets.
```

Both conditions are homogeneous in $y$, so "$> 0$" may be replaced by "$\ge 1$": each is a
linear-programming feasibility problem. `qlcore.cone_geometry` solves them with HiGHS (through
`scipy.optimize.linprog`), one LP per candidate face. Here is a random proper cone in
$\mathbb{R}^3$: twelve Gaussian vectors flipped into the half-space $x_3 > 0$, each drawn from
the origin to a cross-section of the cone, the extremal rays in red. The slider turns it (it
works on this static page too).
""")

code(r"""
rng = np.random.default_rng(SEED)
picture = rng.standard_normal((12, 3))
picture *= np.sign(picture[:, 2:])
rays = cone_geometry.extremal_rays(picture)
print("extremal rays (row indices):", rays.tolist())
cone_widgets.rotating_cone(picture)
""")

md(r"""
The LPs are checked in the tests against two independent methods: non-negative least squares
(a row is extremal iff it is not a non-negative combination of the others) and Qhull's convex
hull of a cross-section (the $k$-faces of the cone are the $(k-1)$-faces of that polytope).
Input that breaks the definitions is refused with a message rather than counted wrongly:
a zero vector spans no ray, two vectors with the same direction span one ray, and face counts
beyond rays need general position.
""")

code(r"""
# NBVAL_CHECK_OUTPUT
degenerate = {
    "zero vector": [[1.0, 0.0, 0.0], [0.0, 0.0, 0.0]],
    "repeated direction": [[1.0, 2.0, 0.0], [0.0, 1.0, 1.0], [2.0, 4.0, 0.0]],
}
for name, vectors in degenerate.items():
    try:
        cone_geometry.extremal_rays(vectors)
    except ValueError as error:
        print(f"{name}: ValueError: {error}")
coplanar = [[1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 1.0, 2.0], [-1.0, 0.5, 1.0]]
try:
    cone_geometry.faces(coplanar, 2)
except ValueError as error:
    print(f"coplanar rows: ValueError: {error}")
""")

md(r"""
## Wendel's probability and Cover and Efron's face counts

Call a random set of vectors *sign-symmetric* if its law is unchanged when any $x_i$ is
replaced by $-x_i$ (independent Gaussian vectors are an example). Let
$C(N, d) = 2\sum_{k=0}^{d-1}\binom{N-1}{k}$, the number of regions into which $N$ hyperplanes
through the origin in general position cut $\mathbb{R}^d$.

```{prf:theorem} Wendel (1962)
:label: thm-wendel

If $x_1, \dots, x_N$ are sign-symmetric and almost surely in general position, their cone is
proper with probability $C(N, d)/2^N$. In particular this is $1/2$ at $N = 2d$.
```

```{prf:theorem} Cover and Efron (1967), Theorem 3'
:label: thm-cover-efron

Under the same hypotheses, for $1 \le k \le d - 1$,

$$
\mathbb{E}\bigl[F_k \,\big|\, \text{cone proper}\bigr]
  = \frac{2^k \binom{N}{k}\, C(N-k, d-k)}{C(N, d)} ,
\qquad\text{so}\qquad
\mathbb{E}[F_1 \mid \text{proper}] = \frac{2N\, C(N-1, d-1)}{C(N, d)} .
$$
```

```{prf:proof} Sketch
Fix the lines $\mathbb{R}x_i$ and let only the signs $\varepsilon_i$ vary; each of the $2^N$
sign patterns is equally likely. The cone of $\varepsilon_i x_i$ is proper iff some $y$ has
$\varepsilon_i\langle y, x_i\rangle > 0$ for all $i$, i.e. iff $\varepsilon$ is the sign
pattern of one of the $C(N, d)$ regions cut out by the hyperplanes $x_i^\perp$: this is
Wendel's theorem. For a face: $\operatorname{pos}(\varepsilon_S x_S)$ is a $k$-face iff some
$y \perp x_S$ has $\varepsilon_j \langle y, x_j\rangle > 0$ for $j \notin S$. Projecting the
other $N - k$ vectors onto $\operatorname{span}(x_S)^\perp \cong \mathbb{R}^{d-k}$, the
admissible $\varepsilon_{S^c}$ are the $C(N-k, d-k)$ regions of the projected arrangement,
and $\varepsilon_S$ is free. Summing over the $\binom{N}{k}$ sets $S$ counts
$2^k\binom{N}{k}C(N-k, d-k)$ pairs (proper pattern, face), and dividing by the $C(N, d)$ proper
patterns, which are equally likely given properness, gives the theorem.
```

`qlcore.cones` evaluates these formulas in exact rational arithmetic. The example of $d = 4$,
$N = 5$, and Euler's relation $F_1 - F_2 + F_3 = 2$ for the boundary of a pointed cone in
$\mathbb{R}^4$ (a 3-dimensional polytope in cross-section), which the expected counts must obey
for every $N$:
""")

code(r"""
# NBVAL_CHECK_OUTPUT
print("d = 4, N = 5: E[F_1], E[F_2], E[F_3] =",
      [str(cones.expected_faces(5, 4, k)) for k in (1, 2, 3)])
print("P(proper) =", cones.wendel_probability(5, 4), "; at N = 2d for d = 3..40 it is always",
      set(cones.wendel_probability(2 * d, d) for d in range(3, 41)))
euler = {n: cones.expected_faces(n, 4, 1) - cones.expected_faces(n, 4, 2)
         + cones.expected_faces(n, 4, 3) for n in range(5, 60)}
print("Euler's relation E[F_1] - E[F_2] + E[F_3] = 2 for d = 4, N = 5..59:",
      all(value == 2 for value in euler.values()))
""")

md(r"""
### Many vectors in high dimension

With $N = \alpha d$ and $d \to \infty$, the fraction of $k$-subsets that span faces tends to
$\min\bigl(1, (2/\alpha)^k\bigr)$: below $\alpha = 2$ essentially every vector is an extremal ray,
above it a fraction $2/\alpha$ is (Sarao Mannelli et al., eq. A.12). Exact arithmetic shows how
slowly this happens at $\alpha = 2$, where the gap closes like $d^{-1/2}$, against $1/d$ away
from the threshold:
""")

code(r"""
alphas = [1.5, 2, 2.5, 3, 4]
print("alpha:        ", alphas)
for d in (50, 200, 800, 1600):
    values = [float(cones.expected_faces(round(a * d), d, 1) / round(a * d)) for a in alphas]
    print(f"d = {d:5d}:    ", [f"{v:.4f}" for v in values])
print("limit:        ", [f"{float(cones.face_fraction_limit(Fraction(a).limit_denominator(), 1)):.4f}"
                         for a in alphas])
""")

code(r"""
# NBVAL_CHECK_OUTPUT
gaps = [abs(float(cones.expected_faces(2 * d, d, 1) / (2 * d)) - 1) for d in (100, 400, 1600)]
print("at alpha = 2 the gap to the limit halves when d is multiplied by 4:",
      all(0.4 < later / earlier < 0.6 for earlier, later in zip(gaps, gaps[1:])))
far = [abs(float(cones.expected_faces(3 * d, d, 1) / (3 * d)) - 2 / 3) for d in (100, 400, 1600)]
print("at alpha = 3 it falls by about 4 (like 1/d) when d is multiplied by 4:",
      all(0.2 < later / earlier < 0.3 for earlier, later in zip(far, far[1:])))
""")

md(r"""
## The formulas against sampled cones

The figure checks both theorems by sampling: Gaussian vectors, properness and faces decided by
the LPs above, averaged over the proper draws, with standard errors. Lines are exact; dots are
Monte Carlo estimates with one standard error. Panel (c) checks every $F_k$ for $d = 4$.
""")

code(r"""
result = reproduce("cover-efron", SCALE, SEED)
settings = result["settings"]
print(f"scale {SCALE}: {settings['draws']} draws per point for E[F_1] (d = {settings['sampled_dims']}), "
      f"{settings['face_draws']} for the k-faces of d = {settings['face_dim']}")
cover_efron.plot(result)
plt.show()
""")

md(r"""
The figure shows (a) Wendel's probability against $\alpha = N/d$, sharpening into a step at
$\alpha = 2$ as $d$ grows, (b) the expected fraction of vectors that are extremal rays,
approaching $\min(1, 2/\alpha)$, and (c) the expected numbers of 1-, 2- and 3-faces in
$\mathbb{R}^4$. Each sampled value is compared with its exact value by its standard score
$z = (\text{estimate} - \text{exact}) / \text{standard error}$ (face counts only where at least
30 draws were proper). With many scores, a few beyond $\pm 3$ are expected by chance even when
every formula is exact (0.27% of them), so we judge the whole set: $\sum z^2$ against the
chi-square law, and the largest $|z|$ against the Bonferroni bound for that many scores.
""")

code(r"""
scores = cover_efron.z_scores(result)
summary = stats.z_score_summary([score["z"] for score in scores])
worst = max(scores, key=lambda score: abs(score["z"]))
print(f"{summary['m']} standard scores; {summary['beyond_3']} beyond 3 in size "
      f"(expected by chance: {summary['expected_beyond_3']:.2f})")
print(f"largest |z| = {summary['max_abs_z']:.2f} for {worst['quantity']} at N = {worst['n_vectors']}, "
      f"d = {worst['dim']}; Bonferroni bound {summary['bonferroni_bound']:.2f}; "
      f"chi-square p-value {summary['chi2_p_value']:.3f}")
""")

code(r"""
# NBVAL_CHECK_OUTPUT
print("chi-square test of all standard scores against the exact formulas passes (p > 0.01):",
      summary["chi2_p_value"] > 0.01)
print("largest |z| below the Bonferroni bound (family-wise level 1%):",
      summary["max_abs_z"] < summary["bonferroni_bound"])
""")

md(r"""
A score beyond 3 is either chance or a real disagreement; drawing that point again, with ten
times the draws and a seed not used before, tells which:
""")

code(r"""
draws = 10 * (settings["face_draws"] if worst["dim"] == settings["face_dim"] else settings["draws"])
k = int(worst["quantity"][4]) if worst["quantity"].startswith("E[F_") else 0
again = cone_sampling.estimate_faces(worst["n_vectors"], worst["dim"], k, n_draws=draws,
                                     seed=SEED + 10**6)
if k:
    exact = float(cones.expected_faces(worst["n_vectors"], worst["dim"], k))
    z_again = (again.mean_faces[k - 1] - exact) / again.faces_se[k - 1]
else:
    exact = float(cones.wendel_probability(worst["n_vectors"], worst["dim"]))
    z_again = (again.proper_fraction - exact) / np.sqrt(exact * (1 - exact) / draws)
print(f"{worst['quantity']} at N = {worst['n_vectors']}, d = {worst['dim']} with {draws} fresh draws: "
      f"z = {z_again:.2f}")
""")

code(r"""
# NBVAL_CHECK_OUTPUT
print("the worst point, drawn again with ten times the draws, lies within 3 standard errors:",
      abs(z_again) <= 3)
""")

md(r"""
## From cones to a unique teacher (Theorem 3.1)

A network with quadratic activations and a fixed positive second layer computes
$x \mapsto x^\top A x$ with $A = \frac1m W^\top W \succeq 0$ (Sarao Mannelli et al., eq. 1). A teacher with one hidden unit has
$A^* = w w^\top$. Given $n$ Gaussian inputs and the teacher's outputs, the networks of zero
training loss are the positive semidefinite $A$ with $x_k^\top A x_k = x_k^\top A^* x_k$ for all
$k$.

```{prf:theorem} Sarao Mannelli, Vanden-Eijnden and Zdeborová, Theorem 3.1
:label: thm-rank-one-unique

Let $m^* = 1$, $n = \lfloor \alpha d \rfloor$ and $\alpha_c = 2$. As $d \to \infty$ the
probability that $A^*$ is the only positive semidefinite matrix fitting the $n$ measurements
tends to $0$ if $\alpha < \alpha_c$, and stays positive if $\alpha > \alpha_c$.
```

```{prf:proof} The cone argument (App. A.4), in outline
Write $M = A - A^*$ for a competing solution. Since $A \succeq 0$ and $A^*$ has rank one, $M$ has
at most one negative eigenvalue $\mu_d$, with eigenvector $v_d$. Zero loss reads
$\sum_i \mu_i (v_i \cdot x_k)^2 = 0$ for all $k$. If $\mu_d \ge 0$, $n \ge d$ samples force
$M = 0$. If $\mu_d < 0$, the sign-corrected vectors $z_k = \operatorname{sign}(v_d\cdot x_k)\,x_k$
all lie on the strictly convex quadratic cone $\sum_{i<d}\mu_i (v_i\cdot z)^2 = |\mu_d|
(v_d\cdot z)^2$, so every $z_k$ must be an extremal ray of $\operatorname{pos}(z_1..z_n)$. By
{prf:ref}`thm-cover-efron`, $\mathbb{E}[F_1]/n \to \min(1, 2/\alpha)$: below $\alpha = 2$ all
rays are extremal with probability tending to one and a competing solution is not excluded;
above it a positive fraction of rays are not extremal. The step from "all rays extremal" to
"a competing solution exists" is asserted in the paper rather than derived in detail.
```

The direction $v_d$ belongs to the unknown competitor. We make the argument concrete with the one
direction we do know, the teacher's $w$ (on $w^\perp$ every $A - A^*$ is positive semidefinite,
so $v_d$ has a component along $w$): build the cone of $z_k = \operatorname{sign}(w\cdot x_k)\,x_k$,
count its extremal rays $F_1$ by LP, and read "$F_1 < n$" as the cone's prediction "the teacher
is unique". On the same instances an exact test decides uniqueness by semidefinite
programming (`qlcore.uniqueness`: the width of the set of fitting $A$ along random directions,
Clarabel). Two caveats are measured rather than assumed: this cone is always proper, but it is
not a *uniformly* chosen proper cone as in {prf:ref}`thm-cover-efron` (the region of the
arrangement that contains $w$ is picked with probability proportional to its size), and $w$ is
only a stand-in for $v_d$.
""")

code(r"""
link = reproduce("sarao-cone-link", SCALE, SEED)
print(f"scale {SCALE}: {link['settings']['trials']} instances per (d, n)")
print(" d   n  n_c  P(SDP unique)  P(F_1 < n)  agree  SDP-unique-only  cone-unique-only  "
      "E[F_1]/n  Cover-Efron")
for row in link["rows"]:
    print(f"{row['d']:2d} {row['n']:3d} {row['n_critical']:4d}  {row['p_sdp_unique']:12.2f}  "
          f"{row['p_cone_unique']:10.2f}  {row['agreement']:5.2f}  {row['sdp_unique_cone_not']:15d}  "
          f"{row['cone_unique_sdp_not']:16d}  {row['mean_ray_fraction']:8.3f}  "
          f"{row['cover_efron_ray_fraction']:11.3f}")
sarao_cone_link.plot(link)
plt.show()
""")

md(r"""
Panel (a) shows the fraction of instances in which the teacher is the unique fit (SDP, filled)
and in which the cone has a non-extremal ray (open), against $n/d$, with the predicted threshold
$\alpha_c = 2$ dotted; panel (b) the mean fraction of extremal rays of the sign-corrected cone
next to Cover and Efron's formula for a uniformly chosen proper cone. The claims we can compute:
""")

code(r"""
# NBVAL_CHECK_OUTPUT
rows = link["rows"]
print("whenever the cone had a non-extremal ray (F_1 < n), the SDP found the teacher unique:",
      sum(r["cone_unique_sdp_not"] for r in rows) == 0)
print("below n = d every instance is non-unique by both tests:",
      all(r["p_sdp_unique"] == 0 and r["p_cone_unique"] == 0 for r in rows if r["n"] <= r["d"]))
print("from n = 3d on, the SDP finds the teacher unique in every instance:",
      all(r["p_sdp_unique"] == 1 for r in rows if r["n"] >= 3 * r["d"]))
print("the teacher's cone has more extremal rays than a uniform proper cone, for every n > d:",
      all(r["mean_ray_fraction"] > r["cover_efron_ray_fraction"] for r in rows if r["n"] > r["d"]))
""")

md(r"""
What the numbers say:

* **One direction holds in every instance we drew.** When the teacher's cone has a ray that is
  not extremal, the teacher is unique. This is the direction that certifies uniqueness from
  enough samples, and it is consistent with
  the paper's sentence that it *suffices* to check that the cones have fewer than $n$ extremal
  rays. We have not proved it for the stand-in direction $w$; it is an observation on the
  instances above.
* **The converse fails around the threshold.** The column "SDP-unique-only" counts instances
  in which every ray of the teacher's cone is extremal and yet the SDP finds the teacher
  unique; they are frequent from somewhat below $n_c$ to well above it. An all-extremal cone
  is necessary for a competitor, not sufficient, and the direction that matters is $v_d$, not
  $w$: the cone criterion with $w$ certifies uniqueness late, where the SDP already sees it.
* **The teacher's cone is not a Cover–Efron cone.** Its mean fraction of extremal rays is higher
  than the formula's at every $n > d$, as expected from the size-biased choice of region. The
  formula is exact for a uniformly chosen proper cone (previous section), so the quantitative
  link in the paper's proof, which applies Theorem 3' to the sign-corrected data, is a
  heuristic at finite $d$; the threshold $\alpha_c = 2$ it predicts is nevertheless where the SDP
  crossover sits ($n_c = 2d - 1$ by the paper's eq. 13, `qlcore.thresholds.n_critical(d, 1)`).
""")

md(r"""
## Explore

Pick $d$ with the buttons and move $N$ with the slider: the bars are the exact fraction
$\mathbb{E}[F_k \mid \text{proper}] / \binom{N}{k}$ of $k$-subsets that span faces, the dots the
large-$d$ limit $\min(1, (2/\alpha)^k)$, and the title Wendel's probability. Small $d$ is far
from the limit; the step at $\alpha = 2$ emerges only slowly.
""")

code(r"""
cone_widgets.face_count_explorer(dims=(3, 4, 6, 8), max_ratio=3)
""")

md(r"""
## Exercises

```{exercise} Euler's relation from the face counts
:label: ex-euler-d4

A pointed cone in $\mathbb{R}^4$ cut by a hyperplane is a 3-dimensional polytope, whose vertices,
edges and faces obey $V - E + F = 2$. Show from {prf:ref}`thm-cover-efron` that
$\mathbb{E}[F_1] - \mathbb{E}[F_2] + \mathbb{E}[F_3] = 2$ for $d = 4$ and all $N \ge 5$, and
check that every sampled proper cone satisfies it exactly, not only on average.
```

```{solution-start} ex-euler-d4
:class: dropdown
```

With $C(M, 1) = 2$, $C(M, 2) = 2M$ and $C(M, 3) = M^2 - M + 2$, multiply the theorem by
$C(N, 4)$: the claim is $2N\,C(N-1, 3) - 4\binom{N}{2} C(N-2, 2) + 8\binom{N}{3} C(N-3, 1) =
2\,C(N, 4)$, an identity between polynomials of degree 4 in $N$ that can be checked at five
values of $N$ (or symbolically). Exactly, and on samples:

```{code-cell} ipython3
print("exact, N = 5..200:", all(
    cones.expected_faces(n, 4, 1) - cones.expected_faces(n, 4, 2) + cones.expected_faces(n, 4, 3) == 2
    for n in range(5, 201)))
rng_euler = np.random.default_rng(1)
checked = 0
for _ in range(40):
    vectors = rng_euler.standard_normal((9, 4))
    if cone_geometry.is_proper(vectors):
        f1, f2, f3 = cone_geometry.face_counts(vectors, 3)
        assert f1 - f2 + f3 == 2
        checked += 1
print(f"F_1 - F_2 + F_3 = 2 on each of {checked} sampled proper cones")
```

```{solution-end}
```

```{exercise} Wendel at N = 2d
:label: ex-wendel-half

Show that $C(2d, d) = 2^{2d-1}$, so a cone of $2d$ sign-symmetric vectors is proper with
probability exactly $1/2$, and explain the answer with a coin: which event of probability
$1/2$ about $\mathrm{Bin}(2d-1, 1/2)$ is it?
```

```{solution-start} ex-wendel-half
:class: dropdown
```

$C(N, d)/2^N = 2^{1-N}\sum_{k<d}\binom{N-1}{k} = \mathbb{P}(\mathrm{Bin}(N-1, \tfrac12) \le d-1)$.
For $N = 2d$ this is $\mathbb{P}(\mathrm{Bin}(2d-1, \tfrac12) \le d - 1)$: an odd number of fair
coins shows fewer heads than tails, which by symmetry has probability $1/2$.

```{code-cell} ipython3
print(all(cones.cover_count(2 * d, d) == 2 ** (2 * d - 1) for d in range(1, 60)))
```

```{solution-end}
```

```{exercise} Polygons have as many edges as vertices
:label: ex-d3

Why must $\mathbb{E}[F_1 \mid \text{proper}] = \mathbb{E}[F_2 \mid \text{proper}]$ for $d = 3$?
Check it with `cones.expected_faces` and on sampled cones with `cone_geometry.face_counts`.
```

```{solution-start} ex-d3
:class: dropdown
```

A pointed cone in $\mathbb{R}^3$ cut by a plane is a polygon; its extremal rays are the polygon's
vertices and its 2-faces its edges, and a polygon has as many of each.

```{code-cell} ipython3
print(all(cones.expected_faces(n, 3, 1) == cones.expected_faces(n, 3, 2) for n in range(4, 100)))
rng_d3 = np.random.default_rng(2)
samples = [rng_d3.standard_normal((10, 3)) for _ in range(30)]
print(all(f1 == f2 for f1, f2 in (cone_geometry.face_counts(v, 2) for v in samples)))
```

```{solution-end}
```

## What is reproduced, and at what scale

* **Exact.** Every formula value above is an exact rational; the tests check the table of
  `MATH_NOTES.md` §2.4 row by row, the recursion of $C(N, d)$, Euler's relation and the
  large-$d$ limits.
* **Sampled.** At `QL_SCALE=paper` (the outputs stored here) each point of the Cover–Efron
  figure uses 1,000 draws (500 for the $k$-faces of $d = 4$), and the link with Theorem 3.1 uses
  100 instances per $(d, n)$ for $d = 6$ and $10$. At `QL_SCALE=quick`, used in CI, the same
  code runs with a handful of draws; the claims printed in the marked cells hold at both scales.
* **Not reproduced.** The paper has no figure for this part of its appendix; the cone link
  above is our own experiment, and the table and the figures are the book's.

`python -m qlcore reproduce cover-efron` and `python -m qlcore reproduce sarao-cone-link` write
the data and the figures of this chapter.

## References

Wendel {cite}`wendel1962problem` and Cover and Efron {cite}`cover1967geometrical` for the
theorems; Sarao Mannelli, Vanden-Eijnden and Zdeborová {cite}`saraomannelli2020optimization`,
App. A.4, for their use in Theorem 3.1. Full entries are in the
[bibliography](../book/bibliography.md).
""")

chapter.write("notebooks/03_polyhedral_cones.ipynb")
