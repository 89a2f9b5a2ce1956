"""Showing a URL or file in the user's browser, as the original client did: failures are logged."""

import logging

logger = logging.getLogger("wal_telemetry_sdk")


def open_in_browser(url: str) -> bool:
    """Open `url` with `webbrowser`; a failure is logged, not raised."""
    import webbrowser

    try:
        return webbrowser.open(url)
    except Exception as error:
        logger.warning("Could not open %s in a browser: %r", url, error)
        return False
