"""Keyed fingerprints and masked previews: the only forms in which a found value leaves memory."""

from clearance.privacy.fingerprint import Fingerprinter, load_key
from clearance.privacy.masking import escape_controls, mask, mask_name

__all__ = ["Fingerprinter", "escape_controls", "load_key", "mask", "mask_name"]
