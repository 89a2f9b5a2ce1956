from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ConfigUpdate")


@_attrs_define
class ConfigUpdate:
    """The settings to change; those left out keep their value.

    Attributes:
        enabled (bool | Unset):
        metrics_path (str | Unset): Where reports are written (after a restart). The reference server keeps it inside
            its `--reports-dir`: a path outside is read relative to that folder.
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

    def to_dict(self) -> dict[str, Any]:
        enabled = self.enabled

        metrics_path = self.metrics_path

        retention_days = self.retention_days

        sampling_interval = self.sampling_interval

        enable_detailed_timing = self.enable_detailed_timing

        operation_hooks = self.operation_hooks

        field_dict: dict[str, Any] = {}

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

        config_update = cls(
            enabled=enabled,
            metrics_path=metrics_path,
            retention_days=retention_days,
            sampling_interval=sampling_interval,
            enable_detailed_timing=enable_detailed_timing,
            operation_hooks=operation_hooks,
        )

        return config_update
