"""The privacy hint moved to ulvo.lib.privacy_hint (#19), so that apps below reflections
(learning networks' "you said, we did") use it too; these names stay for the callers."""

from ulvo.lib.privacy_hint import (
    ADDRESS,
    BIRTH_DATE,
    BSN,
    EMAIL,
    KIND_LABELS,
    NAME,
    PHONE,
    Finding,
    find_personal_data,
    is_valid_bsn,
)

__all__ = [
    "ADDRESS",
    "BIRTH_DATE",
    "BSN",
    "EMAIL",
    "KIND_LABELS",
    "NAME",
    "PHONE",
    "Finding",
    "find_personal_data",
    "is_valid_bsn",
]
