from enum import StrEnum


class OrganizationStatus(StrEnum):
    PENDING = "pending"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    VETTED = "vetted"

    def __str__(self) -> str:
        return str(self.value)
