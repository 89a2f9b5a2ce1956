from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="LatencyStats")


@_attrs_define
class LatencyStats:
    """Latency statistics of one `operation:backend` pair, in seconds.

    Attributes:
        mean (float | Unset):
        median (float | Unset):
        min_ (float | Unset):
        max_ (float | Unset):
        percentile_95 (float | Unset):
        count (float | Unset):
    """

    mean: float | Unset = UNSET
    median: float | Unset = UNSET
    min_: float | Unset = UNSET
    max_: float | Unset = UNSET
    percentile_95: float | Unset = UNSET
    count: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        mean = self.mean

        median = self.median

        min_ = self.min_

        max_ = self.max_

        percentile_95 = self.percentile_95

        count = self.count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if mean is not UNSET:
            field_dict["mean"] = mean
        if median is not UNSET:
            field_dict["median"] = median
        if min_ is not UNSET:
            field_dict["min"] = min_
        if max_ is not UNSET:
            field_dict["max"] = max_
        if percentile_95 is not UNSET:
            field_dict["percentile_95"] = percentile_95
        if count is not UNSET:
            field_dict["count"] = count

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        mean = d.pop("mean", UNSET)

        median = d.pop("median", UNSET)

        min_ = d.pop("min", UNSET)

        max_ = d.pop("max", UNSET)

        percentile_95 = d.pop("percentile_95", UNSET)

        count = d.pop("count", UNSET)

        latency_stats = cls(
            mean=mean,
            median=median,
            min_=min_,
            max_=max_,
            percentile_95=percentile_95,
            count=count,
        )

        latency_stats.additional_properties = d
        return latency_stats

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
