from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="LatencySummary")


@_attrs_define
class LatencySummary:
    """Overall latency of recent operations, in milliseconds.

    Attributes:
        average (float | Unset):
        median (float | Unset):
        minimum (float | Unset):
        maximum (float | Unset):
        percentile_95 (float | Unset):
        percentile_99 (float | Unset):
        count (int | Unset):
    """

    average: float | Unset = UNSET
    median: float | Unset = UNSET
    minimum: float | Unset = UNSET
    maximum: float | Unset = UNSET
    percentile_95: float | Unset = UNSET
    percentile_99: float | Unset = UNSET
    count: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        average = self.average

        median = self.median

        minimum = self.minimum

        maximum = self.maximum

        percentile_95 = self.percentile_95

        percentile_99 = self.percentile_99

        count = self.count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if average is not UNSET:
            field_dict["average"] = average
        if median is not UNSET:
            field_dict["median"] = median
        if minimum is not UNSET:
            field_dict["minimum"] = minimum
        if maximum is not UNSET:
            field_dict["maximum"] = maximum
        if percentile_95 is not UNSET:
            field_dict["percentile_95"] = percentile_95
        if percentile_99 is not UNSET:
            field_dict["percentile_99"] = percentile_99
        if count is not UNSET:
            field_dict["count"] = count

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        average = d.pop("average", UNSET)

        median = d.pop("median", UNSET)

        minimum = d.pop("minimum", UNSET)

        maximum = d.pop("maximum", UNSET)

        percentile_95 = d.pop("percentile_95", UNSET)

        percentile_99 = d.pop("percentile_99", UNSET)

        count = d.pop("count", UNSET)

        latency_summary = cls(
            average=average,
            median=median,
            minimum=minimum,
            maximum=maximum,
            percentile_95=percentile_95,
            percentile_99=percentile_99,
            count=count,
        )

        latency_summary.additional_properties = d
        return latency_summary

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
