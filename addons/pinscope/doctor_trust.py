"""`pinscope doctor`'s certificate checks: mitmproxy's CA file and which clients on this machine trust it."""

from __future__ import annotations

import base64
import binascii
import re
import shutil
import ssl
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

CA_FILE = "mitmproxy-ca-cert.pem"  # the public half mitmproxy writes into its confdir on first start
DEFAULT_CONFDIR = "~/.mitmproxy"
MAX_BUNDLE_BYTES = 20_000_000  # a CA bundle is ~250 kB; anything far larger is not one
MAX_DIR_FILES = 5_000  # /etc/ssl/certs holds a few hundred: the cap only bounds a strange folder
PEM = re.compile(rb"-----BEGIN CERTIFICATE-----(.+?)-----END CERTIFICATE-----", re.S)


@dataclass(frozen=True, slots=True)
class Check:
    """One line of `pinscope doctor`: OK, WARN or FAIL, what was checked, what was seen, the fix."""

    status: str
    name: str
    detail: str
    fix: str = ""


def ca_path(confdir: str | None) -> Path:
    """Where mitmproxy keeps its CA certificate for `confdir` (default ~/.mitmproxy)."""
    return Path(confdir or DEFAULT_CONFDIR).expanduser() / CA_FILE


def certificates(path: Path) -> list[bytes]:
    """The DER bytes of each PEM certificate in a file; none when it is missing or unreadable."""
    try:
        if path.stat().st_size > MAX_BUNDLE_BYTES:
            return []
        data = path.read_bytes()
    except OSError:
        return []
    found = []
    for block in PEM.findall(data):
        try:
            found.append(base64.b64decode(b"".join(block.split()), validate=True))
        except (binascii.Error, ValueError):
            continue
    return found


def check_ca(ca: Path) -> tuple[Check, bytes | None]:
    """Whether the CA file exists and holds a certificate; with its DER bytes for the trust checks."""
    start = "start the proxy once (`pinscope web` or `pinscope dump`): mitmproxy creates it"
    if not ca.is_file():
        return Check("FAIL", "mitmproxy CA", f"{ca} does not exist", f"{start} in {ca.parent}"), None
    certs = certificates(ca)
    if not certs:
        return Check("FAIL", "mitmproxy CA", f"{ca} holds no PEM certificate",
                     f"move {ca.parent} aside and {start} again"), None
    return Check("OK", "mitmproxy CA", str(ca)), certs[0]


def in_bundle(der: bytes, files: Iterable[Path]) -> bool:
    """Whether any of these files holds the certificate `der`."""
    return any(der in certificates(path) for path in files)


def system_store(env: Mapping[str, str]) -> list[Path]:
    """The files OpenSSL (Python's `ssl`, most curl builds) reads by default, honouring SSL_CERT_FILE/DIR."""
    paths = ssl.get_default_verify_paths()
    files = [Path(env.get(paths.openssl_cafile_env) or paths.openssl_cafile)]
    folder = Path(env.get(paths.openssl_capath_env) or paths.openssl_capath)
    try:
        files += sorted(folder.iterdir())[:MAX_DIR_FILES]
    except OSError:
        pass
    return [path for path in dict.fromkeys(files) if path.is_file()]


def _named_bundle(tool: str, der: bytes, env: Mapping[str, str], variables: tuple[str, ...],
                  fix: str) -> Check | None:
    """Whether the bundle the first of `variables` set names holds the CA; None when none is set."""
    name = next((name for name in variables if env.get(name)), None)
    if name is None:
        return None
    path = Path(env[name]).expanduser()
    if in_bundle(der, [path]):
        return Check("OK", tool, f"{name} names a bundle holding the CA")
    return Check("WARN", tool, f"{name}={path} does not hold the CA", fix)


def trust_checks(der: bytes, ca: Path, env: Mapping[str, str],
                 which: Callable[[str], str | None] = shutil.which) -> list[Check]:
    """Python ssl, certifi (requests, httpx), curl and Node: does each trust the CA `der`?"""
    system = in_bundle(der, system_store(env))
    checks = [Check("OK", "Python ssl", "the default context trusts the CA") if system else
              Check("WARN", "Python ssl", "the default context does not trust the CA",
                    f"export SSL_CERT_FILE=BUNDLE, the system bundle plus {ca} (`pinscope run` "
                    "makes one), or add the CA to the system store (update-ca-certificates)")]
    checks.append(_certifi(der, ca, env))
    checks.append(_client("curl", der, ca, env, which, ("CURL_CA_BUNDLE", "SSL_CERT_FILE"), system,
                          f"export CURL_CA_BUNDLE={ca} or `curl --cacert {ca}`"))
    checks.append(_client("node", der, ca, env, which, ("NODE_EXTRA_CA_CERTS",), False,
                          f"export NODE_EXTRA_CA_CERTS={ca}"))
    return checks


def _certifi(der: bytes, ca: Path, env: Mapping[str, str]) -> Check:
    fix = f"export REQUESTS_CA_BUNDLE={ca} (requests) and SSL_CERT_FILE={ca} (httpx)"
    named = _named_bundle("certifi / requests", der, env, ("REQUESTS_CA_BUNDLE",), fix)
    if named is not None:
        return named
    try:
        import certifi
    except ImportError:
        return Check("OK", "certifi / requests", "certifi is not installed here: nothing to check")
    if in_bundle(der, [Path(certifi.where())]):
        return Check("OK", "certifi / requests", "certifi's bundle holds the CA")
    return Check("WARN", "certifi / requests", "certifi's bundle does not hold the CA", fix)


def _client(tool: str, der: bytes, ca: Path, env: Mapping[str, str], which: Callable[[str], str | None],
            variables: tuple[str, ...], system: bool, fix: str) -> Check:
    """A command-line client found on PATH, trusting the CA through one of `variables` (or `system`)."""
    if which(tool) is None:
        return Check("OK", tool, f"{tool} is not on PATH: nothing to check")
    named = _named_bundle(tool, der, env, variables, fix)
    if named is not None:
        return named
    if system:
        return Check("OK", tool, "trusts the CA through the system store")
    return Check("WARN", tool, f"none of {', '.join(variables)} is set: {tool} does not trust the CA", fix)
