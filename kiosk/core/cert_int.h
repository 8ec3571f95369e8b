/* cert_int: what cert.c (rules, verification), cert_sign.c and cert_read.c share. */
#ifndef CERTKIOSK_CERT_INT_H
#define CERTKIOSK_CERT_INT_H

#include "cert.h"

#define VC_CONTEXT "https://www.w3.org/ns/credentials/v2"
#define VC_TYPE "CthbCertificate"
#define CERT_STATUS_TYPE "CertkioskRevocationList"
#define URN_CERT "urn:certkiosk:"
#define URN_KIOSK "urn:certkiosk:kiosk:"
#define URN_BUNDLE "urn:certkiosk:bundle:"

/* Evidence item types (format 2). */
#define EV_ACK "CodeOfConductAcknowledgement"
#define EV_QUIZ "QuizResult"
#define EV_TRAINING "TrainingConfirmation"

/* Where the withholdable claims land once disclosed (format 2). */
#define PATH_SERVICE "credentialSubject.serviceRecord"

/* Checks claims (as signed or as decoded); code is CK_ERR_USAGE when
 * signing, CK_ERR_FORMAT when decoding. A presentation need not carry the
 * claims it withholds. */
CkErr cert_check_claims(const CertClaims *c, CkErr code);

/* The serial must be "<kiosk_id>-<digits>", so one kiosk cannot mint another's serials. */
CkErr cert_check_serial(const char *serial, const char *kiosk_id, CkErr code);

/* Fills c (zeroed by the caller) from a parsed certificate of either format
 * and checks every rule; c->form and c->disclosed say what it was. */
CkErr cert_read_claims(const SdJwt *sd, CertClaims *c);

#endif
