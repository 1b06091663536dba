"""The upstream for the live benchmark: a fast keep-alive HTTP/1.1 server on 127.0.0.1 (TLS optional).

Answers each request with the canned response of the mix kind named in its `x-bench-kind` header,
so proxied Pinterest calls get Pinterest-like answers. Run: `python -m pinbench.upstream [--tls DIR]`;
it prints its port, then serves until stdin closes.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import ssl
import sys
from pathlib import Path

from pinbench import mix

LOCALHOST = "127.0.0.1"


def canned() -> list[bytes]:
    """The raw response of every mix kind, by index."""
    out = []
    for kind in mix.KINDS:
        body = mix.PAGE if kind.body is None else json.dumps(kind.body).encode()
        headers = {"content-type": "text/html" if kind.body is None else "application/json",
                   **dict(kind.headers), "content-length": str(len(body))}
        if kind.pinterest:
            headers["x-pinterest-rid"] = "0123456789abcdef"
        head = f"HTTP/1.1 {kind.status} X\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        out.append(head.encode() + b"\r\n" + body)
    return out


async def _serve_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                            responses: list[bytes]) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length, kind = 0, 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"x-bench-kind":
                    kind = int(value)
            if length:
                await reader.readexactly(length)
            writer.write(responses[kind % len(responses)])
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError, ValueError):
        pass
    finally:
        writer.close()


def self_signed(folder: Path) -> ssl.SSLContext:
    """A server context with a fresh self-signed certificate for 127.0.0.1."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pinscope-bench")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=2)).sign(key, hashes.SHA256()))
    pem = folder / "upstream.pem"
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())
                    + cert.public_bytes(serialization.Encoding.PEM))
    pem.chmod(0o600)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pem)
    return context


async def main(tls: Path | None) -> None:
    """Serve until stdin reaches end of file (the parent's pipe closes)."""
    responses = canned()
    context = self_signed(tls) if tls else None
    server = await asyncio.start_server(lambda r, w: _serve_connection(r, w, responses),
                                        LOCALHOST, 0, ssl=context, backlog=512)
    print(server.sockets[0].getsockname()[1], flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--tls", type=Path, help="folder for a self-signed certificate (serve HTTPS)")
    asyncio.run(main(parser.parse_args().tls))
