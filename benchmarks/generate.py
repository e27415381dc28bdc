"""Generate large synthetic studies for benchmarks: respondents.csv and transcripts.

Deterministic for a seed. Sentences are assembled from a small vocabulary of the study's
domain so that segmentation, search and suggestions see realistic text. Nothing here is
real data.

    python benchmarks/generate.py OUT_DIR --transcripts 1000 --words 9000
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

GROUPS = ["head_teacher", "teacher", "officer", "parent", "child"]
PREFIX = {"head_teacher": "HT", "teacher": "T", "officer": "O", "parent": "P", "child": "C"}
SUBJECTS = ["The cluster", "Social care", "The health visitor", "Our school", "The county",
            "The partnership board", "The family worker", "The educational psychologist",
            "The lead professional", "Everyone round the table", "The SENCO", "Housing"]
VERBS = ["never hears back about", "is slowly getting better at", "has no money for",
         "talks a different language about", "shares information on", "waits months for",
         "leads on", "argues about", "trained us together on", "shadowed a colleague on"]
OBJECTS = ["the referral", "the CAF paperwork", "the budget", "safeguarding",
           "the child's voice", "joint training", "the thresholds", "the waiting list",
           "the funding stream", "the team around the child", "confidentiality",
           "who to ring", "the extended schools work", "the parents' views"]
TAILS = ["", " to be honest", " which is frustrating", " and that works well",
         " most of the time", " since the reorganisation", " in our cluster", " (laughs)"]


def sentence(rng: random.Random) -> str:
    """One synthetic sentence of the domain."""
    return (f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
            f"{rng.choice(TAILS)}.")


def transcript(rng: random.Random, words: int, question_count: int = 13) -> str:
    """A synthetic transcript of about ``words`` words with an agenda and speaker turns."""
    lines = ["File: synthetic", "Duration: 45 minutes", "Date: 1 March 2009",
             "Context: generated for benchmarks", ""]
    total = 0
    question = 1
    while total < words:
        ask = f"Question {question}. Can you tell me about {rng.choice(OBJECTS)}?"
        lines.append(f"Interviewer: {ask}")
        answer = " ".join(sentence(rng) for _ in range(rng.randint(3, 12)))
        lines.append(f"Respondent: {answer}")
        total += len(ask.split()) + len(answer.split())
        question = question % question_count + 1
    return "\n".join(lines) + "\n"


def generate(out: Path, transcripts: int, words: int, respondents: int | None = None,
             seed: int = 7) -> list[Path]:
    """Write respondents.csv and transcripts ``<label>_interview_<n>.txt``; returns the files."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    n_resp = respondents or max(5, transcripts)
    rows = ["id,label,group,trial,members,setting_type"]
    labels = []
    counters = {g: 0 for g in GROUPS}
    for rid in range(1, n_resp + 1):
        group = GROUPS[(rid - 1) % len(GROUPS)]
        counters[group] += 1
        label = f"{PREFIX[group]}{counters[group]}"
        labels.append(label)
        setting = rng.choice(["rural primary", "urban secondary", "infant school"])
        rows.append(f"{rid},{label},{group},no,1,{setting}")
    (out / "respondents.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    files = []
    for n in range(transcripts):
        path = out / f"{labels[n % len(labels)]}_interview_{n}.txt"
        path.write_text(transcript(rng, words), encoding="utf-8")
        files.append(path)
    return files


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--transcripts", type=int, default=1000)
    parser.add_argument("--words", type=int, default=9000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    files = generate(args.out, args.transcripts, args.words, seed=args.seed)
    print(f"{len(files)} transcripts written to {args.out}")


if __name__ == "__main__":
    main()
