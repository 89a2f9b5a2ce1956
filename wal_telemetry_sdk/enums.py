"""The original client's enums (generated from the spec) and the helper that coerces arguments."""

from enum import StrEnum
from typing import TypeVar

from wal_telemetry_api_client.models.report_state import ReportState
from wal_telemetry_api_client.models.telemetry_aggregation import TelemetryAggregation
from wal_telemetry_api_client.models.telemetry_metric_type import TelemetryMetricType

__all__ = ["ReportState", "TelemetryAggregation", "TelemetryMetricType", "coerce_enum"]

E = TypeVar("E", bound=StrEnum)


def coerce_enum(value: E | str, enum_type: type[E], argument: str) -> E:
    """Return `value` as a member of `enum_type`; strings match a value in any letter case.

    Raises `ValueError` naming the valid choices, so a typo fails before any request is sent.
    """
    if isinstance(value, enum_type):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        for member in enum_type:
            if text == member.value:
                return member
    choices = ", ".join(member.value for member in enum_type)
    raise ValueError(f"Invalid {argument} {value!r}. Must be one of: {choices}")
