"""Matching a post-incident note to content items, pure and explainable (no database).

Each item is a document (title, summary, its skills' names, descriptions and tags); the note is another
(its text, the services involved, the root-cause category). Similarity is the cosine of scikit-learn TF-IDF
vectors of word 1–2-grams plus `char_wb` 3–5-grams, both with `sublinear_tf`: the words give a readable
explanation, the character n-grams catch "timeouts"/"timed out", "rollback"/"rolled back". An item whose
skills carry a tag of the root cause (content/constants.py) gets a small bonus: it *covers* the cause.

Every match says why: the shared terms that weigh most, the sentence of the note that holds them, the
skill they point at, the services, and the score against the threshold. The fitted index is cached for the
corpus it was built from, so a run of notes against an unchanged catalogue does not refit it.
"""

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from .constants import EXCERPT_CHARS, MAX_TICKETS_PER_NOTE, ROOT_CAUSE_TAG_BONUS

# Word features weigh as much as character features in the combined vector.
WORD_WEIGHT = 0.5
# Fitted alongside the documents so the vocabulary is never empty (scikit-learn refuses an empty one); a term no
# note contains, so it never matches anything.
_ALWAYS_A_WORD = "zzzreadinessportalsentinel"
SENTENCE_SPLIT = re.compile(r"(?<=[.!?;])\s+|\n+")


@dataclass(frozen=True)
class SkillFacts:
    id: int
    key: str
    name: str
    description: str = ""
    tags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ItemFacts:
    """A content item as the matcher sees it."""

    id: int
    title: str
    summary: str
    skills: tuple[SkillFacts, ...] = ()

    @property
    def tags(self) -> frozenset[str]:
        return frozenset().union(*(skill.tags for skill in self.skills))

    @property
    def document(self) -> str:
        parts = [self.title, self.summary]
        for skill in self.skills:
            parts += [skill.name, skill.description, " ".join(sorted(skill.tags))]
        return "\n".join(part for part in parts if part)


@dataclass(frozen=True)
class NoteFacts:
    """A post-incident note with the facts around it."""

    text: str
    root_cause: str = "unknown"
    root_cause_label: str = ""
    service_names: tuple[str, ...] = ()
    cause_tags: frozenset[str] = frozenset()

    @property
    def document(self) -> str:
        return "\n".join([self.text, self.root_cause_label, *self.service_names])


@dataclass(frozen=True)
class Match:
    """One item matched to a note, with its explanation."""

    item_id: int
    score: float
    text_similarity: float
    covers_root_cause: bool
    matched_terms: tuple[str, ...]
    skill: SkillFacts | None
    excerpt: str
    threshold: float

    def explanation(self, note: NoteFacts) -> dict:
        """The explanation stored on the ticket (JSON)."""
        return {
            "score": round(self.score, 3),
            "threshold": self.threshold,
            "text_similarity": round(self.text_similarity, 3),
            "root_cause": note.root_cause,
            "covers_root_cause": self.covers_root_cause,
            "matched_terms": list(self.matched_terms),
            "skill": {"key": self.skill.key, "name": self.skill.name} if self.skill else None,
            "services": list(note.service_names),
            "note_excerpt": self.excerpt,
        }


@dataclass
class TfidfIndex:
    """The fitted vectorizers, the items' normalized vectors, and the items' facts in the same order."""

    fingerprint: object
    items: list[ItemFacts]
    words: TfidfVectorizer
    characters: TfidfVectorizer
    matrix: object  # scipy CSR, one row per item
    word_matrix: object
    word_terms: np.ndarray = field(repr=False)
    item_tags: list[frozenset[str]] = field(repr=False, default_factory=list)

    @classmethod
    def build(cls, items: list[ItemFacts], fingerprint: object) -> "TfidfIndex":
        # A catalogue with no text at all (none yet, or only stop words) still gets an index: an empty one.
        documents = [item.document for item in items] or [""]
        words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english", min_df=1)
        characters = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=1)
        words.fit(documents + [_ALWAYS_A_WORD])
        characters.fit(documents + [_ALWAYS_A_WORD])
        if items:
            word_matrix = words.transform(documents).tocsr()
            char_matrix = characters.transform(documents)
        else:
            word_matrix = csr_matrix((0, len(words.vocabulary_)))
            char_matrix = csr_matrix((0, len(characters.vocabulary_)))
        return cls(
            fingerprint=fingerprint,
            items=items,
            words=words,
            characters=characters,
            matrix=cls._combine(word_matrix, char_matrix),
            word_matrix=word_matrix,
            word_terms=words.get_feature_names_out(),
            item_tags=[item.tags for item in items],
        )

    @staticmethod
    def _combine(word_matrix, char_matrix):
        # Each part is L2-normalized by the vectorizer; weighting and renormalizing keeps cosines in [0, 1].
        combined = hstack([word_matrix * np.sqrt(WORD_WEIGHT), char_matrix * np.sqrt(1 - WORD_WEIGHT)]).tocsr()
        return normalize(combined) if combined.shape[0] else combined

    def query(self, text: str):
        word_vector = self.words.transform([text])
        return self._combine(word_vector, self.characters.transform([text])), word_vector.tocsr()


_index_cache: dict[object, TfidfIndex] = {}


def corpus_fingerprint(items: list[ItemFacts]) -> str:
    """A fingerprint of a corpus given as facts (callers holding the raw rows can pass a cheaper one)."""
    digest = hashlib.blake2b(digest_size=16)
    for item in items:
        digest.update(f"{item.id}\x1f{item.document}\x1e".encode())
    return digest.hexdigest()


def index_for(fingerprint: object, items: Callable[[], list[ItemFacts]]) -> TfidfIndex:
    """The fitted index of the corpus with this fingerprint; `items()` is called (and the index fitted) only
    when the corpus changed: an item's text, its skills or their tags."""
    index = _index_cache.get(fingerprint)
    if index is None:
        index = TfidfIndex.build(items(), fingerprint)
        _index_cache.clear()  # one catalogue at a time
        _index_cache[fingerprint] = index
    return index


def _excerpt(text: str, terms: tuple[str, ...]) -> str:
    """The sentence of the note holding most matched terms (the first sentence when none does)."""
    sentences = [sentence.strip() for sentence in SENTENCE_SPLIT.split(text) if sentence.strip()]
    if not sentences:
        return ""
    lowered = [term.lower() for term in terms]
    best = max(sentences, key=lambda sentence: sum(term in sentence.lower() for term in lowered))
    return best if len(best) <= EXCERPT_CHARS else best[: EXCERPT_CHARS - 1].rstrip() + "…"


def _best_skill(item: ItemFacts, terms: tuple[str, ...], cause_tags: frozenset[str]) -> SkillFacts | None:
    """The item's skill the match points at: the one sharing most matched terms, then the root cause's tags."""
    if not item.skills:
        return None

    def weight(skill: SkillFacts) -> tuple[int, int]:
        text = f"{skill.name} {skill.key.replace('-', ' ')} {skill.description}".lower()
        return (sum(term in text for term in terms), len(skill.tags & cause_tags))

    return max(item.skills, key=weight)


def note_matches(
    note: NoteFacts,
    items: list[ItemFacts] | TfidfIndex,
    *,
    threshold: float,
    limit: int = MAX_TICKETS_PER_NOTE,
) -> list[Match]:
    """The items above `threshold` for this note, best first (at most `limit`), each with its explanation.

    `items` is the catalogue, or its fitted index (see `index_for`)."""
    index = items if isinstance(items, TfidfIndex) else index_for(corpus_fingerprint(items), lambda: items)
    items = index.items
    if not items or not note.text.strip():
        return []
    query, word_query = index.query(note.document)
    # A sparse matrix times a dense vector: linear in the catalogue's non-zeros.
    similarities = index.matrix @ query.toarray().ravel()
    bonuses = np.array(
        [ROOT_CAUSE_TAG_BONUS if note.cause_tags and tags & note.cause_tags else 0.0 for tags in index.item_tags]
    )
    scores = np.minimum(similarities + bonuses, 1.0)
    ranked_positions = np.argsort(-scores, kind="stable")[:limit]
    matches = []
    for position in (position for position in ranked_positions if scores[position] >= threshold):
        item = items[position]
        # Terms weigh by their product in both vectors: what the note and the item share, most telling first.
        contributions = word_query.multiply(index.word_matrix[position]).tocoo()
        ranked = sorted(zip(contributions.data, contributions.col, strict=True), key=lambda pair: -pair[0])
        terms = tuple(str(index.word_terms[column]) for _, column in ranked[:6])
        matches.append(
            Match(
                item_id=item.id,
                score=float(scores[position]),
                text_similarity=float(similarities[position]),
                covers_root_cause=bool(bonuses[position]),
                matched_terms=terms,
                skill=_best_skill(item, terms, note.cause_tags),
                excerpt=_excerpt(note.text, terms),
                threshold=threshold,
            )
        )
    return matches


def root_cause_covered(note: NoteFacts, matches: list[Match]) -> bool:
    """Whether a match covers the note's root cause (any match, when the cause is not known)."""
    if not note.cause_tags:
        return bool(matches)
    return any(match.covers_root_cause for match in matches)
