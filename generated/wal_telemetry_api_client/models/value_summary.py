from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.rate_by_key import RateByKey


T = TypeVar("T", bound="ValueSummary")


@_attrs_define
class ValueSummary:
    """One overall value, with the values per `"operation:backend"` key it came from.

    Attributes:
        value (float):
        by_key (RateByKey | Unset): A number per `"operation:backend"` key.
    """

    value: float
    by_key: RateByKey | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        value = self.value

        by_key: dict[str, Any] | Unset = UNSET
        if not isinstance(self.by_key, Unset):
            by_key = self.by_key.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "value": value,
            }
        )
        if by_key is not UNSET:
            field_dict["by_key"] = by_key

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.rate_by_key import RateByKey

        d = dict(src_dict)
        value = d.pop("value")

        _by_key = d.pop("by_key", UNSET)
        by_key: RateByKey | Unset
        if isinstance(_by_key, Unset):
            by_key = UNSET
        else:
            by_key = RateByKey.from_dict(_by_key)

        value_summary = cls(
            value=value,
            by_key=by_key,
        )

        value_summary.additional_properties = d
        return value_summary

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
