"""Readable topic names for interview questions, from the decks' tags ("dd-efficiency" -> "Efficiency")."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from trainer.decks.model import Card

# tags that say what a card is, not what it is about
STRUCTURAL = frozenset({"graded", "numeric", "symbolic", "derivation", "code", "recall",
                        "exercise", "exercises", "worked-example", "debugging"})
# whole tags whose name is not the words in them
TITLES = {
    "map-bayes": "MAP & Bayes",
    "kl-info": "KL & information",
    "kl": "KL divergence",
    "llm": "LLMs",
    "fisher": "Fisher information",
    "crlb": "Cramér–Rao bound",
}
ACRONYMS = frozenset({"mle", "map", "kl", "llm", "em", "vae", "dpo", "rlhf", "bic", "aic",
                      "crlb", "elbo", "mvn", "ols", "reml", "grpo", "ppo", "kde", "mcmc",
                      "sgd", "iid", "mse", "cdf", "pdf"})
NAMES = {"fisher": "Fisher", "laplace": "Laplace", "cox": "Cox", "snell": "Snell",
         "bayes": "Bayes", "bayesian": "Bayesian", "gaussian": "Gaussian",
         "bernoulli": "Bernoulli", "poisson": "Poisson", "jeffreys": "Jeffreys",
         "hodges": "Hodges", "hajek": "Hájek", "wald": "Wald", "bessel": "Bessel",
         "dirichlet": "Dirichlet", "firth": "Firth", "bradley": "Bradley", "terry": "Terry",
         "beta": "Beta", "gamma": "Gamma", "jensen": "Jensen", "stein": "Stein",
         "white": "White", "bernstein": "Bernstein", "von": "von", "mises": "Mises"}
_LABEL = re.compile(r"^[a-z]$|^\d+$", re.IGNORECASE)  # "B", "19": section or syllabus labels


def title(tag: str) -> str:
    """'mle-foundations' -> 'MLE foundations', 'cox-snell' -> 'Cox-Snell'."""
    if tag in TITLES:
        return TITLES[tag]
    words = [w for w in tag.replace("_", "-").split("-") if w]
    if not words:
        return tag
    shown = [w.upper() if w in ACRONYMS else NAMES.get(w, w) for w in words]
    text = shown[0]
    for before, word, after in zip(words, words[1:], shown[1:], strict=False):
        text += ("-" if before in NAMES and word in NAMES else " ") + after
    return text[0].upper() + text[1:]


class Topics:
    """The topic of each card: its first tag that names a subject, without the prefix its
    deck puts on a family of tags ("dd-" in the deep dive, "syl-" for syllabus items), and
    never a tag that says what kind of card it is ("dd-graded", "numeric", "B")."""

    def __init__(self, cards: Iterable[Card]) -> None:
        tags: dict[str, set[str]] = defaultdict(set)
        for card in cards:
            tags[card.deck].update(card.tags)
        self.prefixes: dict[str, frozenset[str]] = {}
        for deck, names in tags.items():
            count: dict[str, int] = defaultdict(int)
            for name in names:
                head, dash, _ = name.partition("-")
                if dash and len(head) <= 3:
                    count[head] += 1
            # a prefix on three tags or more, or the initials of words of the deck's id
            # ("dd" in mle-map-deep-dive), that is not a topic itself ("kl-info" beside
            # "kl" keeps its "kl")
            initials = "".join(w[0] for w in deck.split("-") if w)
            self.prefixes[deck] = frozenset(
                p for p, n in count.items()
                if (n >= 3 or (len(p) >= 2 and p in initials)) and p not in names)

    def is_subject(self, tag: str) -> bool:
        """False for a tag that labels rather than names a subject (dd-graded, syl-19, B)."""
        head, dash, rest = tag.partition("-")
        if dash and any(head in p for p in self.prefixes.values()):
            tag = rest
        return not (tag.lower() in STRUCTURAL or _LABEL.match(tag))

    def tag(self, card: Card) -> str | None:
        """The card's topic tag, prefix removed; None when no tag names a subject."""
        for name in card.tags:
            head, dash, rest = name.partition("-")
            if dash and head in self.prefixes.get(card.deck, ()):
                name = rest
            if name.lower() in STRUCTURAL or _LABEL.match(name):
                continue
            return name
        return None

    def of(self, card: Card) -> str:
        """The readable topic: the title of its topic tag, else of its deck."""
        tag = self.tag(card)
        return title(tag) if tag is not None else title(card.deck)
