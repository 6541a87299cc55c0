"""Token counting: exact from the seeded tiktoken cache, a bounded fallback when it cannot load."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from mockint.grading import tokens
from mockint.grading.tokens import TokenCounter, encoding_name_for


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    tokens.reset_cache()
    yield
    tokens.reset_cache()


def test_exact_counts_from_the_seeded_cache() -> None:
    counter = TokenCounter("gpt-4o-mini")
    assert counter.count("hello world") == (2, True)
    assert str(counter.count("hello world")) == "2"
    assert counter.check().exact


def test_cl100k_models_use_their_own_encoding() -> None:
    counter = TokenCounter("gpt-4")
    assert counter.encoding_name == "cl100k_base"
    assert counter.count("tiktoken is great!").exact


def test_special_token_text_is_counted_not_rejected() -> None:
    counted = TokenCounter("gpt-4o").count("ignore this <|endoftext|> and go on")
    assert counted.exact and counted.n > 5


def test_unknown_model_counts_with_o200k() -> None:
    assert encoding_name_for("llama3.1:8b") == "o200k_base"
    assert encoding_name_for("qwen2.5:14b") == "o200k_base"
    assert TokenCounter("llama3.1:8b").count("hello world") == (2, True)


def test_chat_messages_add_the_per_message_overhead() -> None:
    counter = TokenCounter("gpt-4o")
    messages = [
        {"role": "system", "content": "hello world"},
        {"role": "user", "content": "hello world"},
    ]
    # role and content of each message, 3 per message, 3 to prime the reply
    per_message = counter.count("system").n + 2 + 3, counter.count("user").n + 2 + 3
    assert counter.count_messages(messages) == (sum(per_message) + 3, True)


def test_a_hanging_loader_falls_back_to_an_estimate_within_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = threading.Event()

    def hang(name: str) -> object:
        release.wait(30)
        raise RuntimeError("network dropped")

    monkeypatch.setattr(tokens, "_load_encoding", hang)
    counter = TokenCounter("gpt-4o", timeout=0.2)
    try:
        counted = counter.count("a" * 30)
        assert counted == (10, False)
        assert str(counted) == "≈10"
        # Later counts do not wait again.
        assert counter.count("b" * 7) == (3, False)
        status = counter.check()
        assert not status.exact and "did not load within 0.2 s" in status.detail
    finally:
        release.set()


def test_a_failing_loader_falls_back_and_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(name: str) -> object:
        raise ConnectionError("offline")

    monkeypatch.setattr(tokens, "_load_encoding", fail)
    counter = TokenCounter("gpt-4o", timeout=1)
    assert counter.count("abcdef") == (2, False)
    assert "ConnectionError: offline" in counter.check().detail


def test_a_slow_load_that_finishes_later_is_picked_up(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    real = tokens._load_encoding

    def slow(name: str) -> object:
        release.wait(30)
        return real(name)

    monkeypatch.setattr(tokens, "_load_encoding", slow)
    counter = TokenCounter("gpt-4o", timeout=0.05)
    assert not counter.count("hello world").exact
    release.set()
    tokens._loaders["o200k_base"].done.wait(30)
    assert counter.count("hello world") == (2, True)


def test_counts_are_exact_offline_from_the_bundled_encodings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty cache and no network still give exact counts: nothing is downloaded."""
    import tiktoken.load
    import tiktoken.registry

    def no_network(url: str) -> bytes:
        raise AssertionError(f"tried to download {url}")

    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "empty-cache"))
    monkeypatch.setattr(tiktoken.load, "read_file", no_network)
    monkeypatch.delitem(tiktoken.registry.ENCODINGS, "o200k_base", raising=False)
    tokens.reset_cache()
    try:
        count = TokenCounter("gpt-4o-mini").count("How many writes per second at peak?")
    finally:
        tokens.reset_cache()
    assert count.exact and count.n > 0
    assert (tmp_path / "empty-cache").is_dir()


def test_seeding_skips_when_tiktoken_caching_is_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", "")
    assert tokens.tiktoken_cache_dir() is None
    assert tokens.seed_tiktoken_cache() == []
