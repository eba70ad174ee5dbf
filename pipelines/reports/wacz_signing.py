"""Signing an evidence package with the analyst's own key: the "anonymous signature" of the WACZ
Signing and Verification recommendation (wacz-auth 0.1.0, specs.webrecorder.net), made locally.

`datapackage-digest.json` gets `signedData` = {hash, created, software, version, signature,
publicKey}: `hash` is the digest's own "sha256:<hex>" of datapackage.json, `created` equals
datapackage.json's `created` (as `wacz validate` requires), `signature` is ECDSA P-256 with
SHA-256 over the UTF-8 bytes of `hash`, base64 of the raw r||s form (what Web Crypto, and so
ArchiveWeb.page, writes; verifiers of the format accept it and DER), and `publicKey` is base64
of the DER SubjectPublicKeyInfo. The recommendation leaves the key's identity to the reader
("external key management"): `verify_package` reports the key's SHA-256 fingerprint so a
recipient can compare it with the one the analyst published, or checks it against a given
public key."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import zipfile
from pathlib import Path

SPEC_VERSION = "0.1.0"  # the wacz-auth recommendation's version the signature follows
PASSWORD_ENV = "PRECURSOR_WATCH_SIGN_KEY_PASSWORD"


class SigningError(ValueError):
    """A key that cannot sign (not a P-256 EC private key, wrong password) or a package whose
    signature does not verify."""


def load_signing_key(path: str | Path):
    """The EC P-256 private key in the PEM file (password from $PRECURSOR_WATCH_SIGN_KEY_PASSWORD
    when it is encrypted)."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    password = os.environ.get(PASSWORD_ENV)
    try:
        key = load_pem_private_key(Path(path).read_bytes(),
                                   password.encode() if password else None)
    except OSError as exc:
        raise SigningError(f"cannot read the signing key {path}: {exc}") from exc
    except (ValueError, TypeError) as exc:
        raise SigningError(f"{path} is not a usable PEM private key ({exc}); an encrypted key "
                           f"needs ${PASSWORD_ENV}") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise SigningError(f"{path}: the WACZ signature is ECDSA P-256; make a key with "
                           "`openssl ecparam -name prime256v1 -genkey -noout -out key.pem`")
    return key


def fingerprint(spki_der: bytes) -> str:
    return "sha256:" + hashlib.sha256(spki_der).hexdigest()


def signed_data(key, datapackage: bytes, software: str) -> dict:
    """The `signedData` object for datapackage.json's bytes."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    digest = "sha256:" + hashlib.sha256(datapackage).hexdigest()
    r, s = decode_dss_signature(key.sign(digest.encode("utf-8"), ec.ECDSA(hashes.SHA256())))
    public = key.public_key().public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return {"hash": digest, "created": json.loads(datapackage)["created"],
            "software": software, "version": SPEC_VERSION,
            "signature": base64.b64encode(r.to_bytes(32, "big") + s.to_bytes(32, "big")).decode(),
            "publicKey": base64.b64encode(public).decode()}


def verify_package(path: str | Path, public_key_pem: bytes | None = None) -> dict:
    """Check a signed WACZ: datapackage.json's digest, the signature over it, its `created`;
    with `public_key_pem`, that it was this key that signed. The signedData fields and the
    key's fingerprint; SigningError on any mismatch."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    with zipfile.ZipFile(path) as z:
        package = z.read("datapackage.json")
        digest_doc = json.loads(z.read("datapackage-digest.json"))
    sd = digest_doc.get("signedData")
    if not sd:
        raise SigningError(f"{path} is not signed")
    actual = "sha256:" + hashlib.sha256(package).hexdigest()
    if digest_doc.get("hash") != actual or sd.get("hash") != actual:
        raise SigningError(f"{path}: datapackage.json does not match its signed digest")
    if sd.get("created") != json.loads(package).get("created"):
        raise SigningError(f"{path}: the signature's date is not the package's")
    try:
        spki = base64.b64decode(sd["publicKey"], validate=True)
        raw = base64.b64decode(sd["signature"], validate=True)
        public = serialization.load_der_public_key(spki)
    except (KeyError, ValueError) as exc:
        raise SigningError(f"{path}: unreadable signature or public key ({exc})") from exc
    if not isinstance(public, ec.EllipticCurvePublicKey):
        raise SigningError(f"{path}: the public key is not an ECDSA key")
    size = (public.curve.key_size + 7) // 8
    signature = (encode_dss_signature(int.from_bytes(raw[:size], "big"),
                                      int.from_bytes(raw[size:], "big"))
                 if len(raw) == 2 * size else raw)  # raw r||s, else DER as written
    try:
        public.verify(signature, sd["hash"].encode("utf-8"), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise SigningError(f"{path}: the signature does not verify") from None
    if public_key_pem is not None:
        expected = serialization.load_pem_public_key(public_key_pem).public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        if expected != spki:
            raise SigningError(f"{path} was signed by another key ({fingerprint(spki)})")
    return {**{k: sd[k] for k in ("hash", "created", "software", "version")},
            "key_fingerprint": fingerprint(spki)}
