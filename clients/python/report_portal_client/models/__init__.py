"""Contains all the data models used in inputs/outputs"""

from .access_token import AccessToken
from .account import Account
from .account_role import AccountRole
from .amendment import Amendment
from .amendment_receipt import AmendmentReceipt
from .assignment_request import AssignmentRequest
from .audit_event import AuditEvent
from .batch_request import BatchRequest
from .batch_result import BatchResult
from .batch_results import BatchResults
from .batch_verdict import BatchVerdict
from .batch_verdicts import BatchVerdicts
from .breakdown import Breakdown
from .breakdown_format import BreakdownFormat
from .category import Category
from .cell import Cell
from .collection import Collection
from .common_value import CommonValue
from .contact_handle import ContactHandle
from .contact_type import ContactType
from .content_item import ContentItem
from .content_type import ContentType
from .credential import Credential
from .credential_mode import CredentialMode
from .delivery import Delivery
from .delivery_status import DeliveryStatus
from .detection_method import DetectionMethod
from .dimension import Dimension
from .endpoint import Endpoint
from .endpoint_status import EndpointStatus
from .enrollment_request import EnrollmentRequest
from .event import Event
from .event_data import EventData
from .event_type import EventType
from .evidence import Evidence
from .evidence_upload import EvidenceUpload
from .export_format import ExportFormat
from .feedback import Feedback
from .feedback_reason import FeedbackReason
from .feedback_summary import FeedbackSummary
from .field_error import FieldError
from .grant_request import GrantRequest
from .health import Health
from .indicator import Indicator
from .indicator_hit import IndicatorHit
from .indicator_kind import IndicatorKind
from .indicator_match import IndicatorMatch
from .interval import Interval
from .interval_count import IntervalCount
from .issued_credential import IssuedCredential
from .issued_partner import IssuedPartner
from .jwk import Jwk
from .jwks import Jwks
from .key_count import KeyCount
from .legal_hold import LegalHold
from .location import Location
from .login_request import LoginRequest
from .logout_request import LogoutRequest
from .match_kind import MatchKind
from .me import Me
from .new_amendment import NewAmendment
from .new_collection import NewCollection
from .new_credential import NewCredential
from .new_endpoint import NewEndpoint
from .new_endpoint_for import NewEndpointFor
from .new_organization import NewOrganization
from .new_partner import NewPartner
from .new_report import NewReport
from .new_user import NewUser
from .new_user_role import NewUserRole
from .note import Note
from .note_request import NoteRequest
from .notification import Notification
from .notification_kind import NotificationKind
from .notification_status import NotificationStatus
from .o_auth_error import OAuthError
from .oidc_sign_in import OidcSignIn
from .organization import Organization
from .organization_detail import OrganizationDetail
from .organization_status import OrganizationStatus
from .outbox_depth import OutboxDepth
from .outcome import Outcome
from .paginated_audit_event import PaginatedAuditEvent
from .paginated_audit_event_items_item import PaginatedAuditEventItemsItem
from .paginated_delivery import PaginatedDelivery
from .paginated_delivery_items_item import PaginatedDeliveryItemsItem
from .paginated_event import PaginatedEvent
from .paginated_event_items_item import PaginatedEventItemsItem
from .paginated_event_items_item_data import PaginatedEventItemsItemData
from .paginated_indicator_hit import PaginatedIndicatorHit
from .paginated_indicator_hit_items_item import PaginatedIndicatorHitItemsItem
from .paginated_notification import PaginatedNotification
from .paginated_notification_items_item import PaginatedNotificationItemsItem
from .paginated_organization import PaginatedOrganization
from .paginated_organization_items_item import PaginatedOrganizationItemsItem
from .paginated_report_summary import PaginatedReportSummary
from .paginated_report_summary_items_item import PaginatedReportSummaryItemsItem
from .paginated_review_list_item import PaginatedReviewListItem
from .paginated_review_list_item_items_item import PaginatedReviewListItemItemsItem
from .paginated_user import PaginatedUser
from .paginated_user_items_item import PaginatedUserItemsItem
from .partner import Partner
from .platform_action import PlatformAction
from .problem import Problem
from .published_share_count import PublishedShareCount
from .readiness import Readiness
from .reason_count import ReasonCount
from .reason_request import ReasonRequest
from .receipt import Receipt
from .referral import Referral
from .registered_endpoint import RegisteredEndpoint
from .related_counts import RelatedCounts
from .related_counts_by_kind import RelatedCountsByKind
from .related_report import RelatedReport
from .related_reports import RelatedReports
from .report_contact import ReportContact
from .report_feedback import ReportFeedback
from .report_status import ReportStatus
from .report_summary import ReportSummary
from .resolution import Resolution
from .retention_policy import RetentionPolicy
from .retraction_request import RetractionRequest
from .review_detail import ReviewDetail
from .review_list_item import ReviewListItem
from .review_summary import ReviewSummary
from .role import Role
from .severity import Severity
from .share import Share
from .share_counts_answer import ShareCountsAnswer
from .share_request import ShareRequest
from .stix_bundle_response_200 import StixBundleResponse200
from .submitted_report import SubmittedReport
from .submitter_status import SubmitterStatus
from .summary import Summary
from .summary_by_category import SummaryByCategory
from .summary_by_severity import SummaryBySeverity
from .summary_by_status import SummaryByStatus
from .summary_format import SummaryFormat
from .suspected_group import SuspectedGroup
from .taxonomy import Taxonomy
from .timeline_event import TimelineEvent
from .timeline_event_detail_type_0 import TimelineEventDetailType0
from .timeseries import Timeseries
from .timeseries_format import TimeseriesFormat
from .tlp import Tlp
from .token_request import TokenRequest
from .token_request_grant_type import TokenRequestGrantType
from .tombstone import Tombstone
from .totp_enrollment import TotpEnrollment
from .totp_enrollment_request import TotpEnrollmentRequest
from .transition_request import TransitionRequest
from .triage import Triage
from .triage_figures import TriageFigures
from .triage_format import TriageFormat
from .user import User
from .user_changes import UserChanges
from .user_changes_role_type_1 import UserChangesRoleType1
from .user_changes_role_type_2_type_1 import UserChangesRoleType2Type1
from .user_changes_role_type_3_type_1 import UserChangesRoleType3Type1
from .verdict import Verdict
from .verification import Verification
from .vetting_decision import VettingDecision
from .vetting_event import VettingEvent

__all__ = (
    "AccessToken",
    "Account",
    "AccountRole",
    "Amendment",
    "AmendmentReceipt",
    "AssignmentRequest",
    "AuditEvent",
    "BatchRequest",
    "BatchResult",
    "BatchResults",
    "BatchVerdict",
    "BatchVerdicts",
    "Breakdown",
    "BreakdownFormat",
    "Category",
    "Cell",
    "Collection",
    "CommonValue",
    "ContactHandle",
    "ContactType",
    "ContentItem",
    "ContentType",
    "Credential",
    "CredentialMode",
    "Delivery",
    "DeliveryStatus",
    "DetectionMethod",
    "Dimension",
    "Endpoint",
    "EndpointStatus",
    "EnrollmentRequest",
    "Event",
    "EventData",
    "EventType",
    "Evidence",
    "EvidenceUpload",
    "ExportFormat",
    "Feedback",
    "FeedbackReason",
    "FeedbackSummary",
    "FieldError",
    "GrantRequest",
    "Health",
    "Indicator",
    "IndicatorHit",
    "IndicatorKind",
    "IndicatorMatch",
    "Interval",
    "IntervalCount",
    "IssuedCredential",
    "IssuedPartner",
    "Jwk",
    "Jwks",
    "KeyCount",
    "LegalHold",
    "Location",
    "LoginRequest",
    "LogoutRequest",
    "MatchKind",
    "Me",
    "NewAmendment",
    "NewCollection",
    "NewCredential",
    "NewEndpoint",
    "NewEndpointFor",
    "NewOrganization",
    "NewPartner",
    "NewReport",
    "NewUser",
    "NewUserRole",
    "Note",
    "NoteRequest",
    "Notification",
    "NotificationKind",
    "NotificationStatus",
    "OAuthError",
    "OidcSignIn",
    "Organization",
    "OrganizationDetail",
    "OrganizationStatus",
    "OutboxDepth",
    "Outcome",
    "PaginatedAuditEvent",
    "PaginatedAuditEventItemsItem",
    "PaginatedDelivery",
    "PaginatedDeliveryItemsItem",
    "PaginatedEvent",
    "PaginatedEventItemsItem",
    "PaginatedEventItemsItemData",
    "PaginatedIndicatorHit",
    "PaginatedIndicatorHitItemsItem",
    "PaginatedNotification",
    "PaginatedNotificationItemsItem",
    "PaginatedOrganization",
    "PaginatedOrganizationItemsItem",
    "PaginatedReportSummary",
    "PaginatedReportSummaryItemsItem",
    "PaginatedReviewListItem",
    "PaginatedReviewListItemItemsItem",
    "PaginatedUser",
    "PaginatedUserItemsItem",
    "Partner",
    "PlatformAction",
    "Problem",
    "PublishedShareCount",
    "Readiness",
    "ReasonCount",
    "ReasonRequest",
    "Receipt",
    "Referral",
    "RegisteredEndpoint",
    "RelatedCounts",
    "RelatedCountsByKind",
    "RelatedReport",
    "RelatedReports",
    "ReportContact",
    "ReportFeedback",
    "ReportStatus",
    "ReportSummary",
    "Resolution",
    "RetentionPolicy",
    "RetractionRequest",
    "ReviewDetail",
    "ReviewListItem",
    "ReviewSummary",
    "Role",
    "Severity",
    "Share",
    "ShareCountsAnswer",
    "ShareRequest",
    "StixBundleResponse200",
    "SubmittedReport",
    "SubmitterStatus",
    "Summary",
    "SummaryByCategory",
    "SummaryBySeverity",
    "SummaryByStatus",
    "SummaryFormat",
    "SuspectedGroup",
    "Taxonomy",
    "TimelineEvent",
    "TimelineEventDetailType0",
    "Timeseries",
    "TimeseriesFormat",
    "Tlp",
    "TokenRequest",
    "TokenRequestGrantType",
    "Tombstone",
    "TotpEnrollment",
    "TotpEnrollmentRequest",
    "TransitionRequest",
    "Triage",
    "TriageFigures",
    "TriageFormat",
    "User",
    "UserChanges",
    "UserChangesRoleType1",
    "UserChangesRoleType2Type1",
    "UserChangesRoleType3Type1",
    "Verdict",
    "Verification",
    "VettingDecision",
    "VettingEvent",
)
