"""The sync clients, rewritten from `_async/` by `scripts/unasync.py` (except `io.py`)."""
