from enum import StrEnum


class ReportState(StrEnum):
    COMPLETE = "complete"
    FAILED = "failed"
    PENDING = "pending"
    RUNNING = "running"

    def __str__(self) -> str:
        return str(self.value)
