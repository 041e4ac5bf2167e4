from enum import StrEnum


class Indicator(StrEnum):
    BORDER_CROSSING_OFFER = "border_crossing_offer"
    CASH_DISPLAY = "cash_display"
    CODED_LANGUAGE = "coded_language"
    DRUG_DISPLAY = "drug_display"
    GLORIFICATION = "glorification"
    GROUP_SYMBOLS = "group_symbols"
    JOB_ADVERTISEMENT = "job_advertisement"
    OFF_PLATFORM_CONTACT = "off_platform_contact"
    PAYMENT_OFFER = "payment_offer"
    TARGETS_MINORS = "targets_minors"
    THREAT_TO_OFFICIALS = "threat_to_officials"
    TRAINING_OFFER = "training_offer"
    TRAVEL_OFFER = "travel_offer"
    WEAPONS_DISPLAY = "weapons_display"

    def __str__(self) -> str:
        return str(self.value)
