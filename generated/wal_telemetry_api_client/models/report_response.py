from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.report_state import ReportState
from ..types import UNSET, Unset

T = TypeVar("T", bound="ReportResponse")


@_attrs_define
class ReportResponse:
    """A report that has been started.

    Attributes:
        success (bool):
        operation (str | Unset):
        timestamp (float | Unset):
        report_id (str | Unset): Left out by the upstream server; it is the path segment before the file name in
            `report_url`.
        report_path (str | Unset):
        report_url (str | Unset):
        status (ReportState | str | Unset): A report state as sent by a server; values newer than this spec are kept as
            strings.
        error (str | Unset):
    """

    success: bool
    operation: str | Unset = UNSET
    timestamp: float | Unset = UNSET
    report_id: str | Unset = UNSET
    report_path: str | Unset = UNSET
    report_url: str | Unset = UNSET
    status: ReportState | str | Unset = UNSET
    error: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        success = self.success

        operation = self.operation

        timestamp = self.timestamp

        report_id = self.report_id

        report_path = self.report_path

        report_url = self.report_url

        status: str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, ReportState):
            status = self.status.value
        else:
            status = self.status

        error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "success": success,
            }
        )
        if operation is not UNSET:
            field_dict["operation"] = operation
        if timestamp is not UNSET:
            field_dict["timestamp"] = timestamp
        if report_id is not UNSET:
            field_dict["report_id"] = report_id
        if report_path is not UNSET:
            field_dict["report_path"] = report_path
        if report_url is not UNSET:
            field_dict["report_url"] = report_url
        if status is not UNSET:
            field_dict["status"] = status
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        success = d.pop("success")

        operation = d.pop("operation", UNSET)

        timestamp = d.pop("timestamp", UNSET)

        report_id = d.pop("report_id", UNSET)

        report_path = d.pop("report_path", UNSET)

        report_url = d.pop("report_url", UNSET)

        def _parse_status(data: object) -> ReportState | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                componentsschemas_open_report_state_type_0 = ReportState(data)

                return componentsschemas_open_report_state_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ReportState | str | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        error = d.pop("error", UNSET)

        report_response = cls(
            success=success,
            operation=operation,
            timestamp=timestamp,
            report_id=report_id,
            report_path=report_path,
            report_url=report_url,
            status=status,
            error=error,
        )

        report_response.additional_properties = d
        return report_response

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
