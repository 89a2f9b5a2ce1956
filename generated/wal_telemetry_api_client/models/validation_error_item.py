from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ValidationErrorItem")


@_attrs_define
class ValidationErrorItem:
    """One failed check, as FastAPI reports it.

    Attributes:
        type_ (str | Unset):
        loc (list[int | str] | Unset):
        msg (str | Unset):
        input_ (Any | Unset):
    """

    type_: str | Unset = UNSET
    loc: list[int | str] | Unset = UNSET
    msg: str | Unset = UNSET
    input_: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        loc: list[int | str] | Unset = UNSET
        if not isinstance(self.loc, Unset):
            loc = []
            for loc_item_data in self.loc:
                loc_item: int | str
                loc_item = loc_item_data
                loc.append(loc_item)

        msg = self.msg

        input_ = self.input_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if type_ is not UNSET:
            field_dict["type"] = type_
        if loc is not UNSET:
            field_dict["loc"] = loc
        if msg is not UNSET:
            field_dict["msg"] = msg
        if input_ is not UNSET:
            field_dict["input"] = input_

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        type_ = d.pop("type", UNSET)

        _loc = d.pop("loc", UNSET)
        loc: list[int | str] | Unset = UNSET
        if _loc is not UNSET:
            loc = []
            for loc_item_data in _loc:

                def _parse_loc_item(data: object) -> int | str:
                    return cast(int | str, data)

                loc_item = _parse_loc_item(loc_item_data)

                loc.append(loc_item)

        msg = d.pop("msg", UNSET)

        input_ = d.pop("input", UNSET)

        validation_error_item = cls(
            type_=type_,
            loc=loc,
            msg=msg,
            input_=input_,
        )

        validation_error_item.additional_properties = d
        return validation_error_item

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
