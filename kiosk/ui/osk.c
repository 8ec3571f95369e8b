/* osk: the on-screen keyboards. Each key is a widget with ID "key-<text>" (or
 * "key-shift", "key-space", "key-back", "key-layout-<name>"), so replays can
 * type by tapping. */
#include "osk.h"

#include <stdio.h>
#include <string.h>

#define OSK_ROWS 4
#define OSK_COLS 11

/* Lower-case rows; "" pads a row. Upper case comes from a table of the same shape. */
static const char *const osk_latin[OSK_ROWS][OSK_COLS] = {
    {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "-"},
    {"q", "w", "e", "r", "t", "y", "u", "i", "o", "p", "'"},
    {"a", "s", "d", "f", "g", "h", "j", "k", "l", ".", ","},
    {"z", "x", "c", "v", "b", "n", "m", "/", "", "", ""},
};
static const char *const osk_latin_up[OSK_ROWS][OSK_COLS] = {
    {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "-"},
    {"Q", "W", "E", "R", "T", "Y", "U", "I", "O", "P", "'"},
    {"A", "S", "D", "F", "G", "H", "J", "K", "L", ".", ","},
    {"Z", "X", "C", "V", "B", "N", "M", "/", "", "", ""},
};
static const char *const osk_accents[OSK_ROWS][OSK_COLS] = {
    {"à", "á", "â", "ä", "ã", "å", "æ", "ç", "č", "ć", "đ"},
    {"è", "é", "ê", "ë", "ě", "ì", "í", "î", "ï", "ł", "ñ"},
    {"ò", "ó", "ô", "ö", "õ", "ø", "œ", "ř", "š", "ș", "ț"},
    {"ù", "ú", "û", "ü", "ů", "ý", "ž", "ß", "ğ", "ş", "ı"},
};
static const char *const osk_accents_up[OSK_ROWS][OSK_COLS] = {
    {"À", "Á", "Â", "Ä", "Ã", "Å", "Æ", "Ç", "Č", "Ć", "Đ"},
    {"È", "É", "Ê", "Ë", "Ě", "Ì", "Í", "Î", "Ï", "Ł", "Ñ"},
    {"Ò", "Ó", "Ô", "Ö", "Õ", "Ø", "Œ", "Ř", "Š", "Ș", "Ț"},
    {"Ù", "Ú", "Û", "Ü", "Ů", "Ý", "Ž", "ẞ", "Ğ", "Ş", "İ"},
};
static const char *const osk_greek[OSK_ROWS][OSK_COLS] = {
    {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "-"},
    {"ς", "ε", "ρ", "τ", "υ", "θ", "ι", "ο", "π", "ά", "έ"},
    {"α", "σ", "δ", "φ", "γ", "η", "ξ", "κ", "λ", "ή", "ί"},
    {"ζ", "χ", "ψ", "ω", "β", "ν", "μ", "ό", "ύ", "ώ", "ϊ"},
};
static const char *const osk_greek_up[OSK_ROWS][OSK_COLS] = {
    {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "-"},
    {"Σ", "Ε", "Ρ", "Τ", "Υ", "Θ", "Ι", "Ο", "Π", "Ά", "Έ"},
    {"Α", "Σ", "Δ", "Φ", "Γ", "Η", "Ξ", "Κ", "Λ", "Ή", "Ί"},
    {"Ζ", "Χ", "Ψ", "Ω", "Β", "Ν", "Μ", "Ό", "Ύ", "Ώ", "Ϊ"},
};
static const char *const osk_cyrillic[OSK_ROWS][OSK_COLS] = {
    {"й", "ц", "у", "к", "е", "н", "г", "ш", "щ", "з", "х"},
    {"ф", "ы", "в", "а", "п", "р", "о", "л", "д", "ж", "э"},
    {"я", "ч", "с", "м", "и", "т", "ь", "б", "ю", "ъ", "ё"},
    {"і", "ї", "є", "ґ", "ј", "љ", "њ", "ћ", "џ", "-", "'"},
};
static const char *const osk_cyrillic_up[OSK_ROWS][OSK_COLS] = {
    {"Й", "Ц", "У", "К", "Е", "Н", "Г", "Ш", "Щ", "З", "Х"},
    {"Ф", "Ы", "В", "А", "П", "Р", "О", "Л", "Д", "Ж", "Э"},
    {"Я", "Ч", "С", "М", "И", "Т", "Ь", "Б", "Ю", "Ъ", "Ё"},
    {"І", "Ї", "Є", "Ґ", "Ј", "Љ", "Њ", "Ћ", "Џ", "-", "'"},
};
void
osk_reset(Osk *k, OskLayout layout, bool names, const char *lang)
{
    memset(k, 0, sizeof *k);
    k->layout = k->base = layout;
    k->auto_shift = names;
    k->shift = names;
    k->last_len = (size_t)-1; /* not told yet */
    snprintf(k->lang, sizeof k->lang, "%s", lang != NULL ? lang : "");
}

void
osk_field_changed(Osk *k, const char *value)
{
    size_t n = strlen(value);

    /* Only the start of the field suggests a capital, and only once per
     * time it is empty: the person's Shift is never recomputed. */
    if (k->last_len == (size_t)-1) {
        if (k->auto_shift && !k->caps)
            k->shift = n == 0; /* focused with a value: no capital mid-name */
    } else if (k->auto_shift && !k->caps && n == 0 && k->last_len != 0) {
        k->shift = true;
    }
    k->last_len = n;
}

/* The UI language's own letters, on the main layer's last row (slots 7-10). */
static const char *const *
osk_extra(const Osk *k, bool upper)
{
    static const char *const nb[2][4] = {{"/", "\xC3\xA6", "\xC3\xB8", "\xC3\xA5"},
                                         {"/", "\xC3\x86", "\xC3\x98", "\xC3\x85"}};
    static const char *const fr[2][4] = {{"\xC3\xA0", "\xC3\xA9", "\xC3\xA8", "\xC3\xA7"},
                                         {"\xC3\x80", "\xC3\x89", "\xC3\x88", "\xC3\x87"}};
    static const char *const none[2][4] = {{"/", "", "", ""}, {"/", "", "", ""}};

    if (strcmp(k->lang, "nb") == 0 || strcmp(k->lang, "nn") == 0 || strcmp(k->lang, "da") == 0)
        return nb[upper];
    if (strcmp(k->lang, "fr") == 0)
        return fr[upper];
    return none[upper];
}

static bool
osk_is_keypad(OskLayout l)
{
    return l == OSK_DIGITS || l == OSK_DATE;
}

int
osk_height(const Osk *k, int key_h, int gap)
{
    int rows = osk_is_keypad(k->layout) ? 4 : OSK_ROWS + 1;

    return rows * key_h + (rows - 1) * gap;
}

int
osk_width(const Osk *k, int key_w, int gap)
{
    int cols = osk_is_keypad(k->layout) ? 3 : OSK_COLS;

    return cols * key_w + (cols - 1) * gap;
}

static bool
osk_key(Ui *ui, SDL_Rect r, const char *text, bool special, const char *idpart)
{
    char id[UI_ID_MAX];

    snprintf(id, sizeof id, "key-%s", idpart ? idpart : text);
    return ui_key(ui, id, r, text, special);
}

static OskAction
osk_type(Osk *k, const char *s)
{
    snprintf(k->out, sizeof k->out, "%s", s);
    if (k->shift && !k->caps)
        k->shift = false;
    return OSK_TEXT;
}

static OskAction
osk_keypad(Osk *k, Ui *ui, SDL_Rect r, int key_h, int gap)
{
    static const char *const pad[4][3] = {
        {"1", "2", "3"}, {"4", "5", "6"}, {"7", "8", "9"}, {"", "0", ""}};
    int kw = (r.w - 2 * gap) / 3;
    OskAction a = OSK_NONE;

    for (int row = 0; row < 4; row++)
        for (int col = 0; col < 3; col++) {
            SDL_Rect kr = {r.x + col * (kw + gap), r.y + row * (key_h + gap), kw, key_h};
            const char *t = pad[row][col];
            if (*t) {
                if (osk_key(ui, kr, t, false, NULL))
                    a = osk_type(k, t);
            } else if (col == 2) {
                if (osk_key(ui, kr, "\xE2\x8C\xAB", true, "back"))
                    a = OSK_BACKSPACE;
            } else if (k->layout == OSK_DATE) {
                if (osk_key(ui, kr, "-", false, NULL))
                    a = osk_type(k, "-");
            } else if (osk_key(ui, kr, "ABC", true, "layout-letters")) {
                k->layout = OSK_LETTERS;
                k->shift = true;
                ui_invalidate(ui);
            }
        }
    return a;
}

OskAction
osk_do(Osk *k, Ui *ui, SDL_Rect r, int key_h, int gap)
{
    OskAction a = OSK_NONE;

    if (osk_is_keypad(k->layout))
        return osk_keypad(k, ui, r, key_h, gap);

    const char *const(*rows)[OSK_COLS] =
        k->layout == OSK_ACCENTS    ? (k->shift ? osk_accents_up : osk_accents)
        : k->layout == OSK_GREEK    ? (k->shift ? osk_greek_up : osk_greek)
        : k->layout == OSK_CYRILLIC ? (k->shift ? osk_cyrillic_up : osk_cyrillic)
                                    : (k->shift ? osk_latin_up : osk_latin);
    int kw = (r.w - (OSK_COLS - 1) * gap) / OSK_COLS;
    for (int row = 0; row < OSK_ROWS; row++)
        for (int col = 0; col < OSK_COLS; col++) {
            const char *t = rows[row][col];
            /* IDs stay those of the lower-case key, so a script's "tap
             * @key-a" works in either case. */
            const char *const(*lower)[OSK_COLS] = k->layout == OSK_ACCENTS    ? osk_accents
                                                  : k->layout == OSK_GREEK    ? osk_greek
                                                  : k->layout == OSK_CYRILLIC ? osk_cyrillic
                                                                              : osk_latin;
            const char *id = lower[row][col];
            if (k->layout == OSK_LETTERS && row == 3 && col >= 7) {
                t = osk_extra(k, k->shift)[col - 7];
                id = osk_extra(k, false)[col - 7];
            }
            SDL_Rect kr = {r.x + col * (kw + gap), r.y + row * (key_h + gap), kw, key_h};
            if (!*t)
                continue;
            if (osk_key(ui, kr, t, false, id))
                a = osk_type(k, t);
        }
    /* Bottom row, the same in every layout so that a finger finds its keys
     * where they were: Shift, the layouts (the current one marked, inert),
     * space, backspace at the right. */
    int y4 = r.y + 4 * (key_h + gap);
    int x = r.x;
    int wide = 2 * kw + gap;
    /* Noto Sans has no arrow glyphs for shift: a word reads better anyway. */
    if (osk_key(ui, (SDL_Rect){x, y4, wide, key_h}, k->caps ? "SHIFT" : "Shift",
                k->shift ? false : true, "shift")) {
        if (k->caps) {
            k->caps = k->shift = false;
        } else if (k->shift) {
            k->caps = true;
        } else {
            k->shift = true;
        }
        ui_invalidate(ui);
    }
    x += wide + gap;
    static const struct {
        OskLayout l;
        const char *label, *id;
    } layouts[] = {{OSK_LETTERS, "ABC", "layout-latin"},
                   {OSK_ACCENTS, "\xC3\xA0\xC3\xA9\xC3\xB8", "layout-accents"},
                   {OSK_GREEK, "\xCE\x91\xCE\x92\xCE\x93", "layout-greek"},
                   {OSK_CYRILLIC, "\xD0\x90\xD0\x91\xD0\x92", "layout-cyrillic"}};
    for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++) {
        SDL_Rect lr = {x, y4, kw, key_h};
        x += kw + gap;
        if (layouts[i].l == k->layout) {
            /* Shown, not a key: tapping where it is does nothing. */
            char nid[UI_ID_MAX];
            snprintf(nid, sizeof nid, "key-%s", layouts[i].id);
            ui_note(ui, nid, UI_KIND_TEXT, lr, UI_STATE_CHECKED, layouts[i].label);
            continue;
        }
        if (osk_key(ui, lr, layouts[i].label, true, layouts[i].id)) {
            k->layout = layouts[i].l;
            ui_invalidate(ui);
        }
    }
    int right = r.x + r.w;
    int back_w = wide;
    SDL_Rect sp = {x, y4, right - x - back_w - gap, key_h};
    if (osk_key(ui, sp, " ", false, "space"))
        a = osk_type(k, " ");
    if (osk_key(ui, (SDL_Rect){right - back_w, y4, back_w, key_h}, "\xE2\x8C\xAB", true, "back"))
        a = OSK_BACKSPACE;
    return a;
}
