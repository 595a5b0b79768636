"""Scheduling toward an interview date: capped intervals keep FSRS state; the new-card pace."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from trainer.config import Settings, SettingsError, _check
from trainer.decks.model import Card
from trainer.interview.plan import InterviewPlan, Scope
from trainer.review import State
from trainer.scheduling import Scheduler
from trainer.scheduling.days import study_date
from trainer.store import CardState

DAY = 86400.0


def at(day: str, hour: int = 12) -> float:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC).timestamp()


def card(cid: str, deck: str = "grill", tags: tuple[str, ...] = ()) -> Card:
    return Card(deck=deck, id=cid, kind="recall", prompt="?", answer="!", tags=tags)


def plan(**kw) -> InterviewPlan:
    settings = Settings(interview_date="2026-12-15", day_starts_at=4, **kw)
    p = InterviewPlan.from_settings(settings, zone=UTC)
    assert p is not None
    return p


def mature(key: str, now: float) -> CardState:
    """A card with a long memory: its next Good interval runs for months."""
    return CardState(key=key, deck="grill", state=State.REVIEW, step=None, stability=60.0,
                     difficulty=5.0, due=now, last_review=now - 60 * DAY, reps=6)


def test_an_interval_past_the_date_is_capped_into_the_final_days_and_fsrs_state_is_kept():
    p = plan()
    now = at("2026-12-01")
    c = card("a")
    after = Scheduler(fuzz=False).review(key=c.key, deck=c.deck, state=mature(c.key, now),
                                         rating=3, now=now)
    assert after.due > p.starts  # FSRS would next show it after the interview
    capped = p.cap(c, after, now)
    day = study_date(capped.due, day_hour=4, zone=UTC)
    assert date(2026, 12, 12) <= day <= date(2026, 12, 14)  # the last three days before
    assert capped.due < p.starts
    assert replace(capped, due=after.due) == after  # stability, difficulty, state untouched


def test_cards_are_spread_over_the_final_days():
    p = plan()
    now = at("2026-12-01")
    days = set()
    for i in range(40):
        c = card(f"c{i}")
        after = replace(mature(c.key, now), due=at("2027-02-01"))
        days.add(study_date(p.cap(c, after, now).due, day_hour=4, zone=UTC))
    assert days == {date(2026, 12, 12), date(2026, 12, 13), date(2026, 12, 14)}


def test_no_cap_when_due_before_the_date_inside_the_final_days_after_it_or_out_of_scope():
    p = plan(interview_scope="tag:rlhf")
    rlhf, other = card("r", tags=("rlhf",)), card("o", tags=("kl",))
    early = replace(mature(rlhf.key, 0), due=at("2026-12-10"))
    assert p.cap(rlhf, early, at("2026-12-01")) == early  # already before the date
    late = replace(mature(rlhf.key, 0), due=at("2027-03-01"))
    assert p.cap(rlhf, late, at("2026-12-13")) == late  # this review is the final pass
    assert p.cap(rlhf, late, at("2026-12-16")) == late  # the date has passed
    late_other = replace(late, key=other.key)
    assert p.cap(other, late_other, at("2026-12-01")) == late_other  # not in the scope
    assert p.cap(rlhf, late, at("2026-12-01")).due < p.starts


def test_the_pace_of_new_cards_covers_the_scope_by_final_days_before_the_date():
    p = plan(interview_scope="deck:grill")
    cards = [card(f"n{i}") for i in range(42)] + [card("x", deck="other")]
    seen = card("seen")
    cards.append(seen)
    states = {seen.key: mature(seen.key, 0)}
    pace = p.pace(cards, states, at("2026-12-05"), limit=20)
    # 42 unseen grill cards (the other deck is out of scope), from Dec 5 to Dec 12: 7 days
    assert (pace.left, pace.days, pace.per_day) == (42, 7, 6)
    assert pace.fits
    assert pace.line() == "42 new cards left, 6 a day until Dec 12"
    tight = p.pace(cards, states, at("2026-12-05"), limit=5)
    assert not tight.fits and "more than new_per_day (5)" in tight.line()
    # the last day before the deadline: everything left is due today
    assert p.pace(cards, states, at("2026-12-11"), limit=100).per_day == 42
    late = p.pace(cards, states, at("2026-12-14"), limit=100)
    assert late.per_day == 42 and late.late
    # inside the final days no pace sees them all in time: it says so, not "until Dec 12"
    assert late.line() == ("42 new cards left; the final days before the interview began on "
                           "Dec 12: review what you know, new cards only if time allows")
    assert not p.pace(cards, states, at("2026-12-11"), limit=100).late


def test_scope_and_settings_are_checked():
    scope = Scope.parse("deck:mle-map-grill tag:rlhf")
    assert card("a", deck="mle-map-grill") in scope
    assert card("b", tags=("rlhf",)) in scope
    assert card("c") not in scope
    assert card("c") in Scope.parse("")
    with pytest.raises(SettingsError, match="interview_date"):
        _check(Settings(interview_date="15/12/2026"))
    with pytest.raises(SettingsError, match="deck:ID or tag:NAME"):
        _check(Settings(interview_scope="rlhf"))
    assert InterviewPlan.from_settings(Settings()) is None


def test_a_study_session_caps_the_interval_toward_the_date_and_not_after_it(tmp_path):
    from trainer.session import StudySession
    from trainer.store import Store

    c = card("a")
    for when, capped in ((at("2026-12-01"), True), (at("2026-12-20"), False)):
        store = Store.open(tmp_path / f"{when}.db")
        store.put_state(mature(c.key, when))
        settings = Settings(interview_date="2026-12-15", day_starts_at=4)
        session = StudySession(store, [c], settings, Scheduler(fuzz=False), clock=lambda w=when: w)
        assert session.current is c
        after = session.rate(3)
        plain = Scheduler(fuzz=False).review(key=c.key, deck=c.deck, state=mature(c.key, when),
                                             rating=3, now=when)
        assert replace(after, due=plain.due) == plain  # the FSRS state is the scheduler's
        # the zone of the plan is the machine's; a day either way still lies before the date
        assert (after.due < at("2026-12-15")) is capped
        assert store.card_state(c.key) == after


def test_the_date_typed_on_the_home_screen_is_checked_in_words():
    from trainer.interview.plan import DateError, parse_interview_date

    today = date(2026, 12, 5)
    assert parse_interview_date(" 2026-12-15 ", today) == date(2026, 12, 15)
    assert parse_interview_date("", today) is None  # clears the date
    with pytest.raises(DateError, match=r"'15/12/2026' is not a date: type it as YYYY-MM-DD"):
        parse_interview_date("15/12/2026", today)
    with pytest.raises(DateError, match="not a date"):
        parse_interview_date("2026-02-30", today)
    with pytest.raises(DateError, match=r"Dec 1, 2026 has passed: .* after today \(Dec 5\)"):
        parse_interview_date("2026-12-01", today)
    with pytest.raises(DateError, match="Dec 5, 2026 is today"):
        parse_interview_date("2026-12-05", today)
    assert parse_interview_date("2026-12-06", today) == date(2026, 12, 6)
    with pytest.raises(DateError, match="more than 2 years away: check the year"):
        parse_interview_date("2062-12-15", today)
