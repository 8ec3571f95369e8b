// sdjwt_check: verifies a certificate or presentation with an independent SD-JWT implementation
// (npm @sd-jwt/core and @sd-jwt/sd-jwt-vc) and expands its claims with jsonld.js, serving the
// W3C VC 2.0 context and certkiosk's shipped context from files (nothing is fetched).
//
// usage: node sdjwt_check.cjs NODE_MODULES CONTEXT.jsonld KIOSK.jwk CERT
// Prints one JSON line: {"valid":true,"typ","kid","id","disclosures":n,"disclosed":[...],
// "withheld":[...],"claims":{...},"jsonld":"ok"}; exits 1 with {"valid":false,"error"} when the
// SD-JWT does not verify or an expansion would drop a term.
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const [nm, ctxFile, jwkFile, certFile] = process.argv.slice(2);
const need = (m) => require(path.join(nm, m));
const { SDJwtInstance } = need('@sd-jwt/core');
const { SDJwtVcInstance } = need('@sd-jwt/sd-jwt-vc');
const jsonld = need('jsonld');

const CONTEXTS = {
  'https://www.w3.org/ns/credentials/v2':
    path.join(nm, '@digitalbazaar/credentials-context/contexts/v2.jsonld'),
  'https://w3id.org/certkiosk/v1': ctxFile,
};
const WITHHOLDABLE = ['serviceNumber', 'rank', 'unit', 'operation', 'evidence'];

function fail(error) {
  console.log(JSON.stringify({ valid: false, error: String(error && error.message || error) }));
  process.exit(1);
}

async function main() {
  const jwk = JSON.parse(fs.readFileSync(jwkFile, 'utf8'));
  const key = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
  const text = fs.readFileSync(certFile, 'utf8').trim();
  const config = {
    hasher: (data, alg) => {
      if (alg !== 'sha-256') throw new Error('unexpected hash ' + alg);
      return new Uint8Array(crypto.createHash('sha256').update(data).digest());
    },
    hashAlg: 'sha-256',
    verifier: (data, sig) => crypto.verify(null, Buffer.from(data), key, Buffer.from(sig, 'base64url')),
  };
  // Both libraries must accept it: the generic SD-JWT one and the SD-JWT VC one.
  const core = new SDJwtInstance(config);
  const vc = new SDJwtVcInstance(config);
  const { payload, header } = await core.verify(text);
  await vc.verify(text);
  const decoded = await core.decode(text);
  if (header.typ !== 'vc+sd-jwt') throw new Error('typ is ' + header.typ);
  if (header.kid !== payload.issuer + '#' + jwk.kid) throw new Error('kid ' + header.kid + ' is not the issuer\'s key');
  for (const k of ['_sd', '_sd_alg']) if (k in payload) throw new Error(k + ' left in the claims');
  const svc = (payload.credentialSubject || {}).serviceRecord || {};
  const has = (k) => (k === 'evidence' ? 'evidence' in payload : k in svc);
  // JSON-LD: every term defined; nothing dropped (safe mode throws on any loss).
  const documentLoader = async (url) => {
    if (!(url in CONTEXTS)) throw new Error('verification must not fetch ' + url);
    return { contextUrl: null, documentUrl: url, document: JSON.parse(fs.readFileSync(CONTEXTS[url], 'utf8')) };
  };
  // The check itself must be able to fail: an undefined term is an error in safe mode.
  const control = await jsonld.expand({ ...payload, notATerm: 1 }, { documentLoader, safe: true })
    .then(() => 'kept', () => 'refused');
  if (control !== 'refused') throw new Error('jsonld safe mode did not refuse an undefined term');
  const expanded = await jsonld.expand(payload, { documentLoader, safe: true });
  const flat = JSON.stringify(expanded);
  if (flat.includes('issuer-dependent')) throw new Error('a term fell back to @vocab');
  console.log(JSON.stringify({
    valid: true, typ: header.typ, kid: header.kid, id: payload.id,
    disclosures: decoded.disclosures.length,
    disclosed: WITHHOLDABLE.filter(has), withheld: WITHHOLDABLE.filter((k) => !has(k)),
    claims: payload, jsonld: 'ok', expandedTerms: (flat.match(/w3id\.org\/certkiosk\/v1#/g) || []).length,
  }));
}

main().catch(fail);
