"""The OpenAI-compatible client: built from Settings, errors turned into messages a user can act on.

`openai` is imported only inside these functions, so the CLI and the TUI start without it.
The client never retries by itself (`max_retries=0`): callers retry, so every attempt is visible,
recorded and bounded by the session's total time limit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from mockint.errors import ConfigError, MockintError

if TYPE_CHECKING:
    from mockint.config import Settings

OPENAI_BASE_URL = "https://api.openai.com/v1"
KEYLESS_PLACEHOLDER = "not-needed"
CONNECT_TIMEOUT = 5.0


class LlmUnavailable(MockintError):
    """The LLM endpoint could not answer; the message says why and what to check."""


def base_url_of(settings: Settings) -> str:
    """The endpoint mockint talks to: the configured base URL or OpenAI's."""
    return (settings.base_url or OPENAI_BASE_URL).rstrip("/")


def endpoint_host(settings: Settings) -> str:
    """Only the host (and port) of the endpoint: what may be stored about it."""
    parts = urlsplit(base_url_of(settings))
    return parts.netloc or parts.path


def resolve_api_key(settings: Settings) -> str:
    """The API key for a call; keyless local servers get a placeholder, OpenAI without a key is an error."""
    key = settings.api_key()
    if key:
        return key
    if settings.base_url:
        return KEYLESS_PLACEHOLDER
    raise ConfigError(
        "no LLM is configured: set OPENAI_API_KEY (or api_key_command in config.toml), or OPENAI_BASE_URL "
        "for a local server such as Ollama; or grade offline with --grader offline"
    )


def build_client(
    settings: Settings,
    *,
    http_client: Any = None,
    api_key: str | None = None,
    timeout: float | None = None,
) -> Any:
    """An `AsyncOpenAI` client for the configured endpoint, with retries left to the caller."""
    import httpx2
    import openai

    return openai.AsyncOpenAI(
        api_key=api_key or resolve_api_key(settings),
        base_url=base_url_of(settings),
        timeout=httpx2.Timeout(timeout or settings.request_timeout, connect=CONNECT_TIMEOUT),
        max_retries=0,
        http_client=http_client,
    )


def _server_message(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
        if isinstance(inner, str):
            return inner
    message = getattr(exc, "message", None) or str(exc)
    return str(message)


def friendly_error(exc: BaseException, settings: Settings) -> str:
    """One line saying what went wrong with the endpoint and what to check; never the key."""
    import openai

    url = base_url_of(settings)
    server = _server_message(exc)[:300]
    if isinstance(exc, openai.APITimeoutError):
        return f"the LLM at {url} did not answer within {settings.request_timeout:g} s (MOCKINT_TIMEOUT)"
    if isinstance(exc, openai.APIConnectionError):
        return f"cannot connect to {url}: is the server running at {url}?"
    if isinstance(exc, openai.AuthenticationError):
        return f"the endpoint {url} rejected the API key (401): check OPENAI_API_KEY"
    if isinstance(exc, openai.PermissionDeniedError):
        return f"the endpoint {url} refused access (403): check OPENAI_API_KEY and the model's permissions"
    if isinstance(exc, openai.NotFoundError):
        if "model" in server.lower():
            return (
                f"model '{settings.model}' was not found at {url}: pull the model (e.g. 'ollama pull "
                f"{settings.model}') or check MOCKINT_MODEL ({server})"
            )
        return f"{url} answered 404 Not Found: check OPENAI_BASE_URL (it usually ends in /v1)"
    if isinstance(exc, openai.RateLimitError):
        return f"the endpoint {url} is rate limiting (429): {server}"
    if isinstance(exc, openai.InternalServerError):
        return f"the endpoint {url} had a server error ({exc.status_code}): {server}"
    if isinstance(exc, openai.APIStatusError):
        return f"the endpoint {url} answered {exc.status_code}: {server}"
    if isinstance(exc, NotOpenAICompatible):
        return str(exc)
    return f"the LLM call failed: {type(exc).__name__}: {server}"


class NotOpenAICompatible(Exception):
    """The endpoint answered with something that is not an OpenAI chat completion (HTML, empty)."""


def not_compatible(settings: Settings, body: str) -> NotOpenAICompatible:
    """The error for a 200 response that is HTML, empty or otherwise not a chat completion."""
    url = base_url_of(settings)
    what = (
        "an empty body"
        if not body.strip()
        else "HTML"
        if "<html" in body[:500].lower()
        else "something else"
    )
    return NotOpenAICompatible(
        f"{url} answered with {what}, not a chat completion: base_url does not look like an "
        "OpenAI-compatible API (check OPENAI_BASE_URL; it usually ends in /v1)"
    )


async def complete_text(
    settings: Settings,
    messages: list[dict[str, str]],
    *,
    max_tokens: int = 300,
    http_client: Any = None,
) -> str:
    """One short plain-text completion (the interviewer's follow-up question); raises LlmUnavailable."""
    try:
        client = build_client(settings, http_client=http_client)
    except ConfigError as exc:
        raise LlmUnavailable(exc.message) from None
    params: dict[str, Any] = {
        "model": settings.model,
        "messages": messages,
        "max_tokens": max_tokens,
    }
    if settings.temperature is not None:
        params["temperature"] = max(settings.temperature, 0.7)
    try:
        return await _complete_once(client, settings, params)
    finally:
        if http_client is None:
            await client.close()


async def _complete_once(client: Any, settings: Settings, params: dict[str, Any]) -> str:
    import openai

    for _ in range(3):  # at most: drop temperature, switch max_tokens, then give up
        try:
            completion = await client.chat.completions.create(**params)
        except openai.BadRequestError as exc:
            text = _server_message(exc).lower()
            if "temperature" in text and "temperature" in params:
                params.pop("temperature")
                continue
            if "max_tokens" in text and "max_tokens" in params:
                params["max_completion_tokens"] = params.pop("max_tokens")
                continue
            raise LlmUnavailable(friendly_error(exc, settings)) from None
        except openai.OpenAIError as exc:
            raise LlmUnavailable(friendly_error(exc, settings)) from None
        except ValueError as exc:
            raise LlmUnavailable(str(not_compatible(settings, str(exc)))) from None
        if not hasattr(completion, "choices"):
            raise LlmUnavailable(str(not_compatible(settings, str(completion))))
        try:
            content = completion.choices[0].message.content or ""
        except (IndexError, AttributeError, TypeError):
            content = ""
        content = strip_think(content).strip()
        if not content:
            raise LlmUnavailable(f"the LLM at {base_url_of(settings)} returned an empty reply")
        return content
    raise LlmUnavailable(f"the LLM at {base_url_of(settings)} rejected the request parameters")


def strip_think(text: str) -> str:
    """Remove `<think>…</think>` blocks that reasoning models on local servers put in the content."""
    import re

    text = re.sub(r"<think>.*?</think>", "", text, flags=re.DOTALL | re.IGNORECASE)
    # An unclosed <think> (cut off) hides everything after it.
    return re.sub(r"<think>.*", "", text, flags=re.DOTALL | re.IGNORECASE)
