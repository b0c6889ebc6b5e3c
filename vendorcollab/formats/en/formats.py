"""English as the portal's users read it: dates day first and a 24-hour clock (Django's en-GB conventions).

Django's own "en" is American (12/06/2026 is 6 December there, 12 June for a Dutch or Belgian company). Settings
loads this module through FORMAT_MODULE_PATH unless ENGLISH_DATE_STYLE=us. Dutch keeps Django's nl formats.
"""

DATE_FORMAT = "j M Y"  # 6 Dec 2026
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j M Y, H:i"  # 6 Dec 2026, 14:30
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "j F"  # 6 December
SHORT_DATE_FORMAT = "d/m/Y"  # 06/12/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 06/12/2026 14:30
FIRST_DAY_OF_WEEK = 1  # Monday

# A date typed as text parses in the convention it is shown in (never month first); Django adds ISO 8601 itself,
# which is what the browser's date picker sends.
DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # 06/12/2026
    "%d/%m/%y",  # 06/12/26
]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",  # 06/12/2026 14:30:59
    "%d/%m/%Y %H:%M",  # 06/12/2026 14:30
    "%d/%m/%y %H:%M",  # 06/12/26 14:30
]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
