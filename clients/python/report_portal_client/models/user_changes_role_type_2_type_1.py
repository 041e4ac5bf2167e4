from enum import StrEnum


class UserChangesRoleType2Type1(StrEnum):
    ADMIN = "admin"
    ANALYST = "analyst"
    AUDITOR = "auditor"
    SUPERVISOR = "supervisor"

    def __str__(self) -> str:
        return str(self.value)
