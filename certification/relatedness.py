"""Related parties: do two organisations look like two faces of one business?

Compared on their certified profiles and accounts. The 服务券 rules use it twice: a
programme may refuse a voucher on an order with a related institution (vouchers), and
a 兑付申请 between related parties is flagged for review (reimbursements).
"""

import re

from accounts.models import User

from .selectors import approved_application

# Free mail providers: sharing one says nothing about who owns the two businesses.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "qq.com",
        "163.com",
        "126.com",
        "sina.com",
        "sina.cn",
        "sohu.com",
        "foxmail.com",
        "gmail.com",
        "outlook.com",
        "hotmail.com",
        "yeah.net",
        "139.com",
        "189.cn",
        "aliyun.com",
        "icloud.com",
        "example.com",
    }
)

# What two organisations can share, in the order the checks run.
CREDIT_CODE = "credit_code"
LEGAL_REPRESENTATIVE = "legal_representative"
PHONE = "phone"
ADDRESS = "address"
EMAIL_DOMAIN = "email_domain"


def _normalised(text: str) -> str:
    return re.sub(r"[\s\-－]+", "", text or "").upper()


def _same(ours: str, theirs: str) -> bool:
    """Equal once spaces, hyphens and case are ignored, and not empty."""
    return bool(_normalised(ours)) and _normalised(ours) == _normalised(theirs)


def _entity_code(application) -> str:
    """The 主体标识码: characters 9–17 of the 统一社会信用代码, which are the old
    organisation code. A business keeps it when it re-registers, so two credit codes
    that share it (or one organisation code) name one legal entity."""
    if application is None:
        return ""
    credit_code = _normalised(application.credit_code)
    if len(credit_code) == 18:
        return credit_code[8:17]
    return _normalised(application.org_code)[:9]


def _phones(organisation, application) -> set[str]:
    numbers = {organisation.mobile}
    if application is not None:
        numbers |= {application.mobile, application.landline}
    digits = {re.sub(r"\D", "", n) for n in numbers if n}
    return {d for d in digits if len(d) >= 7}


def _mail_domains(organisation, application) -> set[str]:
    addresses = {organisation.email}
    if application is not None:
        addresses.add(application.email)
    addresses |= set(User.objects.filter(organisation=organisation).values_list("email", flat=True))
    domains = {a.rsplit("@", 1)[1].lower() for a in addresses if a and "@" in a}
    return domains - PUBLIC_MAIL_DOMAINS


def shared_identity(first, second, *, mail_domains: bool = True) -> list[str]:
    """What the two organisations share (codes above, empty when nothing)."""
    ours, theirs = approved_application(first), approved_application(second)
    both = ours is not None and theirs is not None
    shared = []
    if both and _entity_code(ours) and _entity_code(ours) == _entity_code(theirs):
        shared.append(CREDIT_CODE)
    if both and _same(ours.legal_representative, theirs.legal_representative):
        shared.append(LEGAL_REPRESENTATIVE)
    if _phones(first, ours) & _phones(second, theirs):
        shared.append(PHONE)
    if both and _same(ours.registered_address, theirs.registered_address):
        shared.append(ADDRESS)
    if mail_domains and _mail_domains(first, ours) & _mail_domains(second, theirs):
        shared.append(EMAIL_DOMAIN)
    return shared
