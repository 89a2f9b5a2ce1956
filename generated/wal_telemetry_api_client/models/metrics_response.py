from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.telemetry_aggregation import TelemetryAggregation
from ..models.telemetry_metric_type import TelemetryMetricType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.metrics_tree import MetricsTree


T = TypeVar("T", bound="MetricsResponse")


@_attrs_define
class MetricsResponse:
    """Stored metrics for one or all metric types.

    Attributes:
        success (bool):
        metrics (MetricsTree): Metrics grouped by labels (for example operation type, then backend). Each leaf is a
            series of `[timestamp, value]` points or, with an aggregation, one number.
        operation (str | Unset):
        timestamp (float | Unset):
        metric_type (None | str | TelemetryMetricType | Unset):
        aggregation (None | str | TelemetryAggregation | Unset):
        error (str | Unset):
    """

    success: bool
    metrics: MetricsTree
    operation: str | Unset = UNSET
    timestamp: float | Unset = UNSET
    metric_type: None | str | TelemetryMetricType | Unset = UNSET
    aggregation: None | str | TelemetryAggregation | Unset = UNSET
    error: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        success = self.success

        metrics = self.metrics.to_dict()

        operation = self.operation

        timestamp = self.timestamp

        metric_type: None | str | Unset
        if isinstance(self.metric_type, Unset):
            metric_type = UNSET
        elif isinstance(self.metric_type, TelemetryMetricType):
            metric_type = self.metric_type.value
        else:
            metric_type = self.metric_type

        aggregation: None | str | Unset
        if isinstance(self.aggregation, Unset):
            aggregation = UNSET
        elif isinstance(self.aggregation, TelemetryAggregation):
            aggregation = self.aggregation.value
        else:
            aggregation = self.aggregation

        error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "success": success,
                "metrics": metrics,
            }
        )
        if operation is not UNSET:
            field_dict["operation"] = operation
        if timestamp is not UNSET:
            field_dict["timestamp"] = timestamp
        if metric_type is not UNSET:
            field_dict["metric_type"] = metric_type
        if aggregation is not UNSET:
            field_dict["aggregation"] = aggregation
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.metrics_tree import MetricsTree

        d = dict(src_dict)
        success = d.pop("success")

        metrics = MetricsTree.from_dict(d.pop("metrics"))

        operation = d.pop("operation", UNSET)

        timestamp = d.pop("timestamp", UNSET)

        def _parse_metric_type(data: object) -> None | str | TelemetryMetricType | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                componentsschemas_open_metric_type_type_0 = TelemetryMetricType(data)

                return componentsschemas_open_metric_type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | str | TelemetryMetricType | Unset, data)

        metric_type = _parse_metric_type(d.pop("metric_type", UNSET))

        def _parse_aggregation(data: object) -> None | str | TelemetryAggregation | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                componentsschemas_open_aggregation_type_0 = TelemetryAggregation(data)

                return componentsschemas_open_aggregation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | str | TelemetryAggregation | Unset, data)

        aggregation = _parse_aggregation(d.pop("aggregation", UNSET))

        error = d.pop("error", UNSET)

        metrics_response = cls(
            success=success,
            metrics=metrics,
            operation=operation,
            timestamp=timestamp,
            metric_type=metric_type,
            aggregation=aggregation,
            error=error,
        )

        metrics_response.additional_properties = d
        return metrics_response

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
