from enum import StrEnum


class BackendState(StrEnum):
    DEGRADED = "degraded"
    OFFLINE = "offline"
    ONLINE = "online"

    def __str__(self) -> str:
        return str(self.value)
