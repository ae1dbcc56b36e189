"""The council secretary's page for the public notice a campaign requires: the nominations before
its council with when each was posted, and the form recording a new posting (workflow.public_notice)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from ...forms.base import body_of, show_error
from ...forms.public_notice import PublicNoticeForm
from ...models import Campaign
from ...workflow import public_notice
from . import actor, bp
from .saving import attempt


def _page(campaign: Campaign, form: PublicNoticeForm, message: str | None = None, status: int = 200):
    rows = [(n, public_notice.status(n)) for n in public_notice.publishable(actor(), campaign)]
    return render_template("campaigns/public_notice.html", c=campaign, rows=rows, form=form, message=message), status


@bp.get("/campaigns/<int:campaign_id>/public-notice")
def campaign_public_notice(campaign_id: int):
    campaign = public_notice.secretary_campaign(actor(), campaign_id)
    return _page(campaign, PublicNoticeForm(formdata=None))


@bp.post("/campaigns/<int:campaign_id>/public-notice")
def campaign_public_notice_post(campaign_id: int):
    campaign = public_notice.secretary_campaign(actor(), campaign_id)
    form = PublicNoticeForm()
    if not form.validate():
        return _page(campaign, form, status=422)
    body = {public_notice.NOMINATION_IDS: form.nomination_ids.data or []} | body_of(form, public_notice.NOTICE_FIELDS)
    notice, refused = attempt(lambda: public_notice.publish(actor(), campaign.id, body))
    if refused:
        campaign = public_notice.secretary_campaign(actor(), campaign_id)
        return _page(campaign, form, message=show_error(form, refused), status=refused.status)
    flash(f"Đã ghi danh sách công khai ngày {notice.published_on:%d/%m/%Y} gồm {len(notice.nominations)} hồ sơ.", "success")
    return redirect(url_for("pages.campaign_public_notice", campaign_id=campaign.id))
