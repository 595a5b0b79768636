"""solvers.em, solvers.nn and solvers.preference against direct formulas, finite differences
and numerical optimisation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, special, stats

from solvers import em, nn, preference

SEEDS = range(6)


@settings(max_examples=40, deadline=None)
@given(
    x=st.floats(-10, 10),
    pi1=st.floats(0.01, 0.99),
    mu1=st.floats(-3, 3),
    mu2=st.floats(-3, 3),
    v1=st.floats(0.1, 4),
    v2=st.floats(0.1, 4),
)
def test_responsibility_is_bayes_rule(x, pi1, mu1, mu2, v1, v2):
    a = pi1 * stats.norm.pdf(x, mu1, math.sqrt(v1))
    b = (1 - pi1) * stats.norm.pdf(x, mu2, math.sqrt(v2))
    got = em.responsibility(x, pi1, mu1, v1, mu2, v2)
    assert isinstance(got, float)
    if a + b > 1e-300:
        assert got == pytest.approx(a / (a + b), rel=1e-9, abs=1e-12)


def test_responsibility_monte_carlo_and_arrays():
    rng = np.random.default_rng(0)
    pi1, mu1, v1, mu2, v2 = 0.3, -1.0, 1.0, 1.5, 0.5
    n = 2_000_000
    comp1 = rng.random(n) < pi1
    x = np.where(comp1, rng.normal(mu1, math.sqrt(v1), n), rng.normal(mu2, math.sqrt(v2), n))
    near = np.abs(x - 0.2) < 0.01  # P(component 1 | x near 0.2)
    freq = comp1[near].mean()
    se = math.sqrt(freq * (1 - freq) / near.sum())
    assert em.responsibility(0.2, pi1, mu1, v1, mu2, v2) == pytest.approx(freq, abs=4 * se)
    xs = np.array([-50.0, 0.0, 50.0])
    r = em.responsibility(xs, pi1, mu1, v1, mu2, v2)
    assert r.shape == (3,) and np.all(np.isfinite(r)) and np.all((r >= 0) & (r <= 1))
    assert r[0] == pytest.approx(1.0) and r[2] == pytest.approx(
        1.0
    )  # wider component wins in tails
    assert em.responsibility(1.0, 0.0, 0, 1, 0, 1) == 0.0


@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_cross_entropy_and_gradient(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 7))
    z = rng.normal(scale=3, size=k)
    np.testing.assert_allclose(nn.softmax(z), special.softmax(z), rtol=1e-12)
    np.testing.assert_allclose(nn.log_softmax(z), special.log_softmax(z), rtol=1e-12, atol=1e-14)
    label = int(rng.integers(0, k))
    assert nn.softmax_cross_entropy(z, label) == pytest.approx(-special.log_softmax(z)[label])
    target = rng.dirichlet(np.ones(k))
    fd = optimize.approx_fprime(z, lambda u: nn.softmax_cross_entropy(u, target), 1e-7)
    np.testing.assert_allclose(nn.softmax_cross_entropy_grad(z, target), fd, atol=1e-5)
    onehot = np.eye(k)[label]
    np.testing.assert_allclose(nn.softmax_cross_entropy_grad(z, label), special.softmax(z) - onehot)
    batch = rng.normal(size=(4, k))
    labels = rng.integers(0, k, size=4)
    losses = nn.softmax_cross_entropy(batch, labels)
    np.testing.assert_allclose(
        losses, [nn.softmax_cross_entropy(r, c) for r, c in zip(batch, labels, strict=True)]
    )


def test_class_indices_over_a_large_vocabulary_stay_small():
    # a one-hot matrix for 50,000 classes would take 20 GB; indexing takes a few arrays of k
    import tracemalloc

    k = 50_000
    rng = np.random.default_rng(3)
    z = rng.normal(size=(2, k))
    labels = np.array([7, k - 1])
    tracemalloc.start()
    try:
        losses = nn.softmax_cross_entropy(z, labels)
        grad = nn.softmax_cross_entropy_grad(z, labels)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10 * z.nbytes
    np.testing.assert_allclose(losses, -special.log_softmax(z, axis=-1)[[0, 1], labels])
    expected = special.softmax(z, axis=-1)
    expected[[0, 1], labels] -= 1
    np.testing.assert_allclose(grad, expected, atol=1e-15)
    assert nn.softmax_cross_entropy(np.zeros(k), 123) == pytest.approx(np.log(k))


def test_softmax_is_stable_for_large_logits():
    np.testing.assert_allclose(nn.softmax([1000.0, 1000.0]), [0.5, 0.5])
    assert nn.softmax_cross_entropy([1000.0, 0.0], 1) == pytest.approx(1000.0)


@pytest.mark.parametrize("seed", SEEDS)
def test_perplexity_is_inverse_geometric_mean_probability(seed):
    rng = np.random.default_rng(seed)
    probs = rng.uniform(0.01, 1, size=50)
    mean_nll = float(-np.mean(np.log(probs)))
    assert nn.perplexity(mean_nll) == pytest.approx(stats.gmean(probs) ** -1, rel=1e-10)
    assert nn.perplexity(0.0) == 1.0


@settings(max_examples=40, deadline=None)
@given(rw=st.floats(-20, 20), rl=st.floats(-20, 20))
def test_bradley_terry(rw, rl):
    assert preference.bradley_terry(rw, rl) == pytest.approx(special.expit(rw - rl), rel=1e-12)
    assert preference.bradley_terry(rw, rl) + preference.bradley_terry(rl, rw) == pytest.approx(1)


@settings(max_examples=40, deadline=None)
@given(
    lw=st.floats(-30, 0),
    ll=st.floats(-30, 0),
    rw=st.floats(-30, 0),
    rl=st.floats(-30, 0),
    beta=st.floats(0.01, 5),
)
def test_dpo_loss_and_reward(lw, ll, rw, rl, beta):
    margin = beta * ((lw - rw) - (ll - rl))
    expected = np.logaddexp(0.0, -margin)  # -log sigma(margin)
    assert preference.dpo_loss(lw, ll, rw, rl, beta) == pytest.approx(
        expected, rel=1e-10, abs=1e-14
    )
    assert preference.dpo_implicit_reward(lw, rw, beta) == pytest.approx(beta * (lw - rw))
    assert preference.dpo_loss(lw, ll, rw, rl, beta) == pytest.approx(
        -math.log(
            preference.bradley_terry(
                preference.dpo_implicit_reward(lw, rw, beta),
                preference.dpo_implicit_reward(ll, rl, beta),
            )
        ),
        rel=1e-8,
        abs=1e-12,
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_kl_regularized_policy_maximises_objective(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 6))
    ref = rng.dirichlet(np.ones(k))
    r = rng.normal(size=k)
    beta = rng.uniform(0.2, 3)

    def neg_objective(theta):
        pi = special.softmax(theta)
        return -(pi @ r - beta * np.sum(special.rel_entr(pi, ref)))

    res = optimize.minimize(neg_objective, np.zeros(k), method="BFGS", options={"gtol": 1e-10})
    np.testing.assert_allclose(
        preference.kl_regularized_policy(ref, r, beta), special.softmax(res.x), atol=1e-5
    )


def test_kl_regularized_policy_keeps_zero_reference_mass_at_zero():
    pi = preference.kl_regularized_policy([0.5, 0.5, 0.0], [0.0, 1000.0, 5000.0], 0.1)
    np.testing.assert_allclose(pi, [0.0, 1.0, 0.0])


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: em.responsibility(0.0, 1.5, 0, 1, 0, 1), "pi1"),
        (lambda: em.responsibility(0.0, 0.5, 0, 0, 0, 1), "var1 must be > 0"),
        (lambda: nn.softmax([]), "empty"),
        (lambda: nn.softmax(np.zeros((2, 2, 2))), "1-D vector or a 2-D"),
        (lambda: nn.softmax_cross_entropy([1, 2], 2), "class index"),
        (lambda: nn.softmax_cross_entropy([1, 2], [0.5, 0.6]), "sum to 1"),
        (lambda: nn.softmax_cross_entropy([1, 2], [1, 0, 0]), "shape"),
        (lambda: nn.perplexity(-1), ">= 0"),
        (lambda: nn.perplexity(1000), "overflows"),
        (lambda: preference.dpo_loss(0.5, -1, -1, -1, 0.1), "logp_w.*<= 0"),
        (lambda: preference.dpo_loss(-1, -1, -1, -1, 0), "beta must be > 0"),
        (lambda: preference.kl_regularized_policy([0.5, 0.4], [1, 2], 1), "sum to 1"),
        (lambda: preference.kl_regularized_policy([0.5, 0.5], [1, 2, 3], 1), "mismatched"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
