#!/usr/bin/env python3
"""Token issuer for the token-auth test registry (distribution 2.8 `auth.token`), Docker Hub style.

    token_issuer.py <signing-key.pem (PKCS8)> <signing-cert.pem> <issuer> <service> <ttl-seconds>

Users come from the environment variable ISSUER_USERS ("name:password" per line). It listens on a
free loopback port and prints "port <n>" as its first stdout line.

GET /token?service=<service>&scope=<type:name:actions>[&scope=...]   (POST: OAuth2 password grant)
  Basic auth with a known user -> every requested action granted; wrong password -> 401;
  no Authorization -> anonymous, "pull" only. Answers {"token", "access_token", "expires_in", "issued_at"}.
  Every request is logged to stderr as "<user> <scopes>" (never the password).

Requires PyJWT and cryptography (see tests/install-testinfra.sh).
"""
import base64
import datetime
import hashlib
import http.server
import json
import os
import sys
import time
import urllib.parse
import uuid

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization

KEY_PATH, CERT_PATH, ISSUER, SERVICE, TTL = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
USERS = dict(
    line.split(":", 1) for line in os.environ.get("ISSUER_USERS", "").splitlines() if ":" in line
)

with open(KEY_PATH, "rb") as f:
    SIGNING_KEY = f.read()
with open(CERT_PATH, "rb") as f:
    CERT = x509.load_pem_x509_certificate(f.read())


def key_id(cert):
    """distribution's libtrust key id: base32 of the first 30 bytes of sha256(SPKI DER), 4-char groups."""
    spki = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    text = base64.b32encode(hashlib.sha256(spki).digest()[:30]).decode().rstrip("=")
    return ":".join(text[i : i + 4] for i in range(0, len(text), 4))


KID = key_id(CERT)


def access_list(scopes, allowed):
    result = []
    for scope in scopes:
        for item in scope.split():
            kind, _, rest = item.partition(":")
            name, _, actions = rest.rpartition(":")
            if not kind or not name:
                continue
            granted = [a for a in actions.split(",") if a in allowed or "*" in allowed]
            result.append({"type": kind, "name": name, "actions": granted})
    return result


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):  # keep stderr for our own one-line log
        pass

    def reply(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        query = urllib.parse.parse_qs(url.query)
        if url.path != "/token":
            return self.reply(404, {"errors": [{"code": "NOT_FOUND", "message": "no such endpoint"}]})
        name = password = None
        header = self.headers.get("Authorization", "")
        if header.lower().startswith("basic "):
            name, _, password = base64.b64decode(header[6:]).decode("utf-8", "replace").partition(":")
        self.issue(query.get("service", [SERVICE])[0], name, password, query.get("scope", []))

    def do_POST(self):
        """OAuth2 password grant (docker/containerd clients such as helm 3.9 use it after a login)."""
        if urllib.parse.urlparse(self.path).path != "/token":
            return self.reply(404, {"errors": [{"code": "NOT_FOUND", "message": "no such endpoint"}]})
        length = int(self.headers.get("Content-Length", "0"))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        if form.get("grant_type", [""])[0] != "password":
            return self.reply(400, {"errors": [{"code": "UNSUPPORTED", "message": "only grant_type=password"}]})
        scopes = " ".join(form.get("scope", [])).split()
        self.issue(form.get("service", [SERVICE])[0], form.get("username", [""])[0], form.get("password", [""])[0], scopes)

    def issue(self, service, name, password, scopes):
        if service != SERVICE:
            return self.reply(400, {"errors": [{"code": "DENIED", "message": "unknown service"}]})
        user, allowed = "anonymous", {"pull"}
        if name is not None:
            if name not in USERS or USERS[name] != password:
                sys.stderr.write(f"denied {name}\n")
                sys.stderr.flush()
                return self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": "invalid username or password"}]})
            user, allowed = name, {"pull", "push", "delete", "*"}
        sys.stderr.write(f"{user} {' '.join(scopes)}\n")
        sys.stderr.flush()
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "sub": user,
            "aud": SERVICE,  # distribution 2.8 wants a plain string here
            "exp": now + TTL,
            "nbf": now - 1,
            "iat": now,
            "jti": uuid.uuid4().hex,
            "access": access_list(scopes, allowed),
        }
        token = jwt.encode(claims, SIGNING_KEY, algorithm="ES256", headers={"kid": KID})
        issued = datetime.datetime.now(datetime.timezone.utc).isoformat()
        self.reply(200, {"token": token, "access_token": token, "expires_in": TTL, "issued_at": issued})


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"port {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
