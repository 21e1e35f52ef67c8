"""The weekly scorecard as an HTML email: the same table as the page, its trend charts as PNG images inline
(mail clients do not show SVG), and a plain-text part that says the same in words."""

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string

from program.constants import EXECUTIVE_GROUP

from .selectors.scorecard import TREND_WEEKS, Scorecard, weekly_scorecard


class HtmlEmailWithImages(EmailMultiAlternatives):
    """An HTML email whose images travel inside it (multipart/related, referenced as cid:...)."""

    def __init__(self, *args, images: dict[str, bytes], **kwargs):
        super().__init__(*args, **kwargs)
        self.images = images

    def message(self, **kwargs):
        message = super().message(**kwargs)
        html = message.get_body(preferencelist=("html",))
        for content_id, png in self.images.items():
            html.add_related(
                png,
                maintype="image",
                subtype="png",
                cid=f"<{content_id}>",
                disposition="inline",
                filename=f"{content_id}.png",
            )
        return message


def scorecard_recipients() -> list[str]:
    """Active members of the Executive group with an email address."""
    return sorted(
        set(
            User.objects.filter(is_active=True, groups__name=EXECUTIVE_GROUP)
            .exclude(Q(email="") | Q(email__isnull=True))
            .values_list("email", flat=True)
        )
    )


def scorecard_message(scorecard: Scorecard, *, recipients: list[str]) -> EmailMultiAlternatives:
    """The email: subject with the counts of red and amber services, text and HTML bodies, PNG trends inline."""
    counts = scorecard.counts
    subject = (
        f"Readiness scorecard, week ending {scorecard.week_ending:%d %b %Y}: "
        f"{counts.get('red', 0)} below target, {counts.get('amber', 0)} near target"
    )
    context = {"scorecard": scorecard, "trend_weeks": TREND_WEEKS, "site_url": getattr(settings, "SITE_URL", "")}
    message = HtmlEmailWithImages(
        subject=subject,
        body=render_to_string("pages/email/scorecard.txt", context),
        to=recipients,
        images={f"trend-{score.service.slug}": score.sparkline().png(scale=2) for score in scorecard.services},
    )
    message.attach_alternative(render_to_string("pages/email/scorecard.html", context), "text/html")
    return message


def scorecard_email_send() -> int:
    """Build this week's scorecard and mail it to the executives; returns the number of recipients."""
    recipients = scorecard_recipients()
    if not recipients:
        return 0
    scorecard_message(weekly_scorecard(), recipients=recipients).send()
    return len(recipients)
