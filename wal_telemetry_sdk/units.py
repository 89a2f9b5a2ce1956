"""One unit per metric type, as `openapi.yaml` declares it (`x-unit`), and how people see it.

Every result the SDK hands out is in `unit`; servers send `sent_in`, and `_conversion` turns
one into the other (the only place that does). Rates are fractions of 1 in results and alert
rules, and percentages wherever a person reads them (tables, charts, reports).
"""

import math

import attrs

__all__ = ["UNITS", "Unit", "axis_label", "formatted", "shown", "unit_of"]


@attrs.frozen
class Unit:
    """A metric type's unit: its symbol in results, the server's, and how a person reads it."""

    symbol: str
    sent_in: str
    label: str
    factor: float = 1.0  # results = sent * factor
    percent: bool = False  # a fraction of 1, shown as a percentage
    whole: bool = False  # a count, shown as an integer

    @property
    def shown_symbol(self) -> str:
        """The symbol a person reads next to a value: "%" for rates."""
        return "%" if self.percent else self.symbol


UNITS: dict[str, Unit] = {
    "operation_count": Unit("operations", "operations", "operations per interval", whole=True),
    "operation_latency": Unit("ms", "s", "latency", factor=1000.0),
    "success_rate": Unit("ratio", "ratio", "success rate", percent=True),
    "error_rate": Unit("ratio", "ratio", "error rate", percent=True),
    "backend_health": Unit("health", "health", "health (1 online, 0.5 degraded, 0 offline)"),
    "throughput": Unit("ops/s", "ops/s", "throughput"),
    "queue_size": Unit("operations", "operations", "operations in queue", whole=True),
    "retry_count": Unit("retries", "retries", "retries per interval", whole=True),
}


def unit_of(metric_type: object) -> Unit | None:
    """The unit of a metric type (an enum member or its value); None for one this SDK does not
    know (a newer server's), whose numbers are handed on as sent."""
    return UNITS.get(str(getattr(metric_type, "value", metric_type)))


def shown(metric_type: object, value: float) -> float:
    """A value as a person reads it: rates as percentages, everything else as it is."""
    unit = unit_of(metric_type)
    return value * 100.0 if unit is not None and unit.percent else value


def axis_label(metric_type: object) -> str:
    """A chart axis or column header naming the unit people read, e.g. "latency (ms)"."""
    unit = unit_of(metric_type)
    if unit is None:
        return str(getattr(metric_type, "value", metric_type))
    if unit.label.endswith(")") or unit.shown_symbol in unit.label:
        return unit.label
    return f"{unit.label} ({unit.shown_symbol})"


def formatted(metric_type: object, value: float | None, digits: int = 2) -> str:
    """A value for a person, with its unit: "45.20 ms", "99.50%", "1,204 operations"; "-" when
    unknown."""
    if value is None or math.isnan(value):
        return "-"
    unit = unit_of(metric_type)
    if unit is None:
        return f"{value:,.{digits}f}"
    if unit.percent:
        return f"{value * 100:,.{digits}f}%"
    if unit.whole and float(value).is_integer():
        return f"{value:,.0f} {unit.symbol}"
    return f"{value:,.{digits}f} {unit.symbol}"
