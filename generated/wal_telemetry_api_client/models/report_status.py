from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.report_state import ReportState
from ..types import UNSET, Unset

T = TypeVar("T", bound="ReportStatus")


@_attrs_define
class ReportStatus:
    """The progress of a report and the files it has so far.

    Attributes:
        report_id (str):
        status (ReportState | str): A report state as sent by a server; values newer than this spec are kept as strings.
        success (bool | Unset):
        files (list[str] | Unset):
        created_at (float | Unset):
        completed_at (float | Unset):
        error (str | Unset):
    """

    report_id: str
    status: ReportState | str
    success: bool | Unset = UNSET
    files: list[str] | Unset = UNSET
    created_at: float | Unset = UNSET
    completed_at: float | Unset = UNSET
    error: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        report_id = self.report_id

        status: str
        if isinstance(self.status, ReportState):
            status = self.status.value
        else:
            status = self.status

        success = self.success

        files: list[str] | Unset = UNSET
        if not isinstance(self.files, Unset):
            files = self.files

        created_at = self.created_at

        completed_at = self.completed_at

        error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "report_id": report_id,
                "status": status,
            }
        )
        if success is not UNSET:
            field_dict["success"] = success
        if files is not UNSET:
            field_dict["files"] = files
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if completed_at is not UNSET:
            field_dict["completed_at"] = completed_at
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        report_id = d.pop("report_id")

        def _parse_status(data: object) -> ReportState | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                componentsschemas_open_report_state_type_0 = ReportState(data)

                return componentsschemas_open_report_state_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ReportState | str, data)

        status = _parse_status(d.pop("status"))

        success = d.pop("success", UNSET)

        files = cast(list[str], d.pop("files", UNSET))

        created_at = d.pop("created_at", UNSET)

        completed_at = d.pop("completed_at", UNSET)

        error = d.pop("error", UNSET)

        report_status = cls(
            report_id=report_id,
            status=status,
            success=success,
            files=files,
            created_at=created_at,
            completed_at=completed_at,
            error=error,
        )

        report_status.additional_properties = d
        return report_status

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
