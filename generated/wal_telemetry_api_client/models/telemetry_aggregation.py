from enum import StrEnum


class TelemetryAggregation(StrEnum):
    AVERAGE = "average"
    COUNT = "count"
    MAXIMUM = "maximum"
    MINIMUM = "minimum"
    PERCENTILE_95 = "percentile_95"
    PERCENTILE_99 = "percentile_99"
    RATE = "rate"
    SUM = "sum"

    def __str__(self) -> str:
        return str(self.value)
