"""Loaders on the shipped Sentiment140 files and on a generated original-format file."""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

from model_build import data


def test_original_format_loader_reads_the_shipped_20k_sample(data_dir):
    frame = data.load_original_format(data_dir / "training_sample_20k_original_format.csv.gz")
    assert len(frame) == 20_000
    assert frame["label"].value_counts().to_dict() == {1: 10_001, 0: 9_999}
    assert not frame["text"].str.contains("&quot;|&amp;|&lt;").any()


def test_original_format_loader_reads_a_generated_latin1_file(tmp_path):
    rows = [
        '"0","1","Mon Apr 06 22:19:45 PDT 2009","NO_QUERY","u1","caf\xe9 closed &amp; it rains"',
        '"4","2","Mon Apr 06 22:19:49 PDT 2009","NO_QUERY","u2","I said &quot;yes&quot;, great day"',
        '"2","3","Mon Apr 06 22:19:53 PDT 2009","NO_QUERY","u3","neutral, dropped"',
    ]
    path = tmp_path / "full.csv.gz"
    with gzip.open(path, "wb") as handle:
        handle.write("\n".join(rows).encode("latin-1"))
    frame = data.load_original_format(path)
    assert frame["text"].tolist() == ["caf\xe9 closed & it rains", 'I said "yes", great day']
    assert frame["label"].tolist() == [0, 1]


def test_text_subset_has_50k_tweets_per_class(data_dir):
    frame = data.load_text_subset(*(data_dir / name for name in data.SUBSET_FILES))
    assert frame["label"].value_counts().to_dict() == {0: 50_000, 1: 50_000}


@pytest.mark.exact_rows("sentiment140/random_union_102k.csv.gz")
def test_random_union_keeps_text_fidelity(data_dir):
    frame = data.load_random_union(data_dir / data.UNION_FILE)
    assert len(frame) == 102_714
    assert frame["text_fidelity"].value_counts()["original"] == 10_001


def test_manual_test_set_drops_the_neutral_rows(data_dir):
    frame = data.load_manual_test(data_dir / data.MANUAL_FILE)
    assert len(frame) == 359
    assert frame["label"].value_counts().to_dict() == {1: 182, 0: 177}


def test_duplicates_keep_one_copy_and_conflicting_labels_are_dropped():
    frame = pd.DataFrame({"text": ["a", "a", "b", "b", "c"], "label": [1, 1, 0, 1, 0]})
    assert data.drop_duplicate_texts(frame)["text"].tolist() == ["a", "c"]


def test_splits_are_seeded_disjoint_and_held_out_from_exact_union_rows(data_dir):
    first = data.build_splits(data_dir, seed=7, test_rows=2000, validation_rows=1000)
    again = data.build_splits(data_dir, seed=7, test_rows=2000, validation_rows=1000)
    assert first.test["text"].tolist() == again.test["text"].tolist()
    assert set(first.test["text_fidelity"]) <= set(data.EXACT_FIDELITY)
    assert set(first.validation["text_fidelity"]) <= set(data.EXACT_FIDELITY)
    train, test, val = (set(f["text"]) for f in (first.train, first.test, first.validation))
    assert not train & test and not train & val and not test & val
    assert not set(first.manual["text"]) & train
    assert abs(first.test["label"].mean() - 0.5) < 0.01
    assert first.description["split_seed"] == 7
    assert len(first.description["sources"]) == 4


def test_an_original_format_file_replaces_the_subset_as_training_bulk(data_dir):
    sample = data_dir / "training_sample_20k_original_format.csv.gz"
    splits = data.build_splits(data_dir, original_format_file=sample, test_rows=1000, validation_rows=500)
    assert set(splits.train["source"]) == {sample.name, "random_union"}
    assert sample.name in splits.description["sources"]
    assert not set(splits.test["text"]) & set(data.load_original_format(sample)["text"])
