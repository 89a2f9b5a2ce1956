from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TelemetryConfig")


@_attrs_define
class TelemetryConfig:
    """The telemetry settings.

    Attributes:
        enabled (bool | Unset):
        metrics_path (str | Unset):
        retention_days (int | Unset):
        sampling_interval (int | Unset):
        enable_detailed_timing (bool | Unset):
        operation_hooks (bool | Unset):
    """

    enabled: bool | Unset = UNSET
    metrics_path: str | Unset = UNSET
    retention_days: int | Unset = UNSET
    sampling_interval: int | Unset = UNSET
    enable_detailed_timing: bool | Unset = UNSET
    operation_hooks: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        enabled = self.enabled

        metrics_path = self.metrics_path

        retention_days = self.retention_days

        sampling_interval = self.sampling_interval

        enable_detailed_timing = self.enable_detailed_timing

        operation_hooks = self.operation_hooks

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if metrics_path is not UNSET:
            field_dict["metrics_path"] = metrics_path
        if retention_days is not UNSET:
            field_dict["retention_days"] = retention_days
        if sampling_interval is not UNSET:
            field_dict["sampling_interval"] = sampling_interval
        if enable_detailed_timing is not UNSET:
            field_dict["enable_detailed_timing"] = enable_detailed_timing
        if operation_hooks is not UNSET:
            field_dict["operation_hooks"] = operation_hooks

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        enabled = d.pop("enabled", UNSET)

        metrics_path = d.pop("metrics_path", UNSET)

        retention_days = d.pop("retention_days", UNSET)

        sampling_interval = d.pop("sampling_interval", UNSET)

        enable_detailed_timing = d.pop("enable_detailed_timing", UNSET)

        operation_hooks = d.pop("operation_hooks", UNSET)

        telemetry_config = cls(
            enabled=enabled,
            metrics_path=metrics_path,
            retention_days=retention_days,
            sampling_interval=sampling_interval,
            enable_detailed_timing=enable_detailed_timing,
            operation_hooks=operation_hooks,
        )

        telemetry_config.additional_properties = d
        return telemetry_config

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
