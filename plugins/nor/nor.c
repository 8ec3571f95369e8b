/* nor: Norway's native module — checks the national identity number (fødselsnummer or D-number). */
#include <stdio.h>
#include <string.h>

#include <certkiosk/plugin.h>

/* Borrowed from the host at entry; valid for the life of the process. */
static const CkPluginHost *host;

/* Reasons in Norwegian Bokmål when the session is in nb/no/nn, else English. */
typedef enum Reason {
    R_LENGTH,
    R_DIGITS,
    R_DATE,
    R_INDIVIDUAL,
    R_NO_CHECK_DIGIT,
    R_CHECK1,
    R_CHECK2,
} Reason;

static const char *const reasons_en[] = {
    [R_LENGTH] = "a national identity number has exactly 11 digits",
    [R_DIGITS] = "a national identity number has only digits",
    [R_DATE] = "the first six digits are not a valid date of birth",
    [R_INDIVIDUAL] = "the individual number (digits 7 to 9) does not fit the year of birth",
    [R_NO_CHECK_DIGIT] =
        "no valid number begins with these nine digits (check digit 1 would be 10)",
    [R_CHECK1] = "check digit 1 is wrong: please check the number for a typing error",
    [R_CHECK2] = "check digit 2 is wrong: please check the number for a typing error",
};

static const char *const reasons_nb[] = {
    [R_LENGTH] = "et fødselsnummer har nøyaktig 11 sifre",
    [R_DIGITS] = "et fødselsnummer har bare sifre",
    [R_DATE] = "de seks første sifrene er ikke en gyldig fødselsdato",
    [R_INDIVIDUAL] = "individnummeret (siffer 7 til 9) passer ikke med fødselsåret",
    [R_NO_CHECK_DIGIT] =
        "ingen gyldige nummer begynner med disse ni sifrene (kontrollsiffer 1 ville blitt 10)",
    [R_CHECK1] = "kontrollsiffer 1 er feil: se etter en skrivefeil i nummeret",
    [R_CHECK2] = "kontrollsiffer 2 er feil: se etter en skrivefeil i nummeret",
};

/* The French and Greek reasons are draft translations of the English (like the
 * manifest's el and fr texts: plugins/SOURCES.md), so that a French or Greek
 * screen does not explain a Norwegian number in English (issue 14). */
static const char *const reasons_fr[] = {
    [R_LENGTH] = "un numéro d'identité national compte exactement 11 chiffres",
    [R_DIGITS] = "un numéro d'identité national ne compte que des chiffres",
    [R_DATE] = "les six premiers chiffres ne forment pas une date de naissance valable",
    [R_INDIVIDUAL] = "le numéro individuel (chiffres 7 à 9) ne correspond pas à l'année de naissance",
    [R_NO_CHECK_DIGIT] =
        "aucun numéro valable ne commence par ces neuf chiffres (la clé de contrôle 1 vaudrait 10)",
    [R_CHECK1] = "la clé de contrôle 1 est fausse : cherchez une faute de frappe dans le numéro",
    [R_CHECK2] = "la clé de contrôle 2 est fausse : cherchez une faute de frappe dans le numéro",
};

static const char *const reasons_el[] = {
    [R_LENGTH] = "ο αριθμός ταυτότητας έχει ακριβώς 11 ψηφία",
    [R_DIGITS] = "ο αριθμός ταυτότητας έχει μόνο ψηφία",
    [R_DATE] = "τα έξι πρώτα ψηφία δεν είναι έγκυρη ημερομηνία γέννησης",
    [R_INDIVIDUAL] = "ο ατομικός αριθμός (ψηφία 7 έως 9) δεν ταιριάζει με το έτος γέννησης",
    [R_NO_CHECK_DIGIT] =
        "κανένας έγκυρος αριθμός δεν αρχίζει με αυτά τα εννέα ψηφία (το ψηφίο ελέγχου 1 θα ήταν 10)",
    [R_CHECK1] = "το ψηφίο ελέγχου 1 είναι λάθος: ελέγξτε τον αριθμό για λάθος πληκτρολόγησης",
    [R_CHECK2] = "το ψηφίο ελέγχου 2 είναι λάθος: ελέγξτε τον αριθμό για λάθος πληκτρολόγησης",
};

/* The reasons in the host's UI language: Norwegian, French, Greek, else English. */
static const char *const *
reasons_for_locale(void)
{
    const char *loc = host != NULL && host->locale != NULL ? host->locale(host->ctx) : NULL;

    if (loc == NULL)
        return reasons_en;
    if (strncmp(loc, "nb", 2) == 0 || strncmp(loc, "nn", 2) == 0 || strncmp(loc, "no", 2) == 0)
        return reasons_nb;
    if (strncmp(loc, "fr", 2) == 0)
        return reasons_fr;
    if (strncmp(loc, "el", 2) == 0)
        return reasons_el;
    return reasons_en;
}

static CkPluginStatus
refuse(Reason r, char *reason, size_t reason_len)
{
    const char *text = reasons_for_locale()[r];

    if (reason != NULL && reason_len > 0)
        snprintf(reason, reason_len, "%s", text);
    return CK_PLUGIN_INVALID;
}

static int
is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The century follows from the individual number (Skatteetaten's rule):
 * 000-499 → 1900-1999; 500-749 with YY 54-99 → 1854-1899; 500-999 with
 * YY 00-39 → 2000-2039; 900-999 with YY 40-99 → 1940-1999. Any other
 * combination was never issued. Returns the full year, or -1. */
static int
full_year(int yy, int individual)
{
    if (individual <= 499)
        return 1900 + yy;
    if (individual <= 749 && yy >= 54)
        return 1800 + yy;
    if (yy <= 39)
        return 2000 + yy;
    if (individual >= 900)
        return 1900 + yy;
    return -1;
}

/* The mod-11 check digit of d[0..n-1] with weights w, or -1 when the
 * remainder is 1 (no digit fits, so no valid number has that prefix). */
static int
check_digit(const int *d, const int *w, int n)
{
    int sum = 0, r;

    for (int i = 0; i < n; i++)
        sum += d[i] * w[i];
    r = sum % 11;
    if (r == 0)
        return 0;
    if (r == 1)
        return -1;
    return 11 - r;
}

static CkPluginStatus
nor_validate(void *ctx, const char *number, char *reason, size_t reason_len)
{
    static const int w1[9] = {3, 7, 6, 1, 8, 9, 4, 5, 2};
    static const int w2[10] = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int d[11], day, month, yy, year, individual, k1, k2;
    size_t len;

    (void)ctx;
    if (number == NULL)
        return refuse(R_LENGTH, reason, reason_len);
    len = strlen(number);
    for (size_t i = 0; i < len; i++)
        if (number[i] < '0' || number[i] > '9')
            return refuse(R_DIGITS, reason, reason_len);
    if (len != 11)
        return refuse(R_LENGTH, reason, reason_len);
    for (int i = 0; i < 11; i++)
        d[i] = number[i] - '0';

    day = d[0] * 10 + d[1];
    month = d[2] * 10 + d[3];
    yy = d[4] * 10 + d[5];
    individual = d[6] * 100 + d[7] * 10 + d[8];
    if (day > 40) /* a D-number: the first digit is raised by 4 */
        day -= 40;
    if ((year = full_year(yy, individual)) < 0)
        return refuse(R_INDIVIDUAL, reason, reason_len);
    if (month < 1 || month > 12 || day < 1 ||
        day > mdays[month - 1] + (month == 2 && is_leap(year)))
        return refuse(R_DATE, reason, reason_len);

    if ((k1 = check_digit(d, w1, 9)) < 0)
        return refuse(R_NO_CHECK_DIGIT, reason, reason_len);
    if (k1 != d[9])
        return refuse(R_CHECK1, reason, reason_len);
    if ((k2 = check_digit(d, w2, 10)) < 0 || k2 != d[10])
        return refuse(R_CHECK2, reason, reason_len);
    return CK_PLUGIN_OK;
}

/* Records which kind of number was checked, so a verifier knows the rule
 * applied; the number itself stays in the credential subject only. */
static CkPluginStatus
nor_extra_claims(void *ctx, const char *number, CkPluginCategory category, CkPluginClaim *claims,
                 size_t cap, size_t *count_out)
{
    (void)ctx;
    (void)category;
    *count_out = 0;
    if (cap < 1)
        return CK_PLUGIN_NOSPACE;
    snprintf(claims[0].key, sizeof claims[0].key, "%s", "nor.idKind");
    snprintf(claims[0].value, sizeof claims[0].value, "%s",
             number != NULL && number[0] >= '4' ? "d-number" : "fodselsnummer");
    *count_out = 1;
    return CK_PLUGIN_OK;
}

static const CkPlugin plugin = {
    .struct_size = sizeof(CkPlugin),
    .abi_major = CK_PLUGIN_ABI_MAJOR,
    .abi_minor = CK_PLUGIN_ABI_MINOR,
    .nation = "NOR",
    .name = "Norway: national identity number (fødselsnummer, D-number)",
    .version = "2026.1.0",
    .validate_service_number = nor_validate,
    .extra_claims = nor_extra_claims,
    /* must_certify and validity_days: the manifest's rules say it. */
};

CK_PLUGIN_EXPORT CkPluginStatus
CK_PLUGIN_ENTRY(const CkPluginHost *h, const CkPlugin **plugin_out, char *err, size_t err_len)
{
    if (h == NULL || h->abi_major != CK_PLUGIN_ABI_MAJOR ||
        h->struct_size < offsetof(CkPluginHost, reserved)) {
        snprintf(err, err_len, "nor: host ABI is not version %d", CK_PLUGIN_ABI_MAJOR);
        return CK_PLUGIN_FAILED;
    }
    host = h;
    *plugin_out = &plugin;
    return CK_PLUGIN_OK;
}
