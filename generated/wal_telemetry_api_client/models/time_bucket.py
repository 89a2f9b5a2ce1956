from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.metrics_tree import MetricsTree


T = TypeVar("T", bound="TimeBucket")


@_attrs_define
class TimeBucket:
    """The metrics of one time bucket.

    Attributes:
        start_time (float):
        end_time (float):
        metrics (MetricsTree): Metrics grouped by labels (for example operation type, then backend). Each leaf is a
            series of `[timestamp, value]` points or, with an aggregation, one number.
        timestamp (float | Unset):
    """

    start_time: float
    end_time: float
    metrics: MetricsTree
    timestamp: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        start_time = self.start_time

        end_time = self.end_time

        metrics = self.metrics.to_dict()

        timestamp = self.timestamp

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "start_time": start_time,
                "end_time": end_time,
                "metrics": metrics,
            }
        )
        if timestamp is not UNSET:
            field_dict["timestamp"] = timestamp

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.metrics_tree import MetricsTree

        d = dict(src_dict)
        start_time = d.pop("start_time")

        end_time = d.pop("end_time")

        metrics = MetricsTree.from_dict(d.pop("metrics"))

        timestamp = d.pop("timestamp", UNSET)

        time_bucket = cls(
            start_time=start_time,
            end_time=end_time,
            metrics=metrics,
            timestamp=timestamp,
        )

        time_bucket.additional_properties = d
        return time_bucket

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
