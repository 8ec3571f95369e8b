#!/usr/bin/python3
"""jose_check: verify a certificate's issuer-signed JWT with an independent JOSE library (jwcrypto).

usage: jose_check.py KEY.jwk CERT
CERT is an SD-JWT ("<jws>~<disclosure>~...~", RFC 9901) or a format-1 compact JWS. Prints
the certificate id and exits 0 when jwcrypto accepts the EdDSA signature of the issuer-signed
JWT with the given public JWK, its kid names that key as "<issuer>#<key id>" (VC-JOSE-COSE),
and every disclosure's SHA-256 digest is in the payload or in another disclosure; exits 1
otherwise.
"""
import base64
import hashlib
import json
import sys

from jwcrypto import jwk, jws


def b64d(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def main():
    with open(sys.argv[1]) as f:
        key_json = json.load(f)
    # Only the RFC 8037 members: certkiosk's own members stay out of it.
    key = jwk.JWK(kty=key_json["kty"], crv=key_json["crv"], x=key_json["x"])
    with open(sys.argv[2]) as f:
        parts = f.read().strip().split("~")
    obj = jws.JWS()
    obj.deserialize(parts[0])
    try:
        obj.verify(key, alg="EdDSA")
    except Exception as e:  # jwcrypto raises InvalidJWSSignature
        print("jwcrypto: rejected: %s" % e)
        return 1
    payload = json.loads(obj.payload)
    header = obj.jose_header
    if len(parts) > 1:
        if header.get("typ") != "vc+sd-jwt" or parts[-1] != "":
            print("jwcrypto: rejected: typ %r for an SD-JWT" % header.get("typ"))
            return 1
        if header.get("kid") != payload["issuer"] + "#" + key_json["kid"]:
            print("jwcrypto: rejected: kid %r is not the issuer's key" % header.get("kid"))
            return 1
        known = json.dumps(payload) + "".join(b64d(d).decode() for d in parts[1:-1])
        for d in parts[1:-1]:
            digest = base64.urlsafe_b64encode(hashlib.sha256(d.encode()).digest()).decode()
            if digest.rstrip("=") not in known:
                print("jwcrypto: rejected: a disclosure's digest is not in the certificate")
                return 1
    print("jwcrypto: accepted %s" % payload["id"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
