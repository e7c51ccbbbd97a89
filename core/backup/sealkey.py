"""The sealing certificate and key in a backup.

The certificate is public and always backed up: it is what makes a sealed PDF
checkable as Khruakhai's. The private key is backed up only when asked, and then
encrypted with a passphrase: scrypt (n=2**17, r=8, p=1, a random salt) derives the key
of a Fernet token (AES-128-CBC with HMAC-SHA256). The copy is JSON that names every
parameter (scheme, salt, n, r, p, token), so it can be opened with the ``cryptography``
package alone, without Khruakhai, should that ever be needed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path

from cryptography import x509
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.conf import settings

from core.pdf.seal import CERT_FILE, KEY_FILE

from .common import BackupRefused

SCHEME = "scrypt+fernet"
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
PASSPHRASE_MIN_LENGTH = 12


def _pem(value: str) -> bytes:
    """PEM text from the environment, or the contents of the file it names (as
    core.pdf.seal reads PDF_SIGNING_KEY and PDF_SIGNING_CERT)."""
    if value.lstrip().startswith("-----BEGIN"):
        return value.strip().encode() + b"\n"
    return Path(value).expanduser().read_bytes()


def signing_source() -> str:
    """ "environment" when PDF_SIGNING_KEY/CERT name the key pair, else "directory"
    (the pair the app generated under PDF_SIGNING_DIR)."""
    if settings.PDF_SIGNING_KEY or settings.PDF_SIGNING_CERT:
        return "environment"
    return "directory"


def signing_pair() -> tuple[bytes | None, bytes | None]:
    """(certificate PEM, key PEM) in effect; None for a part that does not exist yet
    (an installation that never sealed anything has neither)."""
    if signing_source() == "environment":
        try:
            cert = _pem(settings.PDF_SIGNING_CERT) if settings.PDF_SIGNING_CERT else None
            key = _pem(settings.PDF_SIGNING_KEY) if settings.PDF_SIGNING_KEY else None
        except OSError as error:
            raise BackupRefused(f"PDF_SIGNING_KEY/PDF_SIGNING_CERT: {error}") from None
        return cert, key
    directory = Path(settings.PDF_SIGNING_DIR)
    cert_path, key_path = directory / CERT_FILE, directory / KEY_FILE
    return (
        cert_path.read_bytes() if cert_path.is_file() else None,
        key_path.read_bytes() if key_path.is_file() else None,
    )


def cert_fingerprint(pem: bytes) -> str:
    """SHA-256 of the certificate's DER bytes (as ``openssl x509 -fingerprint -sha256``)."""
    der = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
    return hashlib.sha256(der).hexdigest()


def _fernet(passphrase: str, salt: bytes, n: int, r: int, p: int) -> Fernet:
    key = Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def passphrase_check(passphrase: str, *, variable: str) -> None:
    if not passphrase:
        raise BackupRefused(
            f"The private key is encrypted with a passphrase, and {variable} is empty. "
            f"Set {variable} (at least {PASSPHRASE_MIN_LENGTH} characters) and keep it "
            f"somewhere other than the backups."
        )
    if len(passphrase) < PASSPHRASE_MIN_LENGTH:
        raise BackupRefused(
            f"{variable} is too short: use at least {PASSPHRASE_MIN_LENGTH} characters."
        )


def key_encrypt(pem: bytes, passphrase: str) -> bytes:
    salt = os.urandom(16)
    token = _fernet(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P).encrypt(pem)
    document = {
        "scheme": SCHEME,
        "kdf": "scrypt",
        "salt": base64.b64encode(salt).decode("ascii"),
        "n": SCRYPT_N,
        "r": SCRYPT_R,
        "p": SCRYPT_P,
        "cipher": "fernet",
        "token": token.decode("ascii"),
    }
    return json.dumps(document, indent=2).encode() + b"\n"


def key_decrypt(blob: bytes, passphrase: str) -> bytes:
    """The key's PEM; refuses a wrong passphrase or a damaged copy."""
    try:
        document = json.loads(blob)
        if document.get("scheme") != SCHEME:
            raise BackupRefused(f"Unknown key encryption {document.get('scheme')!r}.")
        fernet = _fernet(
            passphrase,
            base64.b64decode(document["salt"]),
            int(document["n"]),
            int(document["r"]),
            int(document["p"]),
        )
        pem = fernet.decrypt(document["token"].encode("ascii"))
    except InvalidToken:
        raise BackupRefused(
            "The passphrase does not open the archive's private key (wrong passphrase)."
        ) from None
    except (ValueError, KeyError, TypeError) as error:
        raise BackupRefused(f"The archive's encrypted key is damaged ({error}).") from None
    return pem


def signing_install(*, cert: bytes | None, key: bytes | None) -> list[str]:
    """Put the certificate (and key) under PDF_SIGNING_DIR, the key readable by its
    owner only. Returns warnings for the operator."""
    if signing_source() == "environment":
        return [
            "PDF_SIGNING_KEY/PDF_SIGNING_CERT are set here, so the archive's certificate and "
            "key were not written: the environment decides which key seals. Make sure it is "
            "the key the archive's documents were sealed with."
        ]
    directory = Path(settings.PDF_SIGNING_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    warnings = []
    for name, data, mode in ((KEY_FILE, key, 0o600), (CERT_FILE, cert, 0o644)):
        if data is None:
            continue
        tmp = directory / f".{name}.restore"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, directory / name)
    if cert is not None and key is None and not (directory / KEY_FILE).is_file():
        warnings.append(
            f"The certificate is restored but not its private key (the archive was made "
            f"without --with-private-key). Copy {KEY_FILE} into {directory} before anything "
            f"is sealed: without it the app makes a new key and certificate at the next seal, "
            f"and replaces this one. Documents sealed before still verify by their SHA-256."
        )
    return warnings
