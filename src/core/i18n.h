/*
 * i18n.h — user-interface strings in Chinese (zh-CN) and English.
 *
 * Pages call T(lang, key) for every fixed string they show. The table is
 * static and shared by all threads. A key missing in one language falls back
 * to the other, so a forgotten translation shows text, never a blank.
 */
#ifndef HAO_I18N_H
#define HAO_I18N_H

typedef enum { LANG_ZH = 0, LANG_EN = 1 } lang_t;

/* The string for key in lang; the key itself if unknown (visible in tests). */
const char *T(lang_t lang, const char *key);
/* Pick zh or en from an Accept-Language header value (NULL: zh). */
lang_t i18n_from_accept(const char *accept_language);
const char *i18n_code(lang_t lang); /* "zh-CN" or "en" */

#endif
