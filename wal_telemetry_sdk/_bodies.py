"""Response bodies within bounds and true to their claims, without I/O.

A body is decompressed here, not by httpx, so that its decompressed size can be capped while it
arrives: a small gzip that expands to gigabytes stops at the cap and its memory is freed.
JSON bodies and file bodies (charts, report files) have caps of their own. A file is checked
against what it claims (a PNG signature, an HTML or JSON content type) before it is saved. JSON
bodies are decoded here too, with `NaN` and `Infinity` refused: JSON has no such numbers.
"""

import contextlib
import functools
import gc
import json
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from wal_telemetry_sdk.errors import APIResponseValidationError

MiB = 1024 * 1024
MAX_JSON_BYTES = 64 * MiB
MAX_FILE_BYTES = 256 * MiB
# Only what zlib decodes is asked for, so every body the SDK accepts can be capped.
ACCEPT_ENCODING = "gzip, deflate"
FILE_PATHS = ("/visualization/", "/reports/")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Decompressed a piece at a time: a bomb costs the cap plus one piece, not twice the cap.
DECODED_CHUNK = 1024 * 1024
# From this size on, a JSON body is decoded with the garbage collector paused.
LARGE_BODY = 256 * 1024


def size_limit(request: httpx.Request, max_json_bytes: int, max_file_bytes: int) -> int:
    """The cap of a response to `request`: charts and report files may be larger than JSON."""
    path = request.url.path
    return max_file_bytes if any(part in path for part in FILE_PATHS) else max_json_bytes


class BoundedBody:
    """A response body fed chunk by chunk as it arrives, decompressed, up to `limit` bytes."""

    def __init__(self, response: httpx.Response, limit: int) -> None:
        self._response = response
        self._limit = limit
        self._parts: list[bytes] = []
        self._size = 0
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if encoding in ("", "identity"):
            self._decoder: Any = None
        elif encoding in ("gzip", "x-gzip"):
            self._decoder = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif encoding == "deflate":
            self._decoder = zlib.decompressobj()
        else:
            raise self._invalid(f"a body in the unsupported content encoding {encoding!r}")

    def feed(self, chunk: bytes) -> None:
        """Add a chunk as it came off the wire; over the limit, everything is dropped."""
        if self._decoder is None:
            self._keep(chunk)
            return
        try:
            while chunk:
                room = min(DECODED_CHUNK, self._limit - self._size + 1)
                self._keep(self._decoder.decompress(chunk, room))
                chunk = self._decoder.unconsumed_tail
        except zlib.error as error:
            raise self._invalid(f"a body that does not decompress ({error})") from error

    def response(self, request: httpx.Request) -> httpx.Response:
        """The response with its decoded body, as if the server had sent it uncompressed."""
        if self._decoder is not None:
            try:
                self._keep(self._decoder.flush())
            except zlib.error as error:
                raise self._invalid(f"a body that does not decompress ({error})") from error
        response, content = self._response, b"".join(self._parts)
        if self._decoder is not None:
            del response.headers["content-encoding"]
            response.headers["content-length"] = str(len(content))
        # httpx keeps a body it has read in `_content` and reads it from there: the response
        # stays the one the transport made, with no second copy of its body.
        response._content = content
        response.request = request
        return response

    def _keep(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self._limit:
            self._parts.clear()
            raise self._invalid(f"a body larger than the limit of {self._limit:,} bytes")
        if data:
            self._parts.append(data)

    def _invalid(self, what: str) -> APIResponseValidationError:
        status = self._response.status_code
        return APIResponseValidationError(
            f"The server sent {what}", status_code=status, detail=what
        )


def in_memory(response: httpx.Response, request: httpx.Request, limit: int) -> httpx.Response:
    """A response whose decoded body is already in memory, held to the same `limit`."""
    if len(response.content) > limit:
        raise APIResponseValidationError(
            f"The server sent a body larger than the limit of {limit:,} bytes",
            status_code=response.status_code,
        )
    response.request = request
    return response


def json_body(content: bytes) -> Any:
    """A JSON body, decoded in one pass by orjson when it is installed, else by `json`.

    `ValueError` for a body that is not JSON, and for `NaN` or `Infinity`, which JSON does not
    have. A body orjson refuses is decoded again by `json`, whose messages say what is wrong in
    the same words with or without orjson.
    """
    fast_loads = fast_decoder()
    if fast_loads is not None:
        try:
            return fast_loads(content)
        except ValueError:
            pass
    return json.loads(content, parse_constant=_refuse)


@functools.cache
def fast_decoder() -> Callable[[bytes], Any] | None:
    """orjson's `loads` (extra `[fast]`: several times quicker than `json`), imported on the
    first body so that importing the SDK stays quick; None without orjson."""
    try:
        from orjson import loads
    except ImportError:
        return None
    return loads


@functools.cache
def series_decoder() -> Callable[[bytes], dict[str, Any] | None] | None:
    """A decoder of the common `/metrics` body, a tree of operation -> backend -> points, that
    checks every point is a pair of numbers while decoding (msgspec, extra `[fast]`).

    It answers None for any other body (aggregated, all metric types, a failure envelope, an
    extra field, a wrong point): such a body takes the general path, whose results and error
    messages are the reference. None without msgspec.
    """
    try:
        import msgspec
    except ImportError:
        return None

    class SeriesBody(msgspec.Struct, forbid_unknown_fields=True):
        success: bool
        metrics: dict[str, dict[str, list[list[float]]]]
        operation: str | None = None
        timestamp: float | None = None
        metric_type: str | None = None
        aggregation: str | None = None
        error: Any = None

    decode = msgspec.json.Decoder(SeriesBody).decode

    def decoded(content: bytes) -> dict[str, Any] | None:
        try:
            body = decode(content)
        except msgspec.MsgspecError:
            return None
        pairs = all(
            set(map(len, leaf)) <= {2} for node in body.metrics.values() for leaf in node.values()
        )
        if not (body.success and pairs):
            return None
        return {name: getattr(body, name) for name in body.__struct_fields__}

    return decoded


@contextlib.contextmanager
def collector_paused(size: int) -> Iterator[None]:
    """Python's cyclic garbage collector paused while a large body (`size` bytes, at least
    `LARGE_BODY`) is decoded and converted.

    Decoding makes no cycles, but every list it creates counts towards the next collection, and
    each collection walks the lists made so far: a day of points took four times as long. A
    collector someone else paused stays paused.
    """
    if size < LARGE_BODY or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _refuse(word: str) -> Any:
    raise ValueError(f"the body holds {word}, which is not a JSON number")


def checked_file(name: str, content: bytes, content_type: str | None) -> None:
    """`ValueError` unless a file's bytes are what its name and content type claim."""
    media = (content_type or "").split(";")[0].strip().lower()
    if name.endswith(".png") or media == "image/png":
        if not content.startswith(PNG_SIGNATURE):
            raise ValueError(f"{name} is not a PNG image (content type {media or 'none'})")
        if media not in ("image/png", "application/octet-stream", ""):
            raise ValueError(f"{name} is a PNG image sent as {media}")
    elif name.endswith((".html", ".htm")) and media not in ("text/html", ""):
        raise ValueError(f"{name} was sent as {media}, not text/html")
    elif name.endswith(".json"):
        if media not in ("application/json", ""):
            raise ValueError(f"{name} was sent as {media}, not application/json")
        json.loads(content)
