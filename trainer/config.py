"""Settings and file locations: the database, the deck folder, scheduling options."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from trainer.kept import kept
from trainer.record import Fielded, field_names

APP = "trainer"


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP, appauthor=False))


def config_dir() -> Path:
    from platformdirs import user_config_dir

    return Path(os.environ.get("TRAINER_CONFIG_DIR") or user_config_dir(APP, appauthor=False))


def config_path() -> Path:
    return config_dir() / "config.toml"


def default_db_path() -> Path:
    """TRAINER_DB if set, else trainer.db in the user data directory."""
    env = os.environ.get("TRAINER_DB")
    return Path(env) if env else data_dir() / "trainer.db"


def deck_cache_dir() -> Path:
    """TRAINER_CACHE if set, else decks/ in the user cache directory: decks already parsed."""
    env = os.environ.get("TRAINER_CACHE")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP, appauthor=False)) / "decks"


def backup_dir(db: Path) -> Path:
    """Where the automatic backups of the database `db` are kept.

    TRAINER_BACKUPS if set, else backups/ in the user data directory; a database other
    than the default one keeps its backups in a folder of its own there.
    """
    env = os.environ.get("TRAINER_BACKUPS")
    base = Path(env) if env else data_dir() / "backups"
    if db.resolve() == default_db_path().resolve():
        return base
    import hashlib

    return base / f"{db.stem}-{hashlib.sha1(str(db.resolve()).encode()).hexdigest()[:8]}"


def user_deck_dir() -> Path:
    """TRAINER_DECKS if set, else decks/ in the user data directory."""
    env = os.environ.get("TRAINER_DECKS")
    return Path(env) if env else data_dir() / "decks"


def shipped_deck_dir() -> Path:
    """The decks that ship with trainer (package data, found from any directory)."""
    # the package's own folder, as importlib.resources would give it for an installed
    # package, without importing importlib.resources (and zipfile) on the first card's path
    from importlib import import_module

    return Path(str(import_module("trainer.content").__file__)).parent


def default_deck_paths() -> list[Path]:
    paths = [shipped_deck_dir()]
    user = user_deck_dir()
    if user.is_dir():
        paths.append(user)
    return paths


# the settings a deck may override in config.toml (`[decks.ID]`, `trainer config --deck`)
DECK_KEYS = ("new_per_day", "reviews_per_day", "desired_retention")


class DeckOptions(Fielded):
    """One deck's overrides of the global settings; None: the global value applies."""

    __slots__ = DECK_KEYS
    new_per_day: int | None
    reviews_per_day: int | None
    desired_retention: float | None

    def __init__(self, new_per_day: int | None = None, reviews_per_day: int | None = None,
                 desired_retention: float | None = None) -> None:
        self.new_per_day = new_per_day
        self.reviews_per_day = reviews_per_day
        self.desired_retention = desired_retention

    def overrides(self) -> dict[str, float | int]:
        """The options this deck sets, by name."""
        return {k: getattr(self, k) for k in DECK_KEYS if getattr(self, k) is not None}

    def describe(self) -> str:
        """'5 new/day · 100 reviews/day · retention 85%' (empty: no overrides)."""
        parts = []
        if self.new_per_day is not None:
            parts.append(f"{self.new_per_day} new/day")
        if self.reviews_per_day is not None:
            parts.append(f"{self.reviews_per_day} reviews/day")
        if self.desired_retention is not None:
            parts.append(f"retention {self.desired_retention:.0%}")
        return " · ".join(parts)


class Settings(Fielded):
    """Scheduling options; every field can be set in config.toml."""

    __slots__ = ("desired_retention", "new_per_day", "reviews_per_day", "day_starts_at",
                 "learn_ahead_minutes", "theme", "interview_date", "interview_scope",
                 "interview_final_days", "interview_question_minutes", "interview_length",
                 "sync_dir", "decks")
    # the types config.toml's values are read as (SETTING_TYPES below)
    desired_retention: float
    new_per_day: int
    reviews_per_day: int
    day_starts_at: int  # local hour at which a new study day begins, as in Anki
    learn_ahead_minutes: int
    theme: str  # any Textual theme; the app saves the one you pick
    interview_date: str  # YYYY-MM-DD: scheduling plans for that day; empty: no date
    interview_scope: str  # "deck:ID tag:T ...": the cards the date is for; empty: all
    interview_final_days: int  # new cards all seen this many days before the date
    interview_question_minutes: float  # a mock interview's time per question
    interview_length: str  # a mock interview's default: "N questions" or "M min"
    sync_dir: str  # a shared folder or git work tree the journal syncs through; empty: none
    decks: dict[str, DeckOptions]  # per-deck overrides

    def __init__(self, desired_retention: float = 0.9, new_per_day: int = 20,
                 reviews_per_day: int = 200, day_starts_at: int = 4,
                 learn_ahead_minutes: int = 20, theme: str = "textual-dark",
                 interview_date: str = "", interview_scope: str = "",
                 interview_final_days: int = 3, interview_question_minutes: float = 4.0,
                 interview_length: str = "6 questions", sync_dir: str = "",
                 decks: dict[str, DeckOptions] | None = None) -> None:
        self.desired_retention = desired_retention
        self.new_per_day = new_per_day
        self.reviews_per_day = reviews_per_day
        self.day_starts_at = day_starts_at
        self.learn_ahead_minutes = learn_ahead_minutes
        self.theme = theme
        self.interview_date = interview_date
        self.interview_scope = interview_scope
        self.interview_final_days = interview_final_days
        self.interview_question_minutes = interview_question_minutes
        self.interview_length = interview_length
        self.sync_dir = sync_dir
        self.decks = {} if decks is None else decks

    def to_dict(self) -> dict[str, object]:
        """As config.toml holds it: the settings, then `decks` with each deck's overrides."""
        out: dict[str, object] = {name: getattr(self, name) for name in SETTING_TYPES}
        decks = {deck: o.overrides() for deck, o in sorted(self.decks.items()) if o.overrides()}
        if decks:
            out["decks"] = decks
        return out

    def deck(self, deck: str) -> DeckOptions:
        """The deck's overrides (none set: all None)."""
        return self.decks.get(deck) or DeckOptions()

    def new_per_day_for(self, deck: str) -> int:
        """The deck's own new-card limit: its override, else the global one."""
        own = self.deck(deck).new_per_day
        return self.new_per_day if own is None else own

    def reviews_per_day_for(self, deck: str) -> int:
        own = self.deck(deck).reviews_per_day
        return self.reviews_per_day if own is None else own

    def retention_for(self, deck: str) -> float:
        """The desired retention the scheduler aims at for this deck's cards."""
        own = self.deck(deck).desired_retention
        return self.desired_retention if own is None else own


# each setting of config.toml but the per-deck tables, with the type its value is read as
SETTING_TYPES: dict[str, str] = {
    name: Settings.__annotations__[name] for name in field_names(Settings) if name != "decks"}


class SettingsError(ValueError):
    pass


def _check_limits(retention: float | None, new: int | None, reviews: int | None,
                  where: str = "") -> None:
    if retention is not None and not 0.7 <= retention <= 0.99:
        raise SettingsError(f"{where}desired_retention must be between 0.7 and 0.99")
    for name, value in (("new_per_day", new), ("reviews_per_day", reviews)):
        if value is not None and value < 0:
            raise SettingsError(f"{where}{name} must not be negative")


_DEFAULT_INTERVIEW_LENGTH = Settings().interview_length


def _check(settings: Settings) -> Settings:
    _check_limits(settings.desired_retention, settings.new_per_day, settings.reviews_per_day)
    for deck, options in settings.decks.items():
        _check_limits(options.desired_retention, options.new_per_day, options.reviews_per_day,
                      f"deck {deck}: ")
    if not 0 <= settings.day_starts_at <= 23:
        raise SettingsError("day_starts_at must be an hour from 0 to 23")
    if not 0 <= settings.learn_ahead_minutes <= 1440:
        raise SettingsError("learn_ahead_minutes must be from 0 to 1440 (a day)")
    if settings.interview_date:
        from datetime import date

        try:
            date.fromisoformat(settings.interview_date)
        except ValueError:
            raise SettingsError(f"interview_date must be a date like 2026-12-15, not "
                                f"{settings.interview_date!r} (empty: no date)") from None
    for word in settings.interview_scope.split():
        kind, _, name = word.partition(":")
        if kind not in ("deck", "tag") or not name:
            raise SettingsError(f"interview_scope: {word!r} is not deck:ID or tag:NAME")
    if not 0 <= settings.interview_final_days <= 60:
        raise SettingsError("interview_final_days must be from 0 to 60")
    if not 0 < settings.interview_question_minutes <= 60:
        raise SettingsError("interview_question_minutes must be more than 0 and at most 60")
    if settings.interview_length == _DEFAULT_INTERVIEW_LENGTH:
        return settings  # valid (tested): a start without the setting parses no length
    from trainer.interview.start import LengthError, parse_length

    try:
        parse_length(settings.interview_length)
    except LengthError as exc:
        raise SettingsError(f"interview_length: {exc}") from None
    return settings


def _read_toml(path: Path) -> dict[str, Any]:
    """The file's TOML, parsed once per text: a start reads it back from a note in the cache
    folder (importing tomllib alone costs more than reading the note)."""
    text = path.read_text(encoding="utf-8")

    def parse() -> dict[str, Any]:
        import tomllib

        return tomllib.loads(text)

    # a date or time value can not be written as a note: such a file is parsed each time
    raw = kept(deck_cache_dir() / "settings.note", text, parse)
    return raw if isinstance(raw, dict) else parse()


def load_settings(path: Path | None = None) -> Settings:
    """Read config.toml; a missing file means the defaults. Raises SettingsError."""
    path = path or config_path()
    try:
        raw = _read_toml(path)
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as exc:  # UnicodeDecodeError and TOMLDecodeError among them
        raise SettingsError(f"{path}: {exc}") from None
    known = SETTING_TYPES
    settings = Settings()
    for key, value in raw.items():
        if key == "decks":
            settings.decks = _read_decks(value, path)
            continue
        if key not in known:
            raise SettingsError(f"{path}: unknown setting {key!r}; known: {', '.join(known)}")
        if known[key] == "str":
            if not isinstance(value, str):
                raise SettingsError(f"{path}: {key} must be text")
            setattr(settings, key, value)
            continue
        want = float if known[key] == "float" else int
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SettingsError(f"{path}: {key} must be a number")
        setattr(settings, key, want(value))
    try:
        return _check(settings)
    except SettingsError as exc:
        raise SettingsError(f"{path}: {exc}") from None


def _read_decks(raw: object, path: Path) -> dict[str, DeckOptions]:
    """The `[decks.ID]` tables of config.toml."""
    if not isinstance(raw, dict):
        raise SettingsError(f"{path}: decks must be a table of [decks.ID] tables")
    out: dict[str, DeckOptions] = {}
    for deck, table in raw.items():
        if not isinstance(table, dict):
            raise SettingsError(f"{path}: decks.{deck} must be a table of options")
        options = DeckOptions()
        for key, value in table.items():
            if key not in DECK_KEYS:
                raise SettingsError(f"{path}: decks.{deck}: unknown option {key!r}; a deck may "
                                    f"set {', '.join(DECK_KEYS)}")
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise SettingsError(f"{path}: decks.{deck}.{key} must be a number")
            if key != "desired_retention" and value != int(value):
                raise SettingsError(f"{path}: decks.{deck}.{key} must be a whole number")
            setattr(options, key, float(value) if key == "desired_retention" else int(value))
        out[str(deck)] = options
    return out


def _write(settings: Settings, path: Path) -> None:
    import tomli_w  # only when writing

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(tomli_w.dumps(settings.to_dict()), encoding="utf-8")
    tmp.replace(path)


def save_deck_setting(deck: str, key: str, text: str, known_decks: Iterable[str],
                      path: Path | None = None) -> Settings:
    """Set (or with `default`, clear) one deck's override of a global setting."""
    path = path or config_path()
    settings = load_settings(path)
    known = sorted(set(known_decks))
    if deck not in known:
        raise SettingsError(f"no deck {deck!r}; the decks are: {', '.join(known) or 'none'}")
    if key not in DECK_KEYS:
        raise SettingsError(f"a deck can not set {key!r}; it may set {', '.join(DECK_KEYS)}")
    options = settings.decks.setdefault(deck, DeckOptions())
    if text.strip().lower() in ("default", "global", "none"):
        setattr(options, key, None)
    else:
        try:
            value: float | int = float(text) if key == "desired_retention" else int(text)
        except ValueError:
            kind = "a number like 0.85" if key == "desired_retention" else "a whole number"
            raise SettingsError(f"{key} must be {kind}, not {text!r} "
                                "(`default` removes the override)") from None
        setattr(options, key, value)
    _check(settings)
    if not options.overrides():
        del settings.decks[deck]
    _write(settings, path)
    return settings


def save_setting(key: str, text: str, path: Path | None = None) -> Settings:
    """Set one setting in config.toml, keeping the others; validates before writing."""
    path = path or config_path()
    settings = load_settings(path)
    known = SETTING_TYPES
    if key not in known:
        raise SettingsError(f"unknown setting {key!r}; known: {', '.join(known)}")
    try:
        value: str | float | int = (text if known[key] == "str"
                                    else float(text) if known[key] == "float" else int(text))
    except ValueError:
        raise SettingsError(f"{key} must be a number, not {text!r}") from None
    if key == "sync_dir" and text.strip():  # kept whole: the app may start anywhere
        value = str(Path(text.strip()).expanduser().resolve())
    setattr(settings, key, value)
    _check(settings)
    _write(settings, path)
    return settings
