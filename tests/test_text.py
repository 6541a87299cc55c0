"""Text helpers the graders rely on: normalisation, exact-substring sentences, quantities."""

from __future__ import annotations

import pytest

from mockint.grading.text import (
    contains_quote,
    extract_quantities,
    has_arithmetic,
    normalize,
    split_sentences,
    stems,
    unit_dimension,
    word_count,
)


def test_normalize_folds_quotes_dashes_spaces_and_invisible_characters() -> None:
    raw = "\u201cRead\u2011heavy\u201d \u2014 it\u2019s\u00a0100:1\u200b  ＡＰＩ\n\tcalls"
    assert normalize(raw) == '"read-heavy" - it\'s 100:1 api calls'


def test_contains_quote_ignores_case_quotes_and_whitespace() -> None:
    answer = "We return a \u201c302\u201d   because browsers cache a 301."
    assert contains_quote(answer, 'we return a "302" because')
    assert not contains_quote(answer, "we return a 301 because")
    assert not contains_quote(answer, "   ")


def test_sentences_are_exact_substrings_including_bullets_and_lines() -> None:
    text = (
        "Intro line without a stop\n"
        "- First bullet. Second sentence, e.g. Redis here!\n"
        "2) Numbered item?\n"
        '   He said "done." Next one.\n'
        "\n"
        "## Heading text"
    )
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Intro line without a stop",
        "First bullet.",
        "Second sentence, e.g. Redis here!",
        "Numbered item?",
        'He said "done."',
        "Next one.",
        "Heading text",
    ]
    for s in sentences:
        assert text[s.start : s.end] == s.text


def test_decimal_points_and_abbreviations_do_not_split() -> None:
    assert [s.text for s in split_sentences("Storage is 3.5 TB vs. 2 TB. Done")] == [
        "Storage is 3.5 TB vs. 2 TB.",
        "Done",
    ]


@pytest.mark.parametrize(
    ("text", "dimension", "value"),
    [
        ("40 writes/s", "rate", 40),
        ("4,000 redirects per second", "rate", 4000),
        ("12k rps", "rate", 12_000),
        ("500k QPS", "rate", 500_000),
        ("100M new links a month", "rate", 100e6 / 2_592_000),
        ("1.2 billion links", "count", 1.2e9),
        ("1.2B rows", "count", 1.2e9),
        ("500 B per row", "bytes", 500),
        ("600 GB", "bytes", 600e9),
        ("3 TB", "bytes", 3e12),
        ("35GB", "bytes", 35e9),
        ("10 Gbps", "bandwidth", 10e9 / 8),
        ("100 ms", "time", 0.1),
        ("99.99%", "percent", 99.99),
        ("2.5 million seconds", "time", 2.5e6),
        ("7 characters", "count", 7),
        ("just 42", "number", 42),
    ],
)
def test_quantities_carry_unit_and_base_value(
    text: str, dimension: str, value: float | None
) -> None:
    q = extract_quantities(text)[0]
    assert q.dimension == dimension
    if value is not None:
        assert q.value == pytest.approx(value)
    assert text[q.start : q.end] == q.raw


def test_period_keeps_the_amount_for_storage_per_year() -> None:
    q = extract_quantities("about 600 GB per year")[0]
    assert q.dimension == "bandwidth"
    assert q.amount_dimension == "bytes"
    assert q.amount == pytest.approx(600e9)


def test_p99_and_ratios_are_not_quantities_of_their_own() -> None:
    assert [q.raw for q in extract_quantities("p99 under 100 ms")] == ["100 ms"]
    assert extract_quantities("a 100:1 read ratio") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100M / 2.6M s ≈ 40 writes/s", True),
        ("40 × 100 = 4,000", True),
        ("62^7 is about 3.5 trillion", True),
        ("1M ops/s ÷ 100k = 10 primaries", True),
        ("about 40 writes/s and 100M/month", False),
        ("we need low latency", False),
    ],
)
def test_arithmetic_detection(text: str, expected: bool) -> None:
    assert has_arithmetic(text) is expected


@pytest.mark.parametrize(
    ("unit", "dimension"),
    [
        ("writes/s", "rate"),
        ("QPS", "rate"),
        ("GB", "bytes"),
        ("TB/year", "bandwidth"),
        ("users", "count"),
        ("Gbps", "bandwidth"),
    ],
)
def test_unit_dimension_of_reference_figures(unit: str, dimension: str) -> None:
    assert unit_dimension(unit)[0] == dimension


def test_stems_fold_plurals_tenses_units_and_thousands() -> None:
    assert stems("Each server leased ranges of 4,000 reads/s") >= stems(
        "lease a range 4k read per second"
    )
    assert "the" not in stems("the cache")


def test_word_count_ignores_punctuation_only_tokens() -> None:
    assert word_count("Thought process: - ... 99.9% read-heavy") == 4
    assert word_count(":") == 0
