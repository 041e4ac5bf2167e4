from enum import StrEnum


class Category(StrEnum):
    DRUG_TRAFFICKING = "drug_trafficking"
    EXTORTION = "extortion"
    HUMAN_TRAFFICKING = "human_trafficking"
    MONEY_LAUNDERING = "money_laundering"
    OTHER = "other"
    RECRUITMENT = "recruitment"
    SMUGGLING_SOLICITATION = "smuggling_solicitation"
    THREAT = "threat"
    VIOLENT_CONTENT = "violent_content"
    WEAPONS_TRAFFICKING = "weapons_trafficking"

    def __str__(self) -> str:
        return str(self.value)
