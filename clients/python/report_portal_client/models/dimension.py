from enum import StrEnum


class Dimension(StrEnum):
    CATEGORY = "category"
    COUNTRY = "country"
    GROUP = "group"
    INDICATOR = "indicator"
    ORGANIZATION = "organization"
    SERVICE = "service"
    SEVERITY = "severity"
    STATUS = "status"

    def __str__(self) -> str:
        return str(self.value)
