"""The supply database (供给库, M4): who and what can serve.

- ``organisations``: social organisations, property companies, local units, businesses; social workers.
- ``volunteers``: volunteers with skills, certificates, insurance, availability; teams.
- ``resources``: organisations' service offerings (free, low-fee, paid), stations, vehicles, venues.
"""

from linli.supply.models.organisations import (
    CertificationLevel,
    LegalStatus,
    Organisation,
    OrganisationProject,
    OrgKind,
    SocialOrgRole,
    SocialWorker,
)
from linli.supply.models.resources import (
    PriceKind,
    ServiceOffering,
    Station,
    Vehicle,
    VehicleKind,
    Venue,
)
from linli.supply.models.volunteers import (
    DAILY_CAPACITY_RANGE,
    MAX_KM_RANGE,
    MIN_AGE,
    AvailabilityException,
    CertificateKind,
    Skill,
    Team,
    TeamMembership,
    Volunteer,
    VolunteerCertificate,
    VolunteerStatus,
    Weekday,
    WeeklyAvailability,
    age_on,
)

__all__ = [
    "DAILY_CAPACITY_RANGE", "MAX_KM_RANGE", "MIN_AGE", "AvailabilityException", "CertificateKind",
    "CertificationLevel", "LegalStatus", "OrgKind", "Organisation", "OrganisationProject", "PriceKind",
    "ServiceOffering", "Skill", "SocialOrgRole", "SocialWorker", "Station", "Team", "TeamMembership",
    "Vehicle", "VehicleKind", "Venue", "Volunteer", "VolunteerCertificate", "VolunteerStatus", "Weekday",
    "WeeklyAvailability", "age_on",
]
