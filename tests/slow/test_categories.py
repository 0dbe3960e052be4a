"""A learned classifier, trained on the labelled slice (a minute), does not beat the rules on the held-out slice."""

from __future__ import annotations


def test_a_learned_classifier_does_not_beat_the_rules_on_the_held_out_slice():
    """Why the shipped categories are rules: trained on 2,678 mentions (hand, rule and reply-weak
    labels), the classifier is right on fewer held-out mentions alone and as the rules' fallback."""
    from tests.research.category_learned import judged

    # round 3's general quality and claim words: rules 65 → 66 (the classifier learns from the rules' labels too)
    assert judged() == {"rules": (66, 22, 45), "learned": (59, 10, 45), "rules, else learned": (64, 23, 45)}
