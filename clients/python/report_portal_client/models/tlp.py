from enum import StrEnum


class Tlp(StrEnum):
    AMBER = "amber"
    AMBERSTRICT = "amber+strict"
    CLEAR = "clear"
    GREEN = "green"
    RED = "red"

    def __str__(self) -> str:
        return str(self.value)
