from enum import StrEnum


class PlatformAction(StrEnum):
    BANNED = "banned"
    CONTENT_REMOVED = "content_removed"
    NONE = "none"
    PRESERVED = "preserved"
    RESTRICTED = "restricted"
    SUSPENDED = "suspended"

    def __str__(self) -> str:
        return str(self.value)
