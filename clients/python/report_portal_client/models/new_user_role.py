from enum import StrEnum


class NewUserRole(StrEnum):
    ADMIN = "admin"
    ANALYST = "analyst"
    AUDITOR = "auditor"
    SUPERVISOR = "supervisor"

    def __str__(self) -> str:
        return str(self.value)
