"""Fitting FSRS to a review log: a synthetic learner with known parameters, held-out reviews."""

from __future__ import annotations

import pytest

from trainer.scheduling.optimize import (
    MIN_REVIEWS,
    default_parameters,
    evaluate,
    fit,
    fsrs_items,
    histories,
)
from trainer.scheduling.simulate import as_review_rows, simulate_histories

START = 1_780_000_000.0


# study days are computed in local time: these tests fix it to UTC
pytestmark = pytest.mark.usefixtures("utc")


def true_parameters() -> list[float]:
    """A learner unlike FSRS's average one: first memories four times weaker, a flatter
    forgetting curve."""
    w = default_parameters()
    w[0:4] = [0.05, 0.3, 0.6, 2.0]
    w[20] = 0.5
    return w


@pytest.fixture(scope="module")
def learner() -> list[list[tuple[int, int]]]:
    return simulate_histories(true_parameters(), cards=1500, days=365, seed=7)


def test_the_fit_predicts_held_out_reviews_better_than_the_defaults(learner):
    train, held_out = learner[:1000], learner[1000:]
    report = fit(as_review_rows(train, start=START))
    assert report.enough and report.better
    assert report.fitted.log_loss < report.default.log_loss
    assert report.fitted.rmse_bins < report.default.rmse_bins
    test_items = fsrs_items(held_out)
    fitted = evaluate(report.parameters, test_items)
    default = evaluate(default_parameters(), test_items)
    truth = evaluate(true_parameters(), test_items)
    assert fitted.log_loss < default.log_loss
    # the fit comes near what the true parameters achieve, and recovers the weak first memory
    assert fitted.log_loss - truth.log_loss < (default.log_loss - truth.log_loss) / 2
    assert report.parameters[2] < default_parameters()[2] / 2  # S0 after Good


def test_the_log_is_read_back_as_the_simulated_days(learner):
    rows = as_review_rows(learner[:3], start=START)
    assert histories(rows) == [[(d + histories(rows)[i][0][0] - learner[i][0][0], r)
                                for d, r in learner[i]] for i in range(3)]


def test_a_forgotten_card_starts_a_new_history_and_a_headless_log_is_skipped():
    day = 86400.0
    rows = [("d/a", START, 3, True), ("d/a", START + 3 * day, 3, False),
            ("d/a", START + 9 * day, 1, True), ("d/a", START + 10 * day, 3, False),
            ("d/b", START + day, 3, False)]  # b's first review is not in the log
    days = histories(rows)
    assert [[r for _, r in h] for h in days] == [[3, 3], [1, 3]]
    assert [[d - h[0][0] for d, _ in h] for h in days] == [[0, 3], [0, 1]]


def test_a_relearning_step_the_same_day_as_its_lapse_does_not_stop_the_fit(learner):
    """Study shows a lapsed card again minutes later (Again, then Good the same day): that
    review has no day before it, so it is not predicted (fsrs-rs refused the whole log)."""
    relearnt = [[step for day, rating in h
                 for step in ([(day, 1), (day, 3)] if rating == 1 else [(day, rating)])]
                for h in learner[:300]]
    assert any(r == 1 for h in relearnt for _, r in h[1:])
    rows = as_review_rows(relearnt, start=START)
    report = fit(rows)
    assert report.enough and report.fitted is not None and report.better
    # only reviews a day or more after the one before are predicted: the same count as
    # without the relearning steps
    assert report.predictions == len(fsrs_items(learner[:300]))


def test_below_the_threshold_nothing_is_fitted(learner):
    rows = as_review_rows(learner, start=START)[:MIN_REVIEWS - 1]
    report = fit(rows)
    assert not report.enough and report.parameters is None and not report.better
    assert report.to_dict()["min_reviews"] == MIN_REVIEWS


def test_a_fit_no_better_than_the_parameters_in_use_is_not_better(learner):
    rows = as_review_rows(learner[:600], start=START)
    first = fit(rows)
    again = fit(rows, current=first.parameters)
    # the same reviews, the same optimizer: the new fit can not beat the one it repeats
    assert again.current.log_loss == pytest.approx(first.fitted.log_loss)
    assert not again.better


# --- applying a fit: the store, the states, the command ---------------------------------

def stored_log(store, histories_, *, deck: str = "sim") -> None:
    """The simulated reviews recorded as study records them (state before and after)."""
    from trainer.scheduling import Scheduler

    sched = Scheduler(fuzz=False)
    for key, at, rating, _first in sorted(as_review_rows(histories_, start=START, deck=deck),
                                          key=lambda r: (r[0], r[1])):
        before = store.card_state(key)
        after = sched.review(key=key, deck=deck, state=before, rating=rating, now=at)
        store.record_review(before=before, after=after, rating=rating, reviewed_at=at,
                            duration_ms=5000)


@pytest.fixture(scope="module")
def small_learner() -> list[list[tuple[int, int]]]:
    return simulate_histories(true_parameters(), cards=150, days=200, seed=11)


def test_apply_stores_the_fit_and_recomputes_each_card_from_its_history(tmp_path,
                                                                         small_learner):
    from trainer.config import Settings
    from trainer.scheduling import Scheduler
    from trainer.scheduling.refit import apply_fit
    from trainer.scheduling.replay import Replayer
    from trainer.store import Store

    store = Store.open(tmp_path / "t.db")
    stored_log(store, small_learner)
    store.append([store.new_event("suspend", "sim/c0", START + 300 * 86400)])
    report = fit(store.review_rows())
    assert report.reviews > MIN_REVIEWS and report.better
    before = store.card_state("sim/c1")
    count = apply_fit(store, report, Settings(), now=START + 400 * 86400)
    assert count == len(small_learner)
    (saved,) = store.fits()
    assert saved.deck is None and saved.reviews == report.reviews
    assert list(saved.parameters) == report.parameters
    assert store.fitted_parameters() == {None: tuple(report.parameters)}
    # c1's state is its journal replayed with the fitted parameters
    expected = Replayer(parameters=report.parameters).replay(store.events("sim/c1"))
    after = store.card_state("sim/c1")
    assert after == expected
    assert after.stability != pytest.approx(before.stability)
    assert after.reps == before.reps
    assert store.card_state("sim/c0").suspended  # a suspension is an event: replayed too
    # the scheduler uses them from now on
    sched = Scheduler.for_store(Settings(), store, fuzz=False)
    assert sched.parameters_for("sim") == tuple(report.parameters)


def test_a_fit_that_is_not_better_is_refused(tmp_path, small_learner):
    from trainer.config import Settings
    from trainer.scheduling.refit import apply_fit
    from trainer.store import Store

    store = Store.open(tmp_path / "t.db")
    stored_log(store, small_learner)
    report = fit(store.review_rows())
    report.fitted = report.default  # as good as the defaults, not better
    with pytest.raises(ValueError, match="only a fit better"):
        apply_fit(store, report, Settings(), now=START)
    assert store.fits() == []


def test_trainer_optimize_reports_applies_and_stats_shows_it(tmp_path, capsys, small_learner):
    import json

    from trainer.cli import main
    from trainer.store import Store

    db = tmp_path / "t.db"
    store = Store.open(db)
    stored_log(store, small_learner, deck="mle-map-grill")
    store.close()
    assert main(["optimize", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "log loss" in out and "default" in out and "fitted" in out and "--apply" in out
    assert Store.open(db).fits() == []  # without --apply nothing changes
    assert main(["optimize", "--db", str(db), "--deck", "mle-map-grill", "--apply",
                 "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["applied"] and result["cards_recomputed"] == len(small_learner)
    assert result["fitted"]["log_loss"] < result["default"]["log_loss"]
    (saved,) = Store.open(db).fits()
    assert saved.deck == "mle-map-grill"
    assert main(["stats", "--db", str(db)]) == 0
    assert "FSRS parameters    deck mle-map-grill: fitted" in capsys.readouterr().out
    # fitted again on the same reviews: no better than what is in use, so not applied
    assert main(["optimize", "--db", str(db), "--deck", "mle-map-grill", "--apply"]) == 0
    assert "no better; the parameters in use are kept" in capsys.readouterr().out


def test_trainer_optimize_below_the_threshold_keeps_the_defaults(tmp_path, capsys):
    from trainer.cli import main

    db = tmp_path / "t.db"
    stored_log(__import__("trainer.store", fromlist=["Store"]).Store.open(db),
               simulate_histories(true_parameters(), cards=10, days=60, seed=1))
    assert main(["optimize", "--db", str(db), "--apply"]) == 0
    assert "fitting needs at least 400" in capsys.readouterr().out
    assert main(["optimize", "--db", str(db), "--deck", "nope"]) == 2
    assert "no deck 'nope'" in capsys.readouterr().err


def test_the_home_screen_suggests_refitting_after_30_days_or_1000_reviews(tmp_path):
    from trainer.scheduling.refit import refit_suggestion
    from trainer.store import Store
    from trainer.store.fits import StoredFit

    store = Store.open(tmp_path / "t.db")
    assert refit_suggestion(store, START) is None  # never fitted: nothing to suggest
    with store.transaction():
        store.save_fit(StoredFit(None, (0.1,) * 21, START, 500, 0.3, 0.05, 0.35, 0.07))
    assert refit_suggestion(store, START + 29 * 86400) is None
    assert "30 days ago" in refit_suggestion(store, START + 30 * 86400)
    stored_log(store, simulate_histories(true_parameters(), cards=300, days=30, seed=2))
    n = store.reviews_since(START)
    assert n >= 1000
    assert f"{n} reviews since" in refit_suggestion(store, START + 86400)
