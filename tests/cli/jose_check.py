#!/usr/bin/python3
"""jose_check: verify a compact JWS with an independent JOSE library (jwcrypto).

usage: jose_check.py KEY.jwk CERT.jws
Prints the certificate id and exits 0 when jwcrypto accepts the EdDSA
signature with the given public JWK; exits 1 when it rejects it.
"""
import json
import sys

from jwcrypto import jwk, jws


def main():
    with open(sys.argv[1]) as f:
        key_json = json.load(f)
    # Only the RFC 8037 members: certkiosk's own members stay out of it.
    key = jwk.JWK(kty=key_json["kty"], crv=key_json["crv"], x=key_json["x"])
    with open(sys.argv[2]) as f:
        token = f.read().strip()
    obj = jws.JWS()
    obj.deserialize(token)
    try:
        obj.verify(key, alg="EdDSA")
    except Exception as e:  # jwcrypto raises InvalidJWSSignature
        print("jwcrypto: rejected: %s" % e)
        return 1
    print("jwcrypto: accepted %s" % json.loads(obj.payload)["id"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
