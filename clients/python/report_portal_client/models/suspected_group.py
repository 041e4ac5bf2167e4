from enum import StrEnum


class SuspectedGroup(StrEnum):
    BARRIO_18 = "barrio_18"
    BELTRAN_LEYVA = "beltran_leyva"
    CARTELES_UNIDOS = "carteles_unidos"
    CDN_ZETAS = "cdn_zetas"
    CJNG = "cjng"
    FAMILIA_MICHOACANA = "familia_michoacana"
    GUERREROS_UNIDOS = "guerreros_unidos"
    GULF = "gulf"
    JUAREZ = "juarez"
    LA_LINEA = "la_linea"
    MS13 = "ms13"
    OTHER = "other"
    SINALOA = "sinaloa"
    TIJUANA = "tijuana"
    TREN_DE_ARAGUA = "tren_de_aragua"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return str(self.value)
