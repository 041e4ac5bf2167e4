from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    ANALYST = "analyst"
    AUDITOR = "auditor"
    PARTNER = "partner"
    REPORTER = "reporter"
    SUPERVISOR = "supervisor"

    def __str__(self) -> str:
        return str(self.value)
