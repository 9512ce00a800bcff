"""English as the ITU secretariat in Geneva writes it: day, month, year, a 24-hour clock.

Django's "en" is American ("Dec. 5, 2026, 2:05 p.m.", 12/05/2026 typed as
5 December): the admin showed dates so, and read a typed 05/12/2026 as May.
"""

DATE_FORMAT = "j F Y"  # 5 December 2026
DATETIME_FORMAT = "j F Y, H:i"  # 5 December 2026, 14:05
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"  # 5 Dec 2026
SHORT_DATETIME_FORMAT = "j M Y, H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

# ISO first: the admin's date boxes show and its calendar writes this one.
# Then day before month, never month before day.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-12-05
    "%d/%m/%Y",  # 05/12/2026
    "%d.%m.%Y",  # 05.12.2026
    "%d %B %Y",  # 5 December 2026
    "%d %b %Y",  # 5 Dec 2026
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M:%S.%f", "%H:%M"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
