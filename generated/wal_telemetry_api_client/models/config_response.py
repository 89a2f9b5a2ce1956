from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.telemetry_config import TelemetryConfig


T = TypeVar("T", bound="ConfigResponse")


@_attrs_define
class ConfigResponse:
    """The telemetry settings, with a warning about changes that need a restart.

    Attributes:
        success (bool):
        config (TelemetryConfig): The telemetry settings.
        operation (str | Unset):
        timestamp (float | Unset):
        warning (str | Unset):
        error (str | Unset):
    """

    success: bool
    config: TelemetryConfig
    operation: str | Unset = UNSET
    timestamp: float | Unset = UNSET
    warning: str | Unset = UNSET
    error: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        success = self.success

        config = self.config.to_dict()

        operation = self.operation

        timestamp = self.timestamp

        warning = self.warning

        error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "success": success,
                "config": config,
            }
        )
        if operation is not UNSET:
            field_dict["operation"] = operation
        if timestamp is not UNSET:
            field_dict["timestamp"] = timestamp
        if warning is not UNSET:
            field_dict["warning"] = warning
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.telemetry_config import TelemetryConfig

        d = dict(src_dict)
        success = d.pop("success")

        config = TelemetryConfig.from_dict(d.pop("config"))

        operation = d.pop("operation", UNSET)

        timestamp = d.pop("timestamp", UNSET)

        warning = d.pop("warning", UNSET)

        error = d.pop("error", UNSET)

        config_response = cls(
            success=success,
            config=config,
            operation=operation,
            timestamp=timestamp,
            warning=warning,
            error=error,
        )

        config_response.additional_properties = d
        return config_response

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
