"""Statistics: reviews per day, true retention, a calendar heatmap, the forecast, weak spots."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult, RenderResult
from textual.binding import Binding
from textual.color import Color
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState
from textual_plotext import PlotextPlot  # only here: the app never imports it on start-up

from trainer.config import Settings
from trainer.decks.model import Card
from trainer.interview.outlook import readiness_history
from trainer.interview.plan import InterviewPlan
from trainer.interview.readiness import DayReadiness
from trainer.render import plural
from trainer.stats import DayCount, Overview, Progress, heat_grid, heat_level, progress
from trainer.store import Store
from trainer.tui.screens.base import put
from trainer.tui.widgets.steady_footer import SteadyFooter

if TYPE_CHECKING:
    from trainer.tui.app import TrainerApp

WEEKDAYS = ["Mon", "", "Wed", "", "Fri", "", "Sun"]
KEPT = "stats"  # the name the kept statistics screen is installed under
COUNTING = "Statistics: counting reviews…"
HEAT_SHADES = (0.0, 0.35, 0.6, 0.8, 1.0)  # share of $success over $surface per level


def percent(share: float | None) -> str:
    return "–" if share is None else f"{share:.0%}"


def heatmap_text(days: Sequence[DayCount], *, surface: Color, fill: Color,
                 muted: Color) -> Text:
    """Weeks as columns (Monday on top), one block per study day shaded by its reviews."""
    grid = heat_grid(days)
    peak = max((d.reviews for d in days), default=0)
    shades = [surface.blend(fill, share).hex for share in HEAT_SHADES]
    text = Text()
    months = [" "] * (2 * len(grid) + 2)
    shown, free_from = None, 0
    for i, week in enumerate(grid):
        first = next(d for d in week if d is not None)
        if first.day.month != shown:
            shown = first.day.month
            if 2 * i >= free_from:  # a name needs 3 columns; skip it rather than overlap
                months[2 * i:2 * i + 3] = first.day.strftime("%b")
                free_from = 2 * i + 4
    text.append("    " + "".join(months).rstrip() + "\n", style=muted.hex)
    for row, label in enumerate(WEEKDAYS):
        text.append(f"{label:<4}", style=muted.hex)
        for week in grid:
            day = week[row]
            if day is None:
                text.append("  ")
            elif day.reviews == 0:
                text.append("· ", style=muted.hex)
            else:
                text.append("■ ", style=shades[heat_level(day.reviews, peak)])
        text.append("\n")
    text.append("    less ", style=muted.hex)
    for shade in shades[1:]:
        text.append("■ ", style=shade)
    text.append(f"more   busiest day: {plural(peak, 'review')}", style=muted.hex)
    return text


class Chart(PlotextPlot):
    """A plotext plot built once for its size, theme and data (PlotextPlot builds it again
    at every render), and blank until it has data (no empty plot is built for the
    placeholder frame)."""

    def __init__(self, *, id: str) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self._drawn = 0  # how many times data was put in
        self._built: tuple[object, RenderResult] | None = None
        self._data: object = None  # what it shows: the data and colours it was given

    def replot(self, data: object) -> bool:
        """Whether the plot must be made again to show `data` (equal data: it is shown)."""
        if data == self._data:
            return False
        self._data = data
        return True

    def drawn(self) -> None:
        """The data changed: build it at the next render."""
        self._drawn += 1
        self.refresh()

    def render(self) -> RenderResult:
        if not self._drawn:
            return ""
        key = (self.size, self.app.theme, self._drawn)
        if self._built is None or self._built[0] != key:
            self._built = (key, super().render())
        return self._built[1]


@dataclass(frozen=True, slots=True)
class Readiness:
    """The interview day and the forecast for it after each study day."""

    day: date
    points: list[DayReadiness]


class StatsScreen(Screen[None]):
    """Progress on the loaded decks; figures are counted in a thread, off the UI."""

    DEFAULT_CSS = """
    StatsScreen > VerticalScroll { padding: 0 1; scrollbar-gutter: stable; }
    StatsScreen .section { color: $primary; text-style: bold; margin-top: 1; }
    StatsScreen #stats-summary { text-style: bold; }
    StatsScreen #retention-figure { color: $success; text-style: bold; }
    StatsScreen #retention-months { color: $text-muted; }
    StatsScreen PlotextPlot { height: 12; }
    StatsScreen #readiness-plot { display: none; }
    StatsScreen #weak-tags, StatsScreen #weak-cards { height: auto; }
    """
    BINDINGS = [
        Binding("escape,q", "close", "Back"),
        Binding("r", "refresh", "Refresh"),
    ]

    def __init__(self, *, cards: Sequence[Card], store: Store, settings: Settings,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.cards = list(cards)
        self.store = store
        self.settings = settings
        self.clock = clock
        self.progress: Progress | None = None
        self.readiness: Readiness | None = None
        self.readiness_known = False  # the readiness worker has reported (None: no date)
        self.made_of: tuple[object, ...] = ()  # what the app made it of, when kept
        # the figures being counted (a screen shown again shows its last ones meanwhile)
        self.pending = {"stats", "readiness", "interviews"}

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(COUNTING, id="stats-summary")
            yield Static("", id="retention-figure")
            yield Static("", id="retention-months")
            yield Static("Reviews per day, last 30 days", classes="section")
            yield Chart(id="reviews-plot")
            yield Static("Reviews per day, last 20 weeks", classes="section")
            yield Static("", id="heatmap")
            yield Static("Due on each of the next 14 days", classes="section")
            yield Chart(id="forecast-plot")
            yield Static("Predicted recall on the interview day", classes="section",
                         id="readiness-title")
            yield Static("", id="readiness-note")
            yield Chart(id="readiness-plot")
            yield Static("Mock interviews", classes="section")
            yield Static("", id="interview-trend")
            yield Static("Weakest tags", classes="section")
            yield Static("", id="weak-tags")
            yield Static("Weakest cards", classes="section")
            yield Static("", id="weak-cards")
        yield SteadyFooter()

    @classmethod
    def kept(cls, app: TrainerApp) -> StatsScreen:
        """The app's statistics screen, kept installed between visits while the app's
        cards, store and settings stay the same: composed and styled once. A new one
        while the kept one is on the stack under others."""
        clock = {"clock": app.clock} if app.clock is not None else {}
        if app.is_screen_installed(KEPT):
            screen = app.get_screen(KEPT)
            made_of = (app.load_result, app.store, app.settings)
            if (isinstance(screen, cls) and len(screen.made_of) == len(made_of)
                    and all(a is b for a, b in zip(screen.made_of, made_of, strict=True))
                    and screen not in app.screen_stack):
                return screen
            if screen in app.screen_stack:
                return cls(cards=app.load_result.cards, store=app.store,
                           settings=app.settings, **clock)
            app.uninstall_screen(KEPT)
        screen = cls(cards=app.load_result.cards, store=app.store, settings=app.settings,
                     **clock)
        screen.made_of = (app.load_result, app.store, app.settings)
        app.install_screen(screen, KEPT)
        return screen

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._draw())

    def on_screen_resume(self) -> None:
        """Shown (again): the placeholder or the last figures, then the figures as of now
        (what changed is drawn again, nothing else)."""
        self.action_refresh()

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_refresh(self) -> None:
        self.pending = {"stats", "readiness", "interviews"}
        self._count()
        self._readiness()
        self._interviews()

    @work(thread=True, exclusive=True, exit_on_error=False, group="stats")
    def _count(self) -> Progress:
        with self.store.reading() as store:  # its own connection: this is another thread
            return progress(self.cards, store, self.clock(),
                            day_hour=self.settings.day_starts_at,
                            learn_ahead_minutes=self.settings.learn_ahead_minutes)

    @work(thread=True, exclusive=True, exit_on_error=False, group="readiness")
    def _readiness(self) -> Readiness | None:
        """The forecast for the interview morning after each past study day (None: no date)."""
        plan = InterviewPlan.from_settings(self.settings)
        if plan is None:
            return None
        with self.store.reading() as store:
            return Readiness(plan.day, readiness_history(self.cards, store, self.settings,
                                                         plan.day))

    @work(thread=True, exclusive=True, exit_on_error=False, group="interviews")
    def _interviews(self) -> list[str]:
        """The last interviews and the trend of their scores (as `trainer interview --history`)."""
        from trainer.interview.records import trend

        with self.store.reading() as store:
            records = store.interviews()
        if not records:
            return ["No mock interview yet: I holds one."]
        return trend(records[-8:])

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state in (WorkerState.SUCCESS, WorkerState.ERROR):
            self.pending.discard(event.worker.group)
        if event.worker.group == "interviews":
            if event.state == WorkerState.SUCCESS:
                lines = event.worker.result or []  # the trend's lines (set on success)
                put(self.query_one("#interview-trend", Static), "\n".join(lines))
            elif event.state == WorkerState.ERROR:
                self.query_one("#interview-trend", Static).update(
                    f"The interviews could not be read: {event.worker.error}")
            return
        if event.worker.group == "readiness":
            if event.state == WorkerState.SUCCESS:
                self.readiness = event.worker.result
                self.readiness_known = True
                self._draw_readiness()
            elif event.state == WorkerState.ERROR:
                self.query_one("#readiness-note", Static).update(
                    f"The forecast could not be computed: {event.worker.error}")
            return
        if event.worker.group != "stats":
            return
        if event.state == WorkerState.SUCCESS and isinstance(event.worker.result, Progress):
            self._show(event.worker.result)
        elif event.state == WorkerState.ERROR:
            self.query_one("#stats-summary", Static).update(
                Text(f"Statistics could not be counted: {event.worker.error}", style="bold"))

    def _show(self, figures: Progress) -> None:
        self.progress = figures
        self._draw()

    def _color(self, name: str) -> Color:
        return Color.parse(self.app.theme_variables[name])

    def _draw(self) -> None:
        if self.progress is None or not self.is_mounted:
            return
        p = self.progress.overview
        streak = f"{p.streak_days}-day streak" if p.streak_days else "no streak yet"
        put(self.query_one("#stats-summary", Static),
            f"Statistics   {plural(p.reviews_today, 'review')} today · {sum(p.reviews_per_day)} in 30 "
            f"days · {streak} · {p.due_now} due now")
        if p.retention_30d is None:
            retention = "True retention (30 days): – (no reviews of mature cards yet)"
        else:
            retention = (f"True retention (30 days): {percent(p.retention_30d)} "
                         f"({p.recalled_30d} of {p.reviewed_30d} reviews not forgotten)")
        put(self.query_one("#retention-figure", Static), retention)
        months = " · ".join(f"{m.month} {percent(m.retention)} ({m.reviewed})"
                            for m in self.progress.retention_by_month)
        put(self.query_one("#retention-months", Static),
            f"By month (reviews of mature cards): {months}")
        self._draw_reviews(p)
        self._draw_forecast(p)
        put(self.query_one("#heatmap", Static), heatmap_text(
            self.progress.heatmap, surface=self._color("surface"), fill=self._color("success"),
            muted=self._color("foreground").blend(self._color("surface"), 0.5)))
        self._draw_readiness()
        put(self.query_one("#weak-tags", Static), self._tags_text(self.progress))
        put(self.query_one("#weak-cards", Static), self._cards_text(self.progress))

    def _bars(self, plot_id: str, values: list[int], ticks: list[int],
              labels: list[str], xlabel: str) -> None:
        plot = self.query_one(f"#{plot_id}", Chart)
        color = self._color("primary").rgb
        if not plot.replot((values, ticks, labels, xlabel, color)):
            return
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        plt.bar(list(range(len(values))), values, color=color, width=0.6)
        plt.xticks([float(t) for t in ticks], labels)  # plotext's positions are floats
        plt.xlabel(xlabel)
        top = max(max(values, default=0), 1)
        step = -(-top // 4)  # whole numbers of cards: at most five ticks
        plt.yticks(list(range(0, top + step, step)))
        plt.ylim(0, top + step / 2)
        plt.xlim(-1, len(values))  # room for the first and last bars inside the frame
        plot.drawn()

    def _draw_reviews(self, p: Overview) -> None:
        days = [p.today - timedelta(days=29 - i) for i in range(30)]
        ticks = list(range(1, 30, 7))
        self._bars("reviews-plot", p.reviews_per_day, ticks,
                   [days[i].strftime("%d %b") for i in ticks], "study day")

    def _draw_forecast(self, p: Overview) -> None:
        days = [p.today + timedelta(days=i) for i in range(len(p.forecast))]
        ticks = list(range(0, len(days), 2))
        labels = ["today" if i == 0 else days[i].strftime("%a %d") for i in ticks]
        self._bars("forecast-plot", p.forecast, ticks, labels,
                   "today includes the overdue cards")

    def _draw_readiness(self) -> None:
        if not self.readiness_known:
            return  # the worker is still at it: "no interview date" would be said too soon
        note = self.query_one("#readiness-note", Static)
        plot = self.query_one("#readiness-plot", Chart)
        r = self.readiness
        if r is None:
            put(note, Text("No interview date: set one on the home screen (i) to see how "
                           "your studying moves the forecast.", style="dim"))
            plot.display = False
            return
        when = f"{r.day:%b} {r.day.day}"
        if not r.points:
            put(note, Text(f"Interview on {when}: no study day yet.", style="dim"))
            plot.display = False
            return
        last = r.points[-1]
        put(note, f"Interview on {when}: after {plural(len(r.points), 'study day')} you "
                  f"would recall {last.recall:.0%} (the forecast as it stood after each day)")
        plot.display = True
        color = self._color("success").rgb
        if not plot.replot((r, color)):
            return
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        xs = list(range(1, len(r.points) + 1))
        plt.plot(xs, [100 * p.recall for p in r.points], marker="hd", color=color)
        step = max(1, len(xs) // 5)
        ticks = xs[::step]
        plt.xticks([float(i) for i in ticks], [f"{r.points[i - 1].day:%d %b}" for i in ticks])
        plt.xlabel("study days")
        plt.ylim(0, 100)
        plt.yticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
        plt.xlim(0.5, len(xs) + 0.5)
        plot.drawn()

    def _tags_text(self, p: Progress) -> Text:
        if not p.weakest_tags:
            return Text("No tag has a forgotten review or a lapse yet.", style="dim")
        text = Text(f"{'tag':<24}{'retention':>10}{'reviews':>9}{'lapses':>8}{'leeches':>9}\n",
                    style="dim")
        for t in p.weakest_tags:
            text.append(f"{t.tag[:23]:<24}{percent(t.retention):>10}{t.reviewed:>9}"
                        f"{t.lapses:>8}")
            text.append(f"{t.leeches or '':>9}\n", style=self._color("warning").hex)
        text.rstrip()
        return text

    def _cards_text(self, p: Progress) -> Text:
        if not p.weakest_cards:
            return Text("No card has lapsed yet.", style="dim")
        text = Text(f"{'card':<34}{'retention':>10}{'lapses':>8}\n", style="dim")
        for c in p.weakest_cards:
            text.append(f"{c.key[:33]:<34}{percent(c.retention):>10}{c.lapses:>8}")
            if c.leech:
                text.append("  ⚠ leech", style=f"bold {self._color('warning').hex}")
            text.append("\n")
        leeches = p.overview.leeches
        if leeches:
            text.append(f"{len(leeches)} leech{'es' if len(leeches) > 1 else ''} "
                        "(8 or more lapses): rewrite or split them, or suspend them (s while studying).",
                        style="dim")
        text.rstrip()
        return text
