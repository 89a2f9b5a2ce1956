from enum import StrEnum


class TelemetryMetricType(StrEnum):
    BACKEND_HEALTH = "backend_health"
    ERROR_RATE = "error_rate"
    OPERATION_COUNT = "operation_count"
    OPERATION_LATENCY = "operation_latency"
    QUEUE_SIZE = "queue_size"
    RETRY_COUNT = "retry_count"
    SUCCESS_RATE = "success_rate"
    THROUGHPUT = "throughput"

    def __str__(self) -> str:
        return str(self.value)
