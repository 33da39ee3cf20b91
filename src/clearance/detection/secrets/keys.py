"""Private key material and signed tokens: PEM blocks, JWTs, age and PuTTY keys."""

from __future__ import annotations

import base64
import binascii
import json

from clearance.core.severity import Severity
from clearance.detection.secrets._rule import secret, token

# Body of a PEM block: base64 lines, RFC 1421 headers (Proc-Type, DEK-Info), PGP armor headers,
# and newlines that may appear escaped (``\n``) when the key sits inside JSON or a log line.
_PEM_BODY = r"[A-Za-z0-9+/=\s\\:,.()_-]{64,}?"


def _pem(label: str) -> tuple[str, str]:
    """Full block (BEGIN ... END) and a truncated block (BEGIN and at least one base64 line)."""
    begin = f"-----BEGIN {label}-----"
    end = f"-----END {label}-----"
    full = rf"(?P<value>{begin}{_PEM_BODY}{end})"
    truncated = rf"(?P<value>{begin}(?:\s|\\[rn]){{1,4}}[A-Za-z0-9+/=]{{60,}})"
    return (full, truncated)


def _jwt_header_ok(value: str) -> bool:
    """The first segment must decode (base64url) to a JSON object with a string ``alg``."""
    head = value.split(".", 1)[0]
    try:
        raw = base64.urlsafe_b64decode(head + "=" * (-len(head) % 4))
        header = json.loads(raw)
    except (binascii.Error, ValueError):
        return False
    return isinstance(header, dict) and isinstance(header.get("alg"), str)


_PUBLIC_BLOCK = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAYHsCy7NadyX3pvJDfyrochR+O5Rm7vBhcUADoUXL\nsyV6W6LMwaRvBs0XUabOCNX2Sy0HlT5SGxu/M/HaWJJna1ZKziO0eqOZthyTjTjR\n-----END PUBLIC KEY-----"

RULES = (
    secret(
        "private-key-rsa",
        "PRIVATE_KEY",
        _pem("RSA PRIVATE KEY"),
        positives=(
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA8Z0KWHAXoxefq4PvyhLnelUKfnvEaHNWIPTjXbb5KgzGd0Hd\nU+foM03AcocRj012PCbX2e5qGZaMOkkqWPUU0I4d+2oYgI578f/rmCAGHscEMJHq\n5z6xa4X38/Z2HTsXsTiPp+GwYyVK0F==\n-----END RSA PRIVATE KEY-----",
            "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,32720E2263407B2CFEE2FCF2EC7D07D5\n\nXHD3XbJrNbyjbTKCVups/MmFNyN1xT47s7zZ118y5DHBcw/25f6SGafRdo1UAyFj\nNAOkG2W7YnM/W08a2ZQUWPhcSeUHbSXnggnI6uA9PVs7OceFM3ieb1h+QK7n44zy\n-----END RSA PRIVATE KEY-----",
        ),
        negatives=(
            "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----",
            "-----BEGIN RSA PRIVATE KEY-----",
            _PUBLIC_BLOCK,
        ),
        keywords=("-----begin rsa private key-----",),
        description="PEM RSA private key (PKCS#1), plain or legacy-encrypted.",
    ),
    secret(
        "private-key-ec",
        "PRIVATE_KEY",
        _pem("EC PRIVATE KEY"),
        positives=(
            "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEISrqxajecqgSbp3U1f1WamHAr8RY4Yu5si/bzMb6mH2Uk1XbEzN8GiMv\nSAVzwMj3EvFtisyhvig1PmZZPGhHSoD7eUA578zIByxQL9HPikHmxO5Y9UOcSzx1\nKsHG5uRCgoWzgYrMbgJY==\n-----END EC PRIVATE KEY-----",
            "-----BEGIN EC PRIVATE KEY-----\nMHQCAQEEIG3P2Zb3WnKjq5sdJDoIfpO63+n/T3QIOAEDpTiO57iZpjN34aNy1k/H\nflZT8L0dbEgFwKmmAlWPp1DL49YdH/QKh6aiXSAF\n-----END EC PRIVATE KEY-----",
        ),
        negatives=(
            "-----BEGIN EC PRIVATE KEY-----\n<your key here>\n-----END EC PRIVATE KEY-----",
            "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----",
        ),
        keywords=("-----begin ec private key-----",),
        description="PEM elliptic-curve private key (SEC1).",
    ),
    secret(
        "private-key-dsa",
        "PRIVATE_KEY",
        _pem("DSA PRIVATE KEY"),
        positives=(
            "-----BEGIN DSA PRIVATE KEY-----\nMIIBuwIBAAKBgQX85kdoalROY/6tAYLEYihS17Mwi7KKuYD8izsTw+Fext9O4piy\nUDVLMo9aGQ7NV76sY4yL7jHe5iPIA2Cd5X8euu7Vf+Zm+Uxlq2jwGYRnYdjOwlZl\n-----END DSA PRIVATE KEY-----",
            "-----BEGIN DSA PRIVATE KEY-----\nMIIBvAIBAAKBgQwf+Q1j7IG7J7Digwzf1t1Tx+yzg0FUNfk1FulHkH21a/Is5eKe\nlExPLGyWTbUiCoUlyyS2k/TnjXgdlzZL1Ze0tiSoptykWINbS3opiXZ4Mt22dZkB\nX5qndRj8OgsTSPDh4gA2tvBSdGwRetQkChopJ5hX6GdkVGVHRp27M4SuxfQORFMb\n-----END DSA PRIVATE KEY-----",
        ),
        negatives=(
            "-----BEGIN DSA PRIVATE KEY-----\nMIIB\n-----END DSA PRIVATE KEY-----",
            "-----BEGIN DSA PARAMETERS-----\n9j35jt++M9TGH+KLdJMej2LHUHSr6jNRhFnQbDvcCagYiyM4vzMNcvdnkFNcNAKI\n-----END DSA PARAMETERS-----",
        ),
        keywords=("-----begin dsa private key-----",),
        description="PEM DSA private key.",
    ),
    secret(
        "private-key-openssh",
        "PRIVATE_KEY",
        _pem("OPENSSH PRIVATE KEY"),
        positives=(
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nj/Fd3zJj4RP8j1EPJ+65teWmkusE/G9gq+BwzLQR3t/7zVWLY/MXiy6CmbsE7CWQ\nRK07dt2bLyt/Oro7X8Mvkb7FVjtOKHRT4r1GRFd+Wxm4XXOKsLXGK7NB45fc/GJy\n-----END OPENSSH PRIVATE KEY-----",
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABDCe7z17+ktTP37X/pz5UNgsUuLbfHT/fNpdS/m5vb\nIxuc067LePgp7rMSbm4s45ZPchbAATSx3tLbzBId0pZhZ1gcz42ep6Ud2w2bI+X5\n-----END OPENSSH PRIVATE KEY-----",
        ),
        negatives=(
            "-----BEGIN OPENSSH PRIVATE KEY-----\n\n-----END OPENSSH PRIVATE KEY-----",
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAItOejaWqlitWUpDZBTOedHSY7atwfJbGp6TSlmCLBRsH jane@laptop",
        ),
        keywords=("-----begin openssh private key-----",),
        description="OpenSSH private key.",
    ),
    secret(
        "private-key-pgp",
        "PRIVATE_KEY",
        _pem("PGP PRIVATE KEY BLOCK"),
        positives=(
            "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBGdQMN4n8fDV9YIvWW82qSZwF1xp/NSFYjer4xPDdH2hlAMcJQtNhI9H045x\nMqNc0KHESJhXz27NJ4LXOabCSZXWa02+8DzK+CMVwlhfv+HYJNJ5QXHCIk6dSiZE\nhWqnMw4kUwuIAC1GX5CFE02lj2iq3oljJJPoF9odg604Yyd2ulpntZiPkooJ3gaE\n=1Z1o\n-----END PGP PRIVATE KEY BLOCK-----",
            "-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\nlQdGBFP+MbnC6ZaCs1zFi6ddaKZyS0LU0M16/wkxIPJwKws1kId6Z29mrqe5jls0\nQzZnBHtRnbt0mwHdrnha2wyXaLsWN48SUo1HCNLQLoucIte0iURPMAbs1X+jYHYf\n-----END PGP PRIVATE KEY BLOCK-----",
        ),
        negatives=(
            "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBFqSaSIvN1z+ITwemi8J1QSrQUnCF56SNNwo3pnPMYBY6BNgD2O1v11EEtbi\n0eH+DSl7koCYX0FvtupeSdvUodwVv9RKtrzNwX6RN67SAXe0JZbctprFm7+gUSSl\n-----END PGP PUBLIC KEY BLOCK-----",
            "-----BEGIN PGP PRIVATE KEY BLOCK-----\n[key]\n-----END PGP PRIVATE KEY BLOCK-----",
        ),
        keywords=("-----begin pgp private key block-----",),
        description="ASCII-armored OpenPGP secret key.",
    ),
    secret(
        "private-key-pkcs8",
        "PRIVATE_KEY",
        _pem("PRIVATE KEY"),
        positives=(
            "-----BEGIN PRIVATE KEY-----\nMIIEvgIBADANBgkqhkiG9w0BAQEFAASCN9z3mLxHB3MUjbcoA/zgB8ZDddO5f0JK\nYbD6YOd/pF20hc1EwGbZ6es4kNw8EN3pQOzWXgK4YbYyGP678t8XENqgUYil2nKc\nG8SpHGhVlkDy0KfWzEnhwT7eThmPQQJ3r8RIPlFQJpqqZntHEZOtKTH/RfoQRq8r\n-----END PRIVATE KEY-----",
            "private_key: -----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI1g9g65u9LBZ8+leMHF0Bb/flbJhe0BQdBQVrgOkJkOK\n-----END PRIVATE KEY-----",
        ),
        negatives=(
            "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
            _PUBLIC_BLOCK,
            "-----BEGIN CERTIFICATE-----\nMIIDmMZxjWwv2VQgdkZ2QM/Nx20TfUsA5yOPGKDlAUo4m6woEJ7ipQTjPojhnck7\nPJQd3xSLNBGrb7XI3Uyw/9M/dAIG/giXYmJ6DSqq9eV0iPCC7RchjXHuumiqS6bk\n-----END CERTIFICATE-----",
        ),
        keywords=("-----begin private key-----",),
        description="Unencrypted PKCS#8 private key (also found inside GCP service-account JSON).",
    ),
    secret(
        "private-key-encrypted-pkcs8",
        "PRIVATE_KEY",
        _pem("ENCRYPTED PRIVATE KEY"),
        positives=(
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQww8E30cFP4AqadSNUpap6Z\nxuVZGV+0yKFbfDLLACi0Egx1u4vy2GlKFSEtJtebAH+8vLTqijEqfJaNUBQpo0Ls\n-----END ENCRYPTED PRIVATE KEY-----",
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwZGvv011aMCltQSB0k8TC\nwRa7d1N/TsRbrJ6NFnnR4gak0zbupOVoqcYhyt0XXrCNCRy5BugnyOh7iaiGxOL3\nD4j/hE9vVx7arakD0Tp/3/xuHPTka383WaiU95uIvWM2vhwjGK/ZnzJwzlUrXLzH\n-----END ENCRYPTED PRIVATE KEY-----",
        ),
        negatives=(
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\n\n-----END ENCRYPTED PRIVATE KEY-----",
            "-----BEGIN ENCRYPTED PRIVATE KEY-----",
        ),
        keywords=("-----begin encrypted private key-----",),
        severity=Severity.HIGH,
        description="Passphrase-encrypted PKCS#8 private key (safe only with a strong passphrase).",
    ),
    secret(
        "putty-private-key",
        "PRIVATE_KEY",
        r"(?P<value>PuTTY-User-Key-File-[23]: (?:ssh-rsa|ssh-dss|ssh-ed25519|ssh-ed448|ecdsa-sha2-nistp[0-9]{3}))",
        positives=(
            "PuTTY-User-Key-File-3: ssh-ed25519",
            "PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none",
        ),
        negatives=("PuTTY-User-Key-File", "PuTTY-User-Key-File-3: unknown"),
        keywords=("putty-user-key-file-",),
        description="PuTTY private key file (.ppk).",
    ),
    secret(
        "jwt",
        "JWT",
        token(r"eyJ[A-Za-z0-9_-]{10,1000}\.[A-Za-z0-9_-]{4,8000}\.[A-Za-z0-9_-]{16,1000}"),
        positives=(
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1X2ZmZDAwYTNlIiwibmFtZSI6IkphbmUgUm9lIiwiaWF0IjoxNzE2MjM5MDIyfQ.YI17DGc8MSoXvSh4EwhWCbU_yEQVnatn35mJ89mAgEY",
            "Authorization: Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6IjdmOGE5ZWVjMDNmMzlkYjMifQ.eyJpc3MiOiJodHRwczovL2F1dGguYWNtZS50ZXN0IiwiYXVkIjoiYXBpIiwiZXhwIjoxODkzNDU2MDAwLCJzY29wZSI6InJlYWQifQ.v4vlKyVoWVDqajfHoTtcd8EfF26-w7K8AsnFetuQcNPHoclzmTptxqFXkRHriWYiDlZ0SDRB5Q9s5NiUOWUAqg",
        ),
        negatives=(
            "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiIxIn0.kHDCBKmwyKa3Xm8w1LL35V4Q7zqi4qw6UOjOj4m0Qfo",
            "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0",
            "eyJnotbase64json.eyJzdWIiOiIxIn0.kHDCBKmwyKa3Xm8w1LL35V4Q7zqi4qw6UOjOj4m0Qfo",
        ),
        keywords=("eyj",),
        severity=Severity.HIGH,
        score=0.9,
        validator=_jwt_header_ok,
        description="JSON Web Token (signed, three segments; header must carry an alg).",
    ),
    secret(
        "age-secret-key",
        "AGE_SECRET_KEY",
        token(r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}"),
        positives=(
            "AGE-SECRET-KEY-184Z3JYJZGMNLVAWKQ9S23MJXX8JNCNFTH9DGJPGA9USS9FEMPQ34MJ2WZM",
            "# created: 2024-05-01\nAGE-SECRET-KEY-1FZG9769ER8QQUY8HKPKK63Y740K4NU7PXWR0HGEVCSYCF70Q99UHSYZH50",
        ),
        negatives=(
            "AGE-SECRET-KEY-1YFS2AAN4HYET8HEZ4NCJ",
            "age1sebdmbx2ze9mus5sjiqi8uqioo9i6nu8pnnp080565a4cflqaoz29uikka",
            "AGE-SECRET-KEY-1BIO0J9WC0A7GLXJKGA67QT98R2DFT3AWSFRV9TZUUMMQMGFVFGN5C7T6QK",
        ),
        keywords=("age-secret-key-1",),
        description="age file-encryption secret key.",
    ),
)
