"""兑付材料: the redemption pack of a reimbursement, a PDF written on the server.

It gathers what the window needs to pay and archive the claim: the order, its
timeline, the acceptance, both sides' reviews, the invoice (shown when it is an image,
embedded as a PDF attachment always) and the voucher. WeasyPrint renders the HTML;
its URL fetcher is limited to data: URIs so a pack never reaches out to the network.
"""

import base64
import hashlib

from django.template.loader import render_to_string
from django.utils import timezone, translation

from orders.models import OrderEvent
from reviews.models import Review

from .models import Reimbursement

_IMAGE_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def _data_urls_only(url, *args, **kwargs):
    import weasyprint

    if url.startswith("data:"):
        return weasyprint.default_url_fetcher(url, *args, **kwargs)
    raise ValueError("the redemption pack loads nothing from outside")


def pack_context(reimbursement: Reimbursement) -> dict:
    order = reimbursement.order
    logs = list(order.logs.select_related("actor").order_by("created_at", "pk"))
    acceptance = next(
        (log for log in reversed(logs) if log.event in (OrderEvent.CHECKED, OrderEvent.AUTO_CHECKED)), None
    )
    with reimbursement.invoice.open("rb") as invoice_file:
        invoice_bytes = invoice_file.read()
    extension = reimbursement.invoice.name.rsplit(".", 1)[-1].lower()
    image_type = _IMAGE_TYPES.get(extension)
    return {
        "r": reimbursement,
        "order": order,
        "voucher": reimbursement.voucher,
        "logs": logs,
        "acceptance": acceptance,
        "reviews": list(Review.objects.filter(order=order).select_related("author_organisation").order_by("pk")),
        "invoice_image": (
            f"data:{image_type};base64,{base64.b64encode(invoice_bytes).decode()}" if image_type else None
        ),
        "invoice_sha256": hashlib.sha256(invoice_bytes).hexdigest(),
        "invoice_bytes": invoice_bytes,
        "generated_at": timezone.localtime(),
    }


def render_pack(reimbursement: Reimbursement) -> bytes:
    """The pack as PDF bytes, in Chinese (the archive's language) whatever the viewer's."""
    import weasyprint  # imported here: loading Pango takes a moment and most requests never need it

    with translation.override("zh-hans"):
        context = pack_context(reimbursement)
        html = render_to_string("reimbursements/pack.html", context)
    attachment = weasyprint.Attachment(
        string=context["invoice_bytes"], name=reimbursement.invoice_name, description="发票 / invoice"
    )
    return weasyprint.HTML(string=html, url_fetcher=_data_urls_only).write_pdf(attachments=[attachment])
