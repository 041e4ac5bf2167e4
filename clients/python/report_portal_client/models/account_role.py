from enum import StrEnum


class AccountRole(StrEnum):
    CONTACT_POINT = "contact_point"
    OTHER = "other"
    PROMOTER = "promoter"
    RECRUITER = "recruiter"

    def __str__(self) -> str:
        return str(self.value)
