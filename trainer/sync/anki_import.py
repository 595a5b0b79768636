"""Anki notes to a YAML deck: Basic, reversed and Cloze notes become recall cards.

Card ids come from the note's GUID, so importing the same package again rewrites the same
cards (their review history is kept) instead of adding copies.
"""

from __future__ import annotations

import functools
import hashlib
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from trainer.sync.anki_html import markdownify_field, simple_markdown
from trainer.sync.anki_package import Note, Package

_MATH = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]", re.S)
_CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.S)
_SOUND = re.compile(r"\[sound:([^\]]+)\]")
_PLACEHOLDER = "\x00MATH{}\x00"


def card_id_for(guid: str, suffix: str = "") -> str:
    """A deck id for the card of a note: stable across imports, valid in a deck file."""
    return "anki-" + hashlib.sha1(guid.encode("utf-8")).hexdigest()[:12] + suffix


_NOT_ID = re.compile(r"[^a-z0-9]+")


def slug(name: str) -> str:
    """A deck id from an Anki deck or file name: lower case, hyphens, no other punctuation."""
    out = _NOT_ID.sub("-", name.lower()).strip("-")
    return out or "anki"


@functools.lru_cache(maxsize=4096)
def _tag(name: str) -> str:
    return slug(name)  # a collection has few tags, each on many notes


_MATH_BREAK = re.compile(r"<br\s*/?>")
_MATH_SPACE = re.compile(r"\s+")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
_LINE_END_SPACE = re.compile(r"[ \t]+\n")
_BLANK_LINES = re.compile(r"\n{3,}")


def html_to_markdown(text: str, media_dir: str | None = None) -> str:
    """Field HTML as Markdown, with MathJax `\\( \\)` and `\\[ \\]` turned into `$…$`."""
    maths: list[str] = []

    def keep(match: re.Match[str]) -> str:
        body = html.unescape(match.group(1) or match.group(2) or "").strip()
        maths.append(_MATH_SPACE.sub(" ", _MATH_BREAK.sub(" ", body)))
        return _PLACEHOLDER.format(len(maths) - 1)

    if "\\" in text:
        text = _MATH.sub(keep, text)
    if "[sound:" in text:
        text = _SOUND.sub(lambda m: f"(sound: {m.group(1)})", text)
    md = simple_markdown(text)
    if md is None:
        md = markdownify_field(text)
    if media_dir and "![" in md:
        md = _IMAGE.sub(lambda m: f"![{m.group(1) or m.group(2)}]({media_dir}/{m.group(2)})", md)
    if "\n" in md:
        md = _BLANK_LINES.sub("\n\n", _LINE_END_SPACE.sub("\n", md))
    md = md.strip()
    for i, body in enumerate(maths):
        md = md.replace(_PLACEHOLDER.format(i), f"${body}$")
    return md


def cloze_sides(text: str, number: int) -> tuple[str, str]:
    """The question (this cloze hidden, with its hint) and the answer (it shown in bold)."""

    def question(m: re.Match[str]) -> str:
        if int(m.group(1)) != number:
            return m.group(2)
        return f"[{m.group(3)}]" if m.group(3) else "[…]"

    def answer(m: re.Match[str]) -> str:
        return f"<b>{m.group(2)}</b>" if int(m.group(1)) == number else m.group(2)

    return _CLOZE.sub(question, text), _CLOZE.sub(answer, text)


@dataclass(slots=True)
class Converted:
    """The deck written from a package and what was left out, with the reason."""

    deck: dict[str, object]
    cards: int = 0
    skipped: list[str] = field(default_factory=list)
    media: list[str] = field(default_factory=list)
    text: str = ""  # the deck file as written


def _text(value: str, media_dir: str | None) -> str:
    return html_to_markdown(value, media_dir)


def _note_cards(note: Note, ords: list[int], media_dir: str | None) -> list[dict[str, object]]:
    fields = note.fields
    names = note.notetype.fields
    tags = [t for t in (_tag(t) for t in note.tags) if t]
    base: dict[str, object] = {"kind": "recall"}
    if tags:
        base["tags"] = tags
    out: list[dict[str, object]] = []
    if note.notetype.cloze:
        text = fields[0] if fields else ""
        numbers = sorted({int(n) for n, _, _ in _CLOZE.findall(text)}) or [1]
        extra = [f for f in fields[1:] if f.strip()]
        for number in numbers:
            q, a = cloze_sides(text, number)
            card: dict[str, object] = {"id": card_id_for(note.guid, f"-c{number}"), **base,
                                       "prompt": _text(q, media_dir), "answer": _text(a, media_dir)}
            if extra:
                card["notes"] = "\n\n".join(_text(f, media_dir) for f in extra)
            out.append(card)
        return out
    if len(fields) < 2:
        return out
    front, back = _text(fields[0], media_dir), _text(fields[1], media_dir)
    rest = [(names[i] if i < len(names) else f"field {i + 1}", f)
            for i, f in enumerate(fields[2:], start=2) if f.strip()]
    notes = "\n\n".join(f"**{name}** — {_text(value, media_dir)}" for name, value in rest)
    for ord_ in ords or [0]:
        if ord_ == 0:
            card = {"id": card_id_for(note.guid), **base, "prompt": front, "answer": back}
        elif ord_ == 1:
            card = {"id": card_id_for(note.guid, "-r"), **base, "prompt": back, "answer": front}
        else:
            continue  # templates past the second are not rendered
        if notes:
            card["notes"] = notes
        out.append(card)
    return out


def convert(pkg: Package, *, deck_id: str, title: str, media_dir: str | None) -> Converted:
    """The package's notes as one deck (a dict ready for YAML), in note order."""
    ords: dict[int, list[int]] = {}
    for c in pkg.cards:
        ords.setdefault(c.note_id, []).append(c.ord)
    cards: list[dict[str, object]] = []
    skipped: list[str] = []
    for note in pkg.notes:
        made = _note_cards(note, sorted(ords.get(note.id, [])), media_dir)
        made = [c for c in made if str(c.get("prompt", "")).strip() and
                str(c.get("answer", "")).strip()]
        if not made:
            skipped.append(f"note {note.guid} ({note.notetype.name}): no front and back to use")
        cards.extend(made)
    used = sorted({m for c in cards for m in re.findall(
        r"\]\(" + re.escape(media_dir or "") + r"/([^)]+)\)", f"{c['prompt']} {c['answer']}")}
        if media_dir else set())
    deck: dict[str, object] = {"deck": deck_id, "title": title, "cards": cards}
    return Converted(deck=deck, cards=len(cards), skipped=skipped, media=used)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Safe YAML through libyaml when it is there (ten times faster on a big deck)."""

    def ignore_aliases(self, data: object) -> bool:
        return True  # two cards of a note share their tags list: write it twice, not &id001


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)
# PyYAML resolves by YAML 1.1, the deck loader by 1.2, which also reads `1e-8` and `0o17`
# as numbers: such text is quoted, so that an answer "1e-8" comes back as text.
_Dumper.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"),
    list("-+.0123456789"))
_Dumper.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^0o[0-7]+$"), ["0"])
# and py-yaml12, the loader's fast parser, reads `+-1`, `++1` and `0x+1` as numbers too
_Dumper.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:\+[+-][0-9]+|0[xXoO][+-][0-9a-fA-F]+)$"),
    ["+", "0"])

_STR, _INT = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int"


class _Unusual(Exception):
    """A value other than text, a whole number, a list or a mapping: yaml.dump writes it."""


def _events(deck: dict[str, object]) -> list[yaml.Event]:
    """The events yaml.dump(deck, Dumper=_Dumper, sort_keys=False) emits, made directly.

    PyYAML represents every value as a node and asks its Python resolver twice per
    scalar; a 10k-card deck spends most of its dump there. Here each distinct text is
    resolved once, and its event made once (the emitter only reads events).
    """
    resolve = _Dumper.__new__(_Dumper).resolve  # reads only the class's resolver tables
    made: dict[tuple[str, str], yaml.ScalarEvent] = {}  # keys and tags recur on every card
    Scalar, scalar_node = yaml.ScalarEvent, yaml.ScalarNode
    start_map = yaml.MappingStartEvent(None, None, True, flow_style=False)
    start_list = yaml.SequenceStartEvent(None, None, True, flow_style=False)
    end_map, end_list = yaml.MappingEndEvent(), yaml.SequenceEndEvent()
    out: list[yaml.Event] = [yaml.StreamStartEvent(), yaml.DocumentStartEvent(explicit=False)]
    add = out.append

    def text(value: str, tag: str = _STR) -> None:
        event = made.get((value, tag))
        if event is None:
            bare = resolve(scalar_node, value, (True, False))
            event = made[value, tag] = Scalar(None, tag, (bare == tag, tag == _STR), value,
                                              style="|" if "\n" in value else None)
        add(event)

    def node(value: object) -> None:
        if type(value) is str:
            text(value)
        elif type(value) is dict:
            add(start_map)
            for key, item in value.items():
                if type(key) is not str:
                    raise _Unusual(key)
                text(key)
                node(item)
            add(end_map)
        elif type(value) is list:
            add(start_list)
            for item in value:
                node(item)
            add(end_list)
        elif type(value) is int:
            text(str(value), _INT)
        else:
            raise _Unusual(value)

    node(deck)
    out += [yaml.DocumentEndEvent(explicit=False), yaml.StreamEndEvent()]
    return out


def deck_yaml(deck: dict[str, object], source: str,
              ids_from: str = "the Anki note ids") -> str:
    """The deck as YAML text, with a header saying where it came from."""
    body: str
    try:
        body = yaml.emit(_events(deck), Dumper=_Dumper, allow_unicode=True, width=100)
    except _Unusual:
        body = yaml.dump(deck, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return (f"# Imported from {source} by `trainer import`. Importing again rewrites this file;\n"
            f"# card ids come from {ids_from}, so review history is kept.\n" + body)


def import_package(pkg: Package, out: Path, *, deck_id: str | None = None,
                   title: str | None = None) -> Converted:
    """Write the package as a deck file at `out`, media copied into a folder beside it."""
    deck_id = deck_id or slug(out.stem)
    media_dir = f"{out.stem}.media" if pkg.media else None
    conv = convert(pkg, deck_id=deck_id, title=title or pkg.path.stem, media_dir=media_dir)
    if conv.media and media_dir:
        folder = out.parent / media_dir
        folder.mkdir(parents=True, exist_ok=True)
        for name in conv.media:
            if name in pkg.media and "/" not in name and name not in {".", ".."}:
                (folder / name).write_bytes(pkg.media_bytes(name))
    conv.text = deck_yaml(conv.deck, pkg.path.name)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(conv.text, encoding="utf-8")
    tmp.replace(out)
    return conv
