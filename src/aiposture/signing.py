r"""Ed25519 signatures over a report folder's manifest, with keys the user holds.

The signature is the raw 64-byte Ed25519 signature (RFC 8032) of the manifest's exact
bytes, so it can be checked without aiposture too::

    openssl pkeyutl -verify -pubin -inkey key.pub.pem -rawin \
        -in MANIFEST.json -sigfile MANIFEST.json.sig

Keys are the ones OpenSSL makes (``openssl genpkey -algorithm ed25519 -out key.pem``;
``openssl pkey -in key.pem -pubout -out key.pub.pem``): a PKCS #8 PEM private key, and a
PEM public key or an OpenSSH ``ssh-ed25519`` line; an SSH key pair
(``ssh-keygen -t ed25519``) works as well. An encrypted private key is opened
with the passphrase in the environment variable named by :data:`PASSPHRASE_ENV`.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from aiposture.errors import ConfigError

PASSPHRASE_ENV = "AIPOSTURE_SIGN_KEY_PASSPHRASE"  # noqa: S105 - a variable name
"""The environment variable that holds the passphrase of an encrypted signing key."""

SIGNATURE_BYTES = 64
"""The length of an Ed25519 signature."""


def _read_key_file(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the {what} {path}: {exc.strerror or exc}") from exc


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """Read an Ed25519 private key (PEM PKCS #8, or OpenSSH's own format); one line if not."""
    data = _read_key_file(path, "signing key")
    passphrase = os.environ.get(PASSPHRASE_ENV)
    password = passphrase.encode() if passphrase else None
    key: object
    try:
        if data.lstrip().startswith(b"-----BEGIN OPENSSH PRIVATE KEY-----"):
            key = serialization.load_ssh_private_key(data, password=password)
        else:
            key = serialization.load_pem_private_key(data, password=password)
    except TypeError as exc:  # encrypted without a passphrase, or a passphrase for a plain key
        raise ConfigError(
            f"signing key {path}: {exc}; set {PASSPHRASE_ENV} for an encrypted key"
        ) from exc
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise ConfigError(
            f"signing key {path} is not a PEM private key aiposture can read (make one with "
            "`openssl genpkey -algorithm ed25519 -out key.pem`), or its passphrase is wrong"
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(f"signing key {path} is not an Ed25519 key (it is {type(key).__name__})")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """Read an Ed25519 public key: PEM (SubjectPublicKeyInfo) or an OpenSSH line."""
    data = _read_key_file(path, "public key")
    key: object
    try:
        if data.lstrip().startswith(b"ssh-"):
            key = serialization.load_ssh_public_key(data.strip())
        else:
            key = serialization.load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise ConfigError(
            f"public key {path} is neither a PEM public key nor an OpenSSH public key line"
        ) from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ConfigError(f"public key {path} is not an Ed25519 key (it is {type(key).__name__})")
    return key


def key_id(key: Ed25519PublicKey) -> str:
    """The key's fingerprint as OpenSSH prints it: ``SHA256:`` and unpadded base64."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    blob = b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + raw
    digest = base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
    return f"SHA256:{digest}"


def sign(key: Ed25519PrivateKey, data: bytes) -> bytes:
    """The raw Ed25519 signature of ``data``."""
    return key.sign(data)


def signature_valid(key: Ed25519PublicKey, data: bytes, signature: bytes) -> bool:
    """True when ``signature`` is ``key``'s signature of exactly ``data``."""
    if len(signature) != SIGNATURE_BYTES:
        return False
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return False
    return True
