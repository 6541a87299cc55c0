"""Quote verification: the candidate's own words, normalised, never invented or borrowed."""

from __future__ import annotations

from mockint.grading.quotes import QuoteChecker, verify_quote

ANSWER = (
    "We shard the “links” table by short code—hash(code) mod 64—so no shard gets hot.\n"
    "Reads dominate:   roughly 100 redirects per link created, so a cache sits in front."
)
QUESTION = "Design a URL shortener that handles 100M new links a month."


def test_exact_quote_is_found() -> None:
    assert verify_quote("so no shard gets hot", ANSWER)


def test_case_whitespace_quotes_and_dashes_are_normalised() -> None:
    assert verify_quote('We shard the "links" table by short code-hash(code) mod 64', ANSWER)
    assert verify_quote("READS DOMINATE: roughly 100 redirects", ANSWER)
    assert verify_quote("reads dominate:\nroughly 100\tredirects per link", ANSWER)


def test_ellipsis_fragments_must_appear_in_order() -> None:
    assert verify_quote("We shard the “links” table … so no shard gets hot", ANSWER)
    assert verify_quote("Reads dominate... a cache sits in front", ANSWER)
    assert not verify_quote("a cache sits in front ... Reads dominate", ANSWER)


def test_invented_and_paraphrased_quotes_are_rejected() -> None:
    checker = QuoteChecker(ANSWER)
    verdict = checker.check("we use consistent hashing for the shards")
    assert not verdict.ok and "not found word for word" in verdict.reason
    assert not checker.check("We shard links by code so shards stay cool").ok


def test_very_short_quotes_prove_nothing() -> None:
    verdict = QuoteChecker(ANSWER).check("shard")
    assert not verdict.ok and "shorter than 8" in verdict.reason
    assert not verify_quote("... we ... ", ANSWER)


def test_quotes_only_in_the_question_are_not_the_candidates() -> None:
    verdict = QuoteChecker(ANSWER, QUESTION).check("handles 100M new links a month")
    assert not verdict.ok and "only in the question" in verdict.reason


def test_split_keeps_found_quotes_once_and_lists_the_dropped() -> None:
    kept, dropped = QuoteChecker(ANSWER, QUESTION).split(
        [
            "so no shard gets hot",
            "SO NO SHARD GETS HOT",
            "made up words entirely",
            "handles 100M new links",
        ]
    )
    assert kept == ["so no shard gets hot"]
    assert [d.quote for d in dropped] == ["made up words entirely", "handles 100M new links"]


def test_invisible_characters_do_not_hide_a_quote() -> None:
    assert verify_quote("so no shard gets hot", "We shard so no sh\u200bard gets hot.")
