from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.telemetry_aggregation import TelemetryAggregation
from ..models.telemetry_metric_type import TelemetryMetricType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.time_bucket import TimeBucket


T = TypeVar("T", bound="TimeSeriesResponse")


@_attrs_define
class TimeSeriesResponse:
    """A metric bucketed over time.

    Attributes:
        success (bool):
        buckets (list[TimeBucket]):
        operation (str | Unset):
        timestamp (float | Unset):
        metric_type (str | TelemetryMetricType | Unset): A metric type as sent by a server; values newer than this spec
            are kept as strings.
        aggregation (str | TelemetryAggregation | Unset): An aggregation as sent by a server; values newer than this
            spec are kept as strings.
        start_time (float | Unset):
        end_time (float | Unset):
        step (float | Unset):
    """

    success: bool
    buckets: list[TimeBucket]
    operation: str | Unset = UNSET
    timestamp: float | Unset = UNSET
    metric_type: str | TelemetryMetricType | Unset = UNSET
    aggregation: str | TelemetryAggregation | Unset = UNSET
    start_time: float | Unset = UNSET
    end_time: float | Unset = UNSET
    step: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        success = self.success

        buckets = []
        for buckets_item_data in self.buckets:
            buckets_item = buckets_item_data.to_dict()
            buckets.append(buckets_item)

        operation = self.operation

        timestamp = self.timestamp

        metric_type: str | Unset
        if isinstance(self.metric_type, Unset):
            metric_type = UNSET
        elif isinstance(self.metric_type, TelemetryMetricType):
            metric_type = self.metric_type.value
        else:
            metric_type = self.metric_type

        aggregation: str | Unset
        if isinstance(self.aggregation, Unset):
            aggregation = UNSET
        elif isinstance(self.aggregation, TelemetryAggregation):
            aggregation = self.aggregation.value
        else:
            aggregation = self.aggregation

        start_time = self.start_time

        end_time = self.end_time

        step = self.step

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "success": success,
                "buckets": buckets,
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
        if start_time is not UNSET:
            field_dict["start_time"] = start_time
        if end_time is not UNSET:
            field_dict["end_time"] = end_time
        if step is not UNSET:
            field_dict["step"] = step

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.time_bucket import TimeBucket

        d = dict(src_dict)
        success = d.pop("success")

        buckets = []
        _buckets = d.pop("buckets")
        for buckets_item_data in _buckets:
            buckets_item = TimeBucket.from_dict(buckets_item_data)

            buckets.append(buckets_item)

        operation = d.pop("operation", UNSET)

        timestamp = d.pop("timestamp", UNSET)

        def _parse_metric_type(data: object) -> str | TelemetryMetricType | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                componentsschemas_open_metric_type_type_0 = TelemetryMetricType(data)

                return componentsschemas_open_metric_type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(str | TelemetryMetricType | Unset, data)

        metric_type = _parse_metric_type(d.pop("metric_type", UNSET))

        def _parse_aggregation(data: object) -> str | TelemetryAggregation | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                componentsschemas_open_aggregation_type_0 = TelemetryAggregation(data)

                return componentsschemas_open_aggregation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(str | TelemetryAggregation | Unset, data)

        aggregation = _parse_aggregation(d.pop("aggregation", UNSET))

        start_time = d.pop("start_time", UNSET)

        end_time = d.pop("end_time", UNSET)

        step = d.pop("step", UNSET)

        time_series_response = cls(
            success=success,
            buckets=buckets,
            operation=operation,
            timestamp=timestamp,
            metric_type=metric_type,
            aggregation=aggregation,
            start_time=start_time,
            end_time=end_time,
            step=step,
        )

        time_series_response.additional_properties = d
        return time_series_response

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
