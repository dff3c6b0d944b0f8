#!/usr/bin/env python3
"""The reference Python form of SPEC §2–§3, for interop tests: canonical JSON, keys,
and envelope signatures exactly as the reference implementation writes them.

Only the standard library `json` and the `cryptography` package are used, and nothing
here is shared with the TypeScript code under test.

Protocol: one JSON command per line on stdin, one JSON answer per line on stdout, in
order. Every answer has `ok`; a failed command answers `{"ok": false, "reason": code,
"error": message}`. Answers are written with ensure_ascii so lone surrogates survive.

Ops:
  {"op": "canonical", "text": T, "omit"?: [names]}
      -> {"ok": true, "canonical": C}
      C = json.dumps(json.loads(T), sort_keys=True, separators=(",", ":"),
      ensure_ascii=False), leaving out the named top-level members of an object.
      A T that json.loads refuses -> {"ok": false, "reason": "invalid_json"}.
  {"op": "repr_float", "value": V}
      -> {"ok": true, "repr": repr(float(V))}; V is a JSON number or a string
      that float() reads ("-0", "1e-400").
  {"op": "keygen"}
      -> {"ok": true, "private_pem": PKCS#8 PEM, "pubkey": std base64 of the raw
      32-byte key, "fingerprint": lowercase hex sha256 of the raw key}
  {"op": "sign", "private_pem": P, "envelope": {...} | "envelope_text": T,
   "omit"?: [names, default ["sign"]]}
      -> {"ok": true, "envelope": E, "envelope_text": json.dumps(E), "signed_text": S}
      E is the envelope with sign = {"algo": "ed25519", "signature": base64} over
      the UTF-8 of S, the canonical form without the omitted top-level members.
      Pass envelope_text to choose the number lexemes (1.0 stays a float).
  {"op": "verify", "envelope_text": T, "omit"?: [names, default ["sign"]]}
      -> {"ok": true} or {"ok": false, "reason": R}, R one of invalid_json,
      missing_field, bad_pubkey, fingerprint_mismatch, malformed_signature,
      bad_signature. The key is sender.pubkey; sender.fingerprint must equal its
      sha256; the signature is checked over the canonical form of the parsed T.

Run: python3 test/interop/reference.py   (e.g. from test/helpers/python-reference.ts)
"""
import base64
import binascii
import hashlib
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)


class Refused(Exception):
    """A command that fails with a reason code."""

    def __init__(self, reason, error=""):
        super().__init__(error or reason)
        self.reason = reason


def canonical(value, omit=()):
    """SPEC §3: the canonical text of a parsed JSON value."""
    if isinstance(value, dict) and omit:
        value = {k: v for k, v in value.items() if k not in omit}
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def load(text):
    try:
        return json.loads(text)
    except ValueError as err:
        raise Refused("invalid_json", str(err))


def raw_public(public_key):
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def op_canonical(cmd):
    return {"canonical": canonical(load(cmd["text"]), cmd.get("omit", ()))}


def op_repr_float(cmd):
    return {"repr": repr(float(cmd["value"]))}


def op_keygen(cmd):
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    raw = raw_public(key.public_key())
    return {
        "private_pem": pem,
        "pubkey": base64.b64encode(raw).decode("ascii"),
        "fingerprint": hashlib.sha256(raw).hexdigest(),
    }


def op_sign(cmd):
    key = serialization.load_pem_private_key(cmd["private_pem"].encode("ascii"), password=None)
    envelope = load(cmd["envelope_text"]) if "envelope_text" in cmd else cmd["envelope"]
    signed_text = canonical(envelope, cmd.get("omit", ["sign"]))
    signature = key.sign(signed_text.encode("utf-8"))
    envelope["sign"] = {"algo": "ed25519", "signature": base64.b64encode(signature).decode("ascii")}
    return {
        "envelope": envelope,
        "envelope_text": json.dumps(envelope, ensure_ascii=False),
        "signed_text": signed_text,
    }


def strict_b64(text, reason):
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, TypeError, ValueError):
        raise Refused(reason)


def op_verify(cmd):
    envelope = load(cmd["envelope_text"])
    try:
        pubkey = envelope["sender"]["pubkey"]
        fingerprint = envelope["sender"]["fingerprint"]
        signature = envelope["sign"]["signature"]
    except (KeyError, TypeError):
        raise Refused("missing_field")
    raw = strict_b64(pubkey, "bad_pubkey")
    if len(raw) != 32:
        raise Refused("bad_pubkey")
    if hashlib.sha256(raw).hexdigest() != fingerprint:
        raise Refused("fingerprint_mismatch")
    sig = strict_b64(signature, "malformed_signature")
    if len(sig) != 64:
        raise Refused("malformed_signature")
    signed_text = canonical(envelope, cmd.get("omit", ["sign"]))
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(sig, signed_text.encode("utf-8"))
    except InvalidSignature:
        raise Refused("bad_signature")
    return {}


OPS = {
    "canonical": op_canonical,
    "repr_float": op_repr_float,
    "keygen": op_keygen,
    "sign": op_sign,
    "verify": op_verify,
}


def answer(line):
    try:
        cmd = json.loads(line)
        op = OPS.get(cmd.get("op"))
        if op is None:
            raise Refused("unknown_op", "unknown op %r" % cmd.get("op"))
        return {"ok": True, **op(cmd)}
    except Refused as err:
        return {"ok": False, "reason": err.reason, "error": str(err)}
    except Exception as err:  # a broken command must not end the session
        return {"ok": False, "reason": "error", "error": "%s: %s" % (type(err).__name__, err)}


def main():
    sys.stdin.reconfigure(encoding="utf-8", errors="surrogatepass")
    for line in sys.stdin:
        if line.strip():
            sys.stdout.write(json.dumps(answer(line)) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
