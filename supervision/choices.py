from django.db import models
from django.utils.translation import gettext_lazy as _


class OrdersTrend(models.TextChoices):
    UP = "up", _("Increasing")
    FLAT = "flat", _("Steady")
    DOWN = "down", _("Decreasing")


class Funding(models.TextChoices):
    EASY = "easy", _("Easy")
    NORMAL = "normal", _("Normal")
    TIGHT = "tight", _("Tight")


class Labour(models.TextChoices):
    AMPLE = "ample", _("Ample")
    NORMAL = "normal", _("Normal")
    SHORT = "short", _("Short")


class Difficulty(models.TextChoices):
    ORDERS = "orders", _("Not enough orders")
    COSTS = "costs", _("Rising costs")
    FINANCING = "financing", _("Financing is hard")
    RECRUITING = "recruiting", _("Hard to recruit")
    RECEIVABLES = "receivables", _("Late payments from customers")
    RAW_MATERIALS = "raw_materials", _("Raw material prices")
    POLICY = "policy", _("Policies and approvals")
    OTHER = "other", _("Other")


class Indicator(models.TextChoices):
    REVENUE = "revenue", _("Operating revenue")
    PROFIT = "profit", _("Total profit")
    TAX = "tax", _("Total tax paid")
    EXPORTS = "exports", _("Exports")
    EMPLOYEES = "employees", _("Number of employees")
    MISSED_REPORTS = "missed_reports", _("Missed reports in a row")
    UPHELD_COMPLAINTS = "upheld_complaints", _("Upheld complaints")
    AVERAGE_SCORE = "average_score", _("Average review score")


# The report figures a rule can compare over time.
REPORT_INDICATORS = [Indicator.REVENUE, Indicator.PROFIT, Indicator.TAX, Indicator.EXPORTS, Indicator.EMPLOYEES]
INSTITUTION_INDICATORS = [Indicator.UPHELD_COMPLAINTS, Indicator.AVERAGE_SCORE]


class Comparison(models.TextChoices):
    YOY = "yoy", _("Year on year")
    MOM = "mom", _("Month on month")
    QOQ = "qoq", _("Quarter on quarter")
    ABSOLUTE = "absolute", _("Absolute value")


class Level(models.TextChoices):
    BLUE = "blue", _("Blue")
    YELLOW = "yellow", _("Yellow")
    ORANGE = "orange", _("Orange")
    RED = "red", _("Red")


LEVEL_RANK = {Level.BLUE: 1, Level.YELLOW: 2, Level.ORANGE: 3, Level.RED: 4}


class Scope(models.TextChoices):
    ALL = "all", _("All")
    DISTRICT = "district", _("One district")
    INDUSTRY = "industry", _("One industry")


class WarningStatus(models.TextChoices):
    OPEN = "open", _("Pending")
    VERIFIED = "verified", _("Verified")
    CLOSED = "closed", _("Closed")
