from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.backend_health_map import BackendHealthMap
    from ..models.latency_by_key import LatencyByKey
    from ..models.latency_summary import LatencySummary
    from ..models.rate_by_key import RateByKey
    from ..models.value_summary import ValueSummary


T = TypeVar("T", bound="RealtimeMetrics")


@_attrs_define
class RealtimeMetrics:
    """The latest real-time metrics.

    Attributes:
        success (bool):
        operation (str | Unset):
        timestamp (float | Unset):
        window_seconds (float | Unset): Length of the recent window the summary covers.
        latency (LatencyByKey | Unset): Latency statistics keyed `"operation:backend"`.
        success_rate (RateByKey | Unset | ValueSummary): An overall value with its per-key values (reference server) or
            only the per-key map (upstream).
        error_rate (RateByKey | Unset | ValueSummary): An overall value with its per-key values (reference server) or
            only the per-key map (upstream).
        throughput (RateByKey | Unset | ValueSummary): An overall value with its per-key values (reference server) or
            only the per-key map (upstream).
        status_distribution (RateByKey | Unset): A number per `"operation:backend"` key.
        operation_latency (LatencySummary | Unset): Overall latency of recent operations, in milliseconds.
        operation_count (ValueSummary | Unset): One overall value, with the values per `"operation:backend"` key it came
            from.
        queue_size (ValueSummary | Unset): One overall value, with the values per `"operation:backend"` key it came
            from.
        retry_count (ValueSummary | Unset): One overall value, with the values per `"operation:backend"` key it came
            from.
        backend_health (BackendHealthMap | Unset): Health per backend.
        error (str | Unset):
    """

    success: bool
    operation: str | Unset = UNSET
    timestamp: float | Unset = UNSET
    window_seconds: float | Unset = UNSET
    latency: LatencyByKey | Unset = UNSET
    success_rate: RateByKey | Unset | ValueSummary = UNSET
    error_rate: RateByKey | Unset | ValueSummary = UNSET
    throughput: RateByKey | Unset | ValueSummary = UNSET
    status_distribution: RateByKey | Unset = UNSET
    operation_latency: LatencySummary | Unset = UNSET
    operation_count: ValueSummary | Unset = UNSET
    queue_size: ValueSummary | Unset = UNSET
    retry_count: ValueSummary | Unset = UNSET
    backend_health: BackendHealthMap | Unset = UNSET
    error: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.value_summary import ValueSummary

        success = self.success

        operation = self.operation

        timestamp = self.timestamp

        window_seconds = self.window_seconds

        latency: dict[str, Any] | Unset = UNSET
        if not isinstance(self.latency, Unset):
            latency = self.latency.to_dict()

        success_rate: dict[str, Any] | Unset
        if isinstance(self.success_rate, Unset):
            success_rate = UNSET
        elif isinstance(self.success_rate, ValueSummary):
            success_rate = self.success_rate.to_dict()
        else:
            success_rate = self.success_rate.to_dict()

        error_rate: dict[str, Any] | Unset
        if isinstance(self.error_rate, Unset):
            error_rate = UNSET
        elif isinstance(self.error_rate, ValueSummary):
            error_rate = self.error_rate.to_dict()
        else:
            error_rate = self.error_rate.to_dict()

        throughput: dict[str, Any] | Unset
        if isinstance(self.throughput, Unset):
            throughput = UNSET
        elif isinstance(self.throughput, ValueSummary):
            throughput = self.throughput.to_dict()
        else:
            throughput = self.throughput.to_dict()

        status_distribution: dict[str, Any] | Unset = UNSET
        if not isinstance(self.status_distribution, Unset):
            status_distribution = self.status_distribution.to_dict()

        operation_latency: dict[str, Any] | Unset = UNSET
        if not isinstance(self.operation_latency, Unset):
            operation_latency = self.operation_latency.to_dict()

        operation_count: dict[str, Any] | Unset = UNSET
        if not isinstance(self.operation_count, Unset):
            operation_count = self.operation_count.to_dict()

        queue_size: dict[str, Any] | Unset = UNSET
        if not isinstance(self.queue_size, Unset):
            queue_size = self.queue_size.to_dict()

        retry_count: dict[str, Any] | Unset = UNSET
        if not isinstance(self.retry_count, Unset):
            retry_count = self.retry_count.to_dict()

        backend_health: dict[str, Any] | Unset = UNSET
        if not isinstance(self.backend_health, Unset):
            backend_health = self.backend_health.to_dict()

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
        if window_seconds is not UNSET:
            field_dict["window_seconds"] = window_seconds
        if latency is not UNSET:
            field_dict["latency"] = latency
        if success_rate is not UNSET:
            field_dict["success_rate"] = success_rate
        if error_rate is not UNSET:
            field_dict["error_rate"] = error_rate
        if throughput is not UNSET:
            field_dict["throughput"] = throughput
        if status_distribution is not UNSET:
            field_dict["status_distribution"] = status_distribution
        if operation_latency is not UNSET:
            field_dict["operation_latency"] = operation_latency
        if operation_count is not UNSET:
            field_dict["operation_count"] = operation_count
        if queue_size is not UNSET:
            field_dict["queue_size"] = queue_size
        if retry_count is not UNSET:
            field_dict["retry_count"] = retry_count
        if backend_health is not UNSET:
            field_dict["backend_health"] = backend_health
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.backend_health_map import BackendHealthMap
        from ..models.latency_by_key import LatencyByKey
        from ..models.latency_summary import LatencySummary
        from ..models.rate_by_key import RateByKey
        from ..models.value_summary import ValueSummary

        d = dict(src_dict)
        success = d.pop("success")

        operation = d.pop("operation", UNSET)

        timestamp = d.pop("timestamp", UNSET)

        window_seconds = d.pop("window_seconds", UNSET)

        _latency = d.pop("latency", UNSET)
        latency: LatencyByKey | Unset
        if isinstance(_latency, Unset):
            latency = UNSET
        else:
            latency = LatencyByKey.from_dict(_latency)

        def _parse_success_rate(data: object) -> RateByKey | Unset | ValueSummary:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_rate_field_type_0 = ValueSummary.from_dict(data)

                return componentsschemas_rate_field_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_rate_field_type_1 = RateByKey.from_dict(data)

            return componentsschemas_rate_field_type_1

        success_rate = _parse_success_rate(d.pop("success_rate", UNSET))

        def _parse_error_rate(data: object) -> RateByKey | Unset | ValueSummary:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_rate_field_type_0 = ValueSummary.from_dict(data)

                return componentsschemas_rate_field_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_rate_field_type_1 = RateByKey.from_dict(data)

            return componentsschemas_rate_field_type_1

        error_rate = _parse_error_rate(d.pop("error_rate", UNSET))

        def _parse_throughput(data: object) -> RateByKey | Unset | ValueSummary:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_rate_field_type_0 = ValueSummary.from_dict(data)

                return componentsschemas_rate_field_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_rate_field_type_1 = RateByKey.from_dict(data)

            return componentsschemas_rate_field_type_1

        throughput = _parse_throughput(d.pop("throughput", UNSET))

        _status_distribution = d.pop("status_distribution", UNSET)
        status_distribution: RateByKey | Unset
        if isinstance(_status_distribution, Unset):
            status_distribution = UNSET
        else:
            status_distribution = RateByKey.from_dict(_status_distribution)

        _operation_latency = d.pop("operation_latency", UNSET)
        operation_latency: LatencySummary | Unset
        if isinstance(_operation_latency, Unset):
            operation_latency = UNSET
        else:
            operation_latency = LatencySummary.from_dict(_operation_latency)

        _operation_count = d.pop("operation_count", UNSET)
        operation_count: ValueSummary | Unset
        if isinstance(_operation_count, Unset):
            operation_count = UNSET
        else:
            operation_count = ValueSummary.from_dict(_operation_count)

        _queue_size = d.pop("queue_size", UNSET)
        queue_size: ValueSummary | Unset
        if isinstance(_queue_size, Unset):
            queue_size = UNSET
        else:
            queue_size = ValueSummary.from_dict(_queue_size)

        _retry_count = d.pop("retry_count", UNSET)
        retry_count: ValueSummary | Unset
        if isinstance(_retry_count, Unset):
            retry_count = UNSET
        else:
            retry_count = ValueSummary.from_dict(_retry_count)

        _backend_health = d.pop("backend_health", UNSET)
        backend_health: BackendHealthMap | Unset
        if isinstance(_backend_health, Unset):
            backend_health = UNSET
        else:
            backend_health = BackendHealthMap.from_dict(_backend_health)

        error = d.pop("error", UNSET)

        realtime_metrics = cls(
            success=success,
            operation=operation,
            timestamp=timestamp,
            window_seconds=window_seconds,
            latency=latency,
            success_rate=success_rate,
            error_rate=error_rate,
            throughput=throughput,
            status_distribution=status_distribution,
            operation_latency=operation_latency,
            operation_count=operation_count,
            queue_size=queue_size,
            retry_count=retry_count,
            backend_health=backend_health,
            error=error,
        )

        realtime_metrics.additional_properties = d
        return realtime_metrics

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
