from enum import StrEnum


class UserChangesRoleType1(StrEnum):
    ADMIN = "admin"
    ANALYST = "analyst"
    AUDITOR = "auditor"
    SUPERVISOR = "supervisor"

    def __str__(self) -> str:
        return str(self.value)
