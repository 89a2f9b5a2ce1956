"""The analysis modules import neither matplotlib nor pandas until they are used."""

import subprocess
import sys

MODULES = ["timeseries", "alerts", "charts", "_sync.monitor", "_sync.poller", "_async.client"]


def test_analysis_modules_do_not_import_matplotlib_or_pandas():
    code = "; ".join(
        [
            *(f"import wal_telemetry_sdk.{name}" for name in MODULES),
            "import sys",
            "print(sorted(m for m in sys.modules if m.split('.')[0] in {'matplotlib', 'pandas'}))",
        ]
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_check_itself_sees_heavy_imports():
    code = "import wal_telemetry_sdk.charts, matplotlib, sys; print('matplotlib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "True"
