"""Sealing PDFs with pyHanko and checking seals.

A seal is a certification signature with DocMDP "no changes allowed": any later
change to the file, even a permitted-looking incremental update, breaks it. The key
and certificate come from settings.PDF_SIGNING_KEY / PDF_SIGNING_CERT (paths to PEM
files, or the PEM text itself from the environment). Unset, the zero-setup default
generates a self-signed key and certificate once under settings.PDF_SIGNING_DIR and
reuses them, so documents sealed earlier keep verifying.

check_seal trusts exactly the project's own certificate: a PDF sealed by anyone else
is reported as not intact.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import fcntl
import logging
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from asn1crypto import cms
from asn1crypto import parser as asn1_parser
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.keys import load_private_key_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

logger = logging.getLogger(__name__)

SEAL_FIELD = "KhruakhaiSeal"
KEY_FILE = "seal-key.pem"
CERT_FILE = "seal-cert.pem"


@dataclass(frozen=True)
class SealCheck:
    """What a seal check found. ``intact`` is the bottom line: the seal is ours
    (trusted certificate), its signature is valid, the signed bytes are unchanged and
    nothing was appended after it."""

    intact: bool
    certified: bool
    no_changes: bool
    signer: str
    signed_at: dt.datetime | None
    summary: str
    trusted: bool = False


def _outside_event_loop(fn, *args, **kwargs):
    """Call one of pyHanko's synchronous functions (they use asyncio.run inside).

    With an event loop already running in this thread (an async caller, or a
    browser test's loop kept open by Playwright) asyncio.run refuses to start, so
    the call then runs in a short-lived thread of its own.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pyhanko") as pool:
        return pool.submit(fn, *args, **kwargs).result()


def _pem(value: str) -> bytes:
    """PEM text from the environment, or the contents of the PEM file it names."""
    if value.lstrip().startswith("-----BEGIN"):
        return value.strip().encode() + b"\n"
    return Path(value).expanduser().read_bytes()


def _generate(directory: Path) -> None:
    """Create a self-signed seal key and certificate (zero-setup default)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Khruakhai document seal"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Khruakhai"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "TH"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * 30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # Written to temporary names then renamed, the certificate last: a reader that
    # sees the certificate also sees its key.
    for filename, data, mode in ((KEY_FILE, key_pem, 0o600), (CERT_FILE, None, 0o644)):
        if data is None:
            data = cert.public_bytes(serialization.Encoding.PEM)
        tmp = directory / f".{filename}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, directory / filename)
    logger.warning("Generated a self-signed PDF seal certificate under %s", directory)


def _default_key_pair() -> tuple[bytes, bytes]:
    directory = Path(settings.PDF_SIGNING_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    # A lock so two processes starting together do not each make a different key.
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (directory / CERT_FILE).is_file() or not (directory / KEY_FILE).is_file():
            _generate(directory)
        return (directory / KEY_FILE).read_bytes(), (directory / CERT_FILE).read_bytes()


def _key_pair() -> tuple[bytes, bytes]:
    key, cert = settings.PDF_SIGNING_KEY, settings.PDF_SIGNING_CERT
    if bool(key) != bool(cert):
        raise ImproperlyConfigured(
            "Set both PDF_SIGNING_KEY and PDF_SIGNING_CERT (PEM text or paths), or neither."
        )
    if key:
        return _pem(key), _pem(cert)
    return _default_key_pair()


class _KeptKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner parses its private key from DER, and OpenSSL checks the
    key, on every signature: 124 ms of CPU for our 3072-bit key, twice per seal (once
    to size the signature, once to make it), about a fifth of a committee report's
    cost in the end-of-semester drain. This one parses it once. RSA PKCS#1 v1.5
    signatures (our key's) are deterministic: the same bytes as pyHanko's own; any
    other mechanism is left to pyHanko."""

    def __init__(self, *, parsed_key, **kwargs) -> None:
        super().__init__(**kwargs)
        self._parsed_key = parsed_key

    # Hex digits left in the PDF for the signature, once known (see seal_pdf).
    room: int | None = None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            name = mechanism.signature_algo
        except ValueError:
            name = mechanism["algorithm"].native
        if name == "rsassa_pkcs1v15" and isinstance(self._parsed_key, rsa.RSAPrivateKey):
            return self._parsed_key.sign(
                data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm)
            )
        return super().sign_raw(data, digest_algorithm)


@lru_cache(maxsize=4)
def _signer_for(key_pem: bytes, cert_pem: bytes) -> _KeptKeySigner:
    key = load_private_key_from_pemder_data(key_pem, passphrase=None)
    cert = asn1_x509.Certificate.load(
        x509.load_pem_x509_certificate(cert_pem).public_bytes(serialization.Encoding.DER)
    )
    return _KeptKeySigner(
        signing_cert=cert,
        signing_key=key,
        parsed_key=serialization.load_der_private_key(key.dump(), password=None),
        # The signer's certificate is embedded once; no other certificates.
        cert_registry=SimpleCertificateStore(),
    )


def signer() -> _KeptKeySigner:
    return _signer_for(*_key_pair())


def seal_certificate() -> asn1_x509.Certificate:
    return signer().signing_cert


def seal_pdf(pdf: bytes, *, reason: str, location: str = "Thailand") -> bytes:
    """Certify ``pdf`` with the project's key; DocMDP forbids any later change."""
    meta = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        reason=reason,
        location=location,
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    sealer = signer()
    # pyHanko sizes the room for the signature with a dry-run signature first (14 of
    # a seal's 33 ms of CPU). The size depends only on the key, the certificate and
    # the kinds of signed attributes (no timestamp, no revocation data): the first
    # seal made with a key lets pyHanko size it, and the next ones reuse its answer,
    # read from the hole it left. Adding a timestamper or validation info to these
    # seals would change the size: the room would then have to be measured again.
    out = _outside_event_loop(
        signers.sign_pdf, writer, meta, signer=sealer, bytes_reserved=sealer.room
    ).getvalue()
    if sealer.room is None:
        sealer.room = _hole_digits(out[len(pdf) :])
    return out


def _hole_digits(update: bytes) -> int | None:
    """The hex digits between "<" and ">" of the signature an update holds (None, and
    pyHanko keeps sizing it, if they cannot be found)."""
    match = re.search(rb"/ByteRange \[\s*0 (\d+) (\d+) \d+\s*\]", update)
    if match is None:
        logger.warning("No ByteRange in a sealed PDF's update; the seal's room is not kept")
        return None
    return int(match[2]) - int(match[1]) - 2


def _not_intact(summary: str) -> SealCheck:
    return SealCheck(
        intact=False,
        certified=False,
        no_changes=False,
        signer="",
        signed_at=None,
        summary=summary,
    )


def _contents_canonical(pdf: bytes, embedded) -> bool:
    """The signature's hole holds exactly what pyHanko wrote: the CMS in upper-case
    hex, then zeros. The hole is not covered by the signature, so without this a
    flipped bit there (letter case, padding, the unsigned certificate copy) would
    leave a different file that still "validates"."""
    try:
        raw = embedded.pkcs7_content
        _cls, _method, _tag, header, content, trailer = asn1_parser.parse(raw)
        start = embedded.byte_range[0] + embedded.byte_range[1]
        end = embedded.byte_range[2]
        hole = pdf[start:end]
        cms_len = len(header) + len(content) + len(trailer)
    except Exception:  # noqa: BLE001 - untrusted bytes: any parse failure means "not ours"
        return False
    if raw[cms_len:].strip(b"\x00"):
        return False
    if hole != b"<" + raw.hex().upper().encode() + b">":
        return False
    try:
        return _cms_is_ours(raw[:cms_len], embedded.signed_data)
    except Exception:  # noqa: BLE001 - asn1crypto parses lazily: a malformed CMS fails anywhere
        return False


def _cms_is_ours(der: bytes, signed_data) -> bool:
    """The unsigned parts of the CMS are exactly what pyHanko writes for our key."""
    ours = seal_certificate()
    if cms.ContentInfo.load(der).dump(force=True) != der:
        return False  # not the canonical DER encoding
    certificates = signed_data["certificates"] or []
    if [c.chosen.dump() for c in certificates] != [ours.dump()]:
        return False
    (info,) = signed_data["signer_infos"]
    sid = info["sid"].chosen
    if (
        sid["serial_number"].native != ours.serial_number
        or sid["issuer"].dump() != ours.issuer.dump()
    ):
        return False
    return [a.dump() for a in signed_data["digest_algorithms"]] == [info["digest_algorithm"].dump()]


def check_seal(pdf: bytes) -> SealCheck:
    """Validate the seal of ``pdf`` against the project's certificate. Never raises."""
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # noqa: BLE001 - garbage input is an answer, not an error
        return _not_intact(f"not a readable PDF ({type(exc).__name__})")
    if not signatures:
        return _not_intact("no signature")
    try:
        ours = [s for s in signatures if s.field_name == SEAL_FIELD] or signatures
        embedded = ours[0]
        context = ValidationContext(trust_roots=[seal_certificate()], allow_fetching=False)
        status = _outside_event_loop(validate_pdf_signature, embedded, context)
    except Exception as exc:  # noqa: BLE001 - pyHanko on an untrusted file: never raises
        return _not_intact(f"seal could not be validated ({type(exc).__name__})")
    # The signature value sits in a zero-padded hole that the signature cannot cover;
    # a changed byte in that padding must not pass as an intact file.
    padding_clean = _contents_canonical(pdf, embedded)
    certified = embedded.docmdp_level is not None
    no_changes = embedded.docmdp_level == fields.MDPPerm.NO_CHANGES
    trusted = bool(status.trusted)
    # Something appended after the seal (even allowed-looking) breaks "no changes".
    untouched = (
        bool(status.docmdp_ok)
        and status.coverage is not None
        and (status.coverage.name == "ENTIRE_FILE")
    )
    intact = bool(status.intact and status.valid) and trusted and untouched and padding_clean
    try:
        signer_name = status.signing_cert.subject.human_friendly
    except Exception:  # noqa: BLE001 - an untrusted certificate's name, parsed lazily
        signer_name = ""
    return SealCheck(
        intact=intact,
        certified=certified,
        no_changes=no_changes,
        signer=signer_name,
        signed_at=status.signer_reported_dt,
        summary=status.summary(),
        trusted=trusted,
    )
