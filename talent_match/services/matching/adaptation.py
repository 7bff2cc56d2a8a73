"""Domain adaptation of the encoder (`flask train-encoder`): which pairs of texts it learns from, and the training.

It learns only from what the platform owns and can name: the skill taxonomy shipped in data/skills.csv (each
skill's English and Korean names and aliases name one thing) and the role templates the caller passes (titles of
one role, and a role's title beside its skills). Never the evaluation sets, O*NET, ESCO or scraped postings.
Each text is shown to the model as the site shows it (documents.model_text): an English-only model never sees
the Hangul runs, so a label that is Korean only is left out rather than learnt as jamo.

The result is embeddings.adapter's linear map over the frozen model; the figures before and after are in the
README (matching) and in the model card the command writes beside the adapter.
"""
from __future__ import annotations

import itertools
import time
from dataclasses import asdict
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from ..reference.taxonomy import Taxonomy
from ..search.documents import model_text

PAIRS_PER_GROUP = 12  # a skill with 10 aliases would otherwise outweigh ten skills with two
TAXONOMY_SOURCE = ("talent_match/data/skills.csv: the platform's own skill taxonomy (names and aliases in English "
                   "and Korean), written for this project")


def taxonomy_groups(taxonomy: Taxonomy) -> list[list[str]]:
    """Per skill, every label that names it: canonical names first, then the aliases."""
    return [list(dict.fromkeys([ref.name_en, ref.name_ko, *taxonomy.aliases(slug)]))
            for slug, ref in taxonomy.skills.items()]


def role_groups(roles: Iterable[tuple[Sequence[str], Sequence[str]]]) -> list[list[str]]:
    """Per role (its titles, its skills): the titles, and each title with the skills written after it (what a
    posting's title and its skills line say of one job)."""
    groups = []
    for titles, skills in roles:
        groups.append(list(titles))
        if skills:
            groups.append([titles[0], ", ".join(skills)])
    return groups


def pairs(groups: Iterable[Sequence[str]], reads_hangul: bool) -> tuple[list[str], list[str], list[int]]:
    """(anchors, positives, group of each pair): the texts of a group as the model is shown them, deduplicated,
    up to PAIRS_PER_GROUP pairs each; groups left with fewer than two readable texts drop out."""
    anchors, positives, owners = [], [], []
    for number, group in enumerate(groups):
        shown = [model_text(text, reads_hangul).strip() for text in group]
        shown = list(dict.fromkeys(t for t in shown if t and (reads_hangul or not _only_hangul(t))))
        for left, right in itertools.islice(itertools.combinations(shown, 2), PAIRS_PER_GROUP):
            if left.casefold() != right.casefold():
                anchors.append(left)
                positives.append(right)
                owners.append(number)
    return anchors, positives, owners


def _only_hangul(text: str) -> bool:
    return not any(ch.isascii() and ch.isalnum() for ch in text)


def train(encode: Callable[[list[str]], np.ndarray], reads_hangul: bool, out: str | Path, *,
          roles: Iterable[tuple[Sequence[str], Sequence[str]]] = (), role_source: str = "",
          settings=None, base_model: str = "", progress: Callable[[str], None] | None = None):
    """Train an adapter on the taxonomy (and `roles`) pairs, encoded by `encode` (the frozen model, without an
    adapter), and save it with its facts in `out`. Returns (adapter, facts)."""
    from embeddings.adapter import TrainingSettings, save_adapter, train_matrix

    say = progress or (lambda message: None)
    settings = settings or TrainingSettings()
    started = time.monotonic()
    groups = taxonomy_groups(Taxonomy.reference())
    sources = {"taxonomy": {"source": TAXONOMY_SOURCE, "groups": len(groups)}}
    role_list = role_groups(roles)
    if role_list:
        sources["roles"] = {"source": role_source, "groups": len(role_list)}
    anchors, positives, owners = pairs([*groups, *role_list], reads_hangul)
    if len(set(owners)) < 2:
        raise ValueError("fewer than two groups of readable texts: nothing to contrast")
    say(f"{len(anchors)} pairs from {len(set(owners))} groups; encoding")
    texts = list(dict.fromkeys([*anchors, *positives]))
    vectors = dict(zip(texts, np.asarray(encode(texts), dtype=np.float32)))
    say("training")
    matrix, history = train_matrix(np.stack([vectors[t] for t in anchors]), np.stack([vectors[t] for t in positives]),
                                   owners, settings, log=say)
    facts = {"base_model": base_model, "method": "linear adapter I + A·B over frozen embeddings, "
                                                 "in-batch negatives (MultipleNegativesRanking, symmetric)",
             "settings": asdict(settings), "data": sources, "pairs": len(anchors), "texts": len(texts),
             "reads_hangul": reads_hangul, "history": history,
             "seconds": round(time.monotonic() - started, 1)}
    adapter = save_adapter(matrix, out, facts)
    write_card(out, facts)
    return adapter, facts


def compare(bench, encode: Callable[[list[str]], np.ndarray], adapter, *, weights, reads_hangul: bool) -> dict:
    """nDCG@10 of the pipeline and of dense alone on the stored vectors, without and with `adapter`, on one
    benchmark (evaluation.evaluate); each text is encoded once."""
    from .evaluation import evaluate

    known: dict[str, np.ndarray] = {}

    def cached(texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            known.update(zip(missing, np.asarray(encode(missing), dtype=np.float32)))
        return np.stack([known[t] for t in texts])

    figures = {}
    for label, run in (("before", cached), ("after", lambda texts: adapter.apply(cached(texts)))):
        result = evaluate(bench, weights=weights, encode=run, reads_hangul=reads_hangul)
        figures[label] = {"pipeline": result["pipeline"]["ndcg@10"], "dense": result["dense_titled"]["ndcg@10"]}
    return figures


def record_figures(folder: str | Path, facts: dict, figures: dict[str, dict]) -> None:
    """Keep the figures measured after training in the adapter's facts and its model card."""
    import json

    facts["figures"] = figures
    Path(folder, "adapter.json").write_text(json.dumps(facts, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write_card(folder, facts, figures_table(figures))


def figures_table(figures: dict[str, dict]) -> str:
    """The model card's table: per benchmark, nDCG@10 before and after."""
    rows = ["| benchmark | pipeline before | after | dense before | after |", "|---|---|---|---|---|"]
    for name, f in figures.items():
        rows.append(f"| {name} | {f['before']['pipeline']:.4f} | {f['after']['pipeline']:.4f} | "
                    f"{f['before']['dense']:.4f} | {f['after']['dense']:.4f} |")
    return "nDCG@10 (`flask --app wsgi eval-matching`'s harness):\n\n" + "\n".join(rows)


def write_card(folder: str | Path, facts: dict, figures: str = "") -> None:
    """The model card (README.md) beside the adapter: what it is, what it learnt from and under which licence."""
    data = "\n".join(f"- {name}: {about['source']} ({about['groups']} groups)" for name, about in facts["data"].items())
    settings = ", ".join(f"{k}={v}" for k, v in facts["settings"].items())
    text = f"""# Encoder adapter

A linear map over the frozen embeddings of `{facts['base_model'] or 'the default model'}`
({facts['method']}); written by `flask --app wsgi train-encoder`.

## Data
{data}

{facts['pairs']} pairs of texts ({facts['texts']} distinct), as the site shows them to the model
(reads Hangul: {facts['reads_hangul']}). Licence: the platform's own data, under the project's licence. No evaluation
set, no O*NET, ESCO or scraped posting was used.

## Training
{settings}; {facts['seconds']} s on this machine; final loss {facts['history'][-1]['loss']}.

## Figures
{figures or 'See the README (matching): nDCG@10 before and after on every development set.'}
"""
    Path(folder, "README.md").write_text(text, encoding="utf-8")
