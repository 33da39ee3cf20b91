"""Keyed fingerprints and masked previews: the only forms in which a found value leaves memory."""

from clearance.privacy.fingerprint import Fingerprinter, load_key
from clearance.privacy.masking import mask

__all__ = ["Fingerprinter", "load_key", "mask"]
