"""SMTP: building one email from an outbox message and handing it to the server."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr


class DeliveryError(Exception):
    """The server did not take the message. `permanent` (a 5xx answer about the message or
    its recipient) means trying again cannot help; anything else is worth a retry."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class MailSettings:
    server: str | None
    port: int
    username: str | None
    password: str | None
    use_tls: bool
    use_ssl: bool
    sender: str
    timeout: float

    @classmethod
    def from_config(cls, config) -> MailSettings:
        return cls(
            server=config["MAIL_SERVER"],
            port=config["MAIL_PORT"],
            username=config["MAIL_USERNAME"],
            password=config["MAIL_PASSWORD"],
            use_tls=config["MAIL_USE_TLS"],
            use_ssl=config["MAIL_USE_SSL"],
            sender=config["MAIL_FROM"],
            timeout=config["MAIL_TIMEOUT"],
        )

    @property
    def configured(self) -> bool:
        return bool(self.server)

    @property
    def domain(self) -> str:
        _, address = parseaddr(self.sender)
        return address.rpartition("@")[2] or "tdkt.invalid"


def message_id(outbox_id: int, domain: str) -> str:
    return f"<outbox-{outbox_id}@{domain}>"


def build(
    settings: MailSettings,
    *,
    to_name: str,
    to_address: str,
    subject: str,
    text: str,
    html: str,
    header_message_id: str,
    created_at: datetime,
) -> EmailMessage:
    email = EmailMessage()
    email["From"] = settings.sender
    email["To"] = formataddr((to_name, to_address))
    email["Subject"] = subject
    # Fixed at creation, like the Message-ID: a resent copy is byte-for-byte the same email.
    email["Date"] = format_datetime(created_at)
    email["Message-ID"] = header_message_id
    # RFC 3834: no vacation auto-replies to a robot.
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(text)
    email.add_alternative(html, subtype="html")
    return email


def send(settings: MailSettings, email: EmailMessage) -> None:
    """One connection per message: simple, and a broken connection never poisons the next."""
    try:
        if settings.use_ssl:
            client = smtplib.SMTP_SSL(
                settings.server, settings.port, timeout=settings.timeout,
                context=ssl.create_default_context(),
            )
        else:
            client = smtplib.SMTP(settings.server, settings.port, timeout=settings.timeout)
        with client:
            if settings.use_tls and not settings.use_ssl:
                client.starttls(context=ssl.create_default_context())
            if settings.username:
                client.login(settings.username, settings.password or "")
            client.send_message(email)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        raise DeliveryError(f"recipient refused: {exc.recipients}", all(c >= 500 for c in codes)) from exc
    except smtplib.SMTPDataError as exc:
        raise DeliveryError(f"{exc.smtp_code} {exc.smtp_error!r}", exc.smtp_code >= 500) from exc
    except (smtplib.SMTPException, OSError) as exc:
        # Connection refused, timeouts, TLS, login or a refused sender: the server or our
        # settings, not this message; it will go once they are fixed.
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
