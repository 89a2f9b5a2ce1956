from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.backend_state import BackendState
from ..types import UNSET, Unset

T = TypeVar("T", bound="BackendHealth")


@_attrs_define
class BackendHealth:
    """The health of one backend; value 1.0 online, 0.5 degraded, 0.0 offline.

    Attributes:
        value (float):
        status (BackendState | str | Unset): A backend state as sent by a server; values newer than this spec are kept
            as strings.
    """

    value: float
    status: BackendState | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        value = self.value

        status: str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, BackendState):
            status = self.status.value
        else:
            status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "value": value,
            }
        )
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        value = d.pop("value")

        def _parse_status(data: object) -> BackendState | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                componentsschemas_open_backend_state_type_0 = BackendState(data)

                return componentsschemas_open_backend_state_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BackendState | str | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        backend_health = cls(
            value=value,
            status=status,
        )

        backend_health.additional_properties = d
        return backend_health

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
