from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ReportRequest")


@_attrs_define
class ReportRequest:
    """The time range a report covers (the last 24 hours when left out), and the thresholds its summary judges backends and
    operations by (the server's defaults when left out).

        Attributes:
            start_time (float | Unset):
            end_time (float | Unset):
            max_latency_p95_ms (float | Unset): A backend or operation whose p95 latency is above this many milliseconds is
                flagged (reference server default 1000).
            min_success_rate (float | Unset): A backend or operation whose share of successful operations (0-1) is below
                this is flagged (reference server default 0.99).
            max_queue_size (float | Unset): A queue (pending plus processing operations) above this many operations is
                flagged (reference server default 250).
    """

    start_time: float | Unset = UNSET
    end_time: float | Unset = UNSET
    max_latency_p95_ms: float | Unset = UNSET
    min_success_rate: float | Unset = UNSET
    max_queue_size: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        start_time = self.start_time

        end_time = self.end_time

        max_latency_p95_ms = self.max_latency_p95_ms

        min_success_rate = self.min_success_rate

        max_queue_size = self.max_queue_size

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if start_time is not UNSET:
            field_dict["start_time"] = start_time
        if end_time is not UNSET:
            field_dict["end_time"] = end_time
        if max_latency_p95_ms is not UNSET:
            field_dict["max_latency_p95_ms"] = max_latency_p95_ms
        if min_success_rate is not UNSET:
            field_dict["min_success_rate"] = min_success_rate
        if max_queue_size is not UNSET:
            field_dict["max_queue_size"] = max_queue_size

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        start_time = d.pop("start_time", UNSET)

        end_time = d.pop("end_time", UNSET)

        max_latency_p95_ms = d.pop("max_latency_p95_ms", UNSET)

        min_success_rate = d.pop("min_success_rate", UNSET)

        max_queue_size = d.pop("max_queue_size", UNSET)

        report_request = cls(
            start_time=start_time,
            end_time=end_time,
            max_latency_p95_ms=max_latency_p95_ms,
            min_success_rate=min_success_rate,
            max_queue_size=max_queue_size,
        )

        report_request.additional_properties = d
        return report_request

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
