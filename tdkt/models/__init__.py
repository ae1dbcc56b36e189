"""Typed SQLAlchemy 2 models; they know nothing of the web."""

from .audit import GENESIS_HASH, AuditChainHead, AuditCheckpoint, AuditEvent
from .base import Base, db, utcnow
from .calendar import CalendarOverride
from .campaign import (
    AwardForm,
    Campaign,
    CampaignRound,
    ChainLevel,
    EligibilityCriterion,
    NominationAttestation,
    Pool,
    PoolCategory,
    PublicNotice,
    RuleVersion,
)
from .nomination import (
    CouncilMeeting,
    CouncilVote,
    Decision,
    IssuedNumber,
    Nomination,
    NumberSeries,
    Submission,
)
from .org import ApiToken, RoleAssignment, Unit, User
from .outbox import Notification, NotificationSetting, OutboxMessage

__all__ = [
    "ApiToken",
    "AuditChainHead",
    "AuditCheckpoint",
    "AuditEvent",
    "GENESIS_HASH",
    "AwardForm",
    "Base",
    "CalendarOverride",
    "Campaign",
    "CampaignRound",
    "ChainLevel",
    "CouncilMeeting",
    "CouncilVote",
    "Decision",
    "EligibilityCriterion",
    "IssuedNumber",
    "Nomination",
    "NominationAttestation",
    "Notification",
    "NotificationSetting",
    "NumberSeries",
    "OutboxMessage",
    "Pool",
    "PoolCategory",
    "PublicNotice",
    "RoleAssignment",
    "RuleVersion",
    "Submission",
    "Unit",
    "User",
    "db",
    "utcnow",
]
