from django.db import models
from django.utils.translation import gettext_lazy as _


class Industry(models.TextChoices):
    """GB/T 4754-2017 国民经济行业分类, 门类 (sections A–T)."""

    A = "A", _("A Agriculture, forestry, animal husbandry and fishery")
    B = "B", _("B Mining")
    C = "C", _("C Manufacturing")
    D = "D", _("D Electricity, heat, gas and water production and supply")
    E = "E", _("E Construction")
    F = "F", _("F Wholesale and retail trade")
    G = "G", _("G Transport, storage and postal services")
    H = "H", _("H Accommodation and catering")
    I = "I", _("I Information transmission, software and IT services")  # noqa: E741
    J = "J", _("J Finance")
    K = "K", _("K Real estate")
    L = "L", _("L Leasing and business services")
    M = "M", _("M Scientific research and technical services")
    N = "N", _("N Water conservancy, environment and public facilities management")
    O = "O", _("O Resident services, repair and other services")  # noqa: E741
    P = "P", _("P Education")
    Q = "Q", _("Q Health and social work")
    R = "R", _("R Culture, sports and entertainment")
    S = "S", _("S Public administration, social security and social organisations")
    T = "T", _("T International organisations")


class EnterpriseType(models.TextChoices):
    LIMITED = "limited", _("Limited liability company")
    JOINT_STOCK = "joint_stock", _("Joint-stock company")
    SOLE = "sole", _("Sole proprietorship")
    PARTNERSHIP = "partnership", _("Partnership")
    INDIVIDUAL = "individual", _("Individual business")
    COOPERATIVE = "cooperative", _("Farmers' professional cooperative")
    STATE = "state", _("State-owned enterprise")
    COLLECTIVE = "collective", _("Collective enterprise")
    FOREIGN = "foreign", _("Foreign-invested enterprise")
    OTHER = "other", _("Other")


class InstitutionType(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise legal person")
    PUBLIC = "public", _("Public institution")
    SOCIAL = "social", _("Social organisation")
    NON_ENTERPRISE = "non_enterprise", _("Private non-enterprise unit")
    LAW_FIRM = "law_firm", _("Law firm")
    ACCOUNTING_FIRM = "accounting_firm", _("Accounting firm")
    OTHER = "other", _("Other")


class Scale(models.TextChoices):
    """企业规模 per the 2011 SME classification (工信部联企业〔2011〕300号)."""

    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Pending review")
    APPROVED = "approved", _("Certified")
    RETURNED = "returned", _("Returned for changes")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Replaced by a newer certification")


OPEN_STATUSES = [ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED]
EDITABLE_STATUSES = [ApplicationStatus.DRAFT, ApplicationStatus.RETURNED]
