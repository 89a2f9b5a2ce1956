"""Report progress from either server, and saving a report's files as one atomic folder.

The reference server reports progress at `GET /reports/{id}`. The upstream server has no such
operation: there a report is complete once its `report.html` stops answering 404, and its files
are the page plus what the page links to.
"""

import contextlib
import os
import re
import secrets
import shutil
from collections.abc import Mapping
from pathlib import Path

from wal_telemetry_sdk._files import FILE_NAME, save_atomically
from wal_telemetry_sdk.reports_poller import ReportProgress

REPORT_PAGE = "report.html"
REPORT_DATA = "report.json"
LINK = re.compile(r"""(?:src|href)\s*=\s*["']([^"'#?]+)["']""", re.IGNORECASE)


def progress_from_page(page: bytes) -> ReportProgress:
    """A complete report found through its page: the page, its data and every linked file."""
    html = page.decode("utf-8", errors="replace")
    linked = [name for name in LINK.findall(html) if FILE_NAME.fullmatch(name) and ".." not in name]
    files = list(dict.fromkeys([REPORT_PAGE, REPORT_DATA, *linked]))
    return ReportProgress(state="complete", files=files)


def save_folder(files: Mapping[str, bytes], directory: str | os.PathLike[str]) -> list[Path]:
    """Write `files` into `directory` all or nothing: a sibling temporary folder, then renames.

    A new `directory` appears complete in one rename; in an existing one each file is replaced
    atomically, and nothing is written unless every file was downloaded.
    """
    target = Path(directory).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.{secrets.token_hex(6)}.part"
    staging.mkdir()
    try:
        for name, content in files.items():
            save_atomically(staging / name, content)
        if not target.exists():
            os.replace(staging, target)
        else:
            for name in files:
                os.replace(staging / name, target / name)
    finally:
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(staging)
    return sorted(target / name for name in files)
