"""Settings and file locations: the database, the deck folder, scheduling options."""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, fields
from importlib.resources import files
from pathlib import Path

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
    return Path(str(files("trainer.content")))


def default_deck_paths() -> list[Path]:
    paths = [shipped_deck_dir()]
    user = user_deck_dir()
    if user.is_dir():
        paths.append(user)
    return paths


@dataclass(slots=True)
class Settings:
    """Scheduling options; every field can be set in config.toml."""

    desired_retention: float = 0.9
    new_per_day: int = 20
    reviews_per_day: int = 200
    day_starts_at: int = 4  # local hour at which a new study day begins, as in Anki
    learn_ahead_minutes: int = 20
    theme: str = "textual-dark"  # any Textual theme; the app saves the one you pick
    interview_date: str = ""  # YYYY-MM-DD: scheduling plans for that day; empty: no date
    interview_scope: str = ""  # "deck:ID tag:T ...": the cards the date is for; empty: all
    interview_final_days: int = 3  # new cards all seen this many days before the date
    interview_question_minutes: float = 4.0  # a mock interview's time per question

    def to_dict(self) -> dict[str, float | int | str]:
        return asdict(self)


class SettingsError(ValueError):
    pass


def _check(settings: Settings) -> Settings:
    if not 0.7 <= settings.desired_retention <= 0.99:
        raise SettingsError("desired_retention must be between 0.7 and 0.99")
    if settings.new_per_day < 0 or settings.reviews_per_day < 0:
        raise SettingsError("new_per_day and reviews_per_day must not be negative")
    if not 0 <= settings.day_starts_at <= 23:
        raise SettingsError("day_starts_at must be an hour from 0 to 23")
    if settings.learn_ahead_minutes < 0:
        raise SettingsError("learn_ahead_minutes must not be negative")
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
    return settings


def load_settings(path: Path | None = None) -> Settings:
    """Read config.toml; a missing file means the defaults. Raises SettingsError."""
    path = path or config_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path}: {exc}") from None
    known = {f.name: f.type for f in fields(Settings)}
    settings = Settings()
    for key, value in raw.items():
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


def save_setting(key: str, text: str, path: Path | None = None) -> Settings:
    """Set one setting in config.toml, keeping the others; validates before writing."""
    path = path or config_path()
    settings = load_settings(path)
    known = {f.name: f.type for f in fields(Settings)}
    if key not in known:
        raise SettingsError(f"unknown setting {key!r}; known: {', '.join(known)}")
    try:
        value: str | float | int = (text if known[key] == "str"
                                    else float(text) if known[key] == "float" else int(text))
    except ValueError:
        raise SettingsError(f"{key} must be a number, not {text!r}") from None
    setattr(settings, key, value)
    _check(settings)
    import tomli_w  # only when writing

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(tomli_w.dumps(settings.to_dict()), encoding="utf-8")
    tmp.replace(path)
    return settings
