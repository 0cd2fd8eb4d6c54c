/*
 * formkit.h — small writers for the labelled form controls the notice,
 * counter-notice, report, complaint, moderation, settings and account forms
 * share. Every value is escaped; labels are plain text.
 */
#ifndef HAO_FORMKIT_H
#define HAO_FORMKIT_H

#include "core/buf.h"
#include "http/http.h"

/* Open a form page (noindex): the section cls with heading T(title_key),
 * the intro paragraph T(intro_key), then msg as an alert (NULL: none). */
void fk_page_begin(hreq_t *r, buf_t *b, const char *cls, const char *title_key, const char *intro_key,
                   const char *msg);
/* <form method="post" action="action" class="stack"> and its CSRF field. */
void fk_form_begin(hreq_t *r, buf_t *b, const char *action);
/* <p><label>label</label><input name=... value=...></p>; value may be NULL. */
void fk_input(buf_t *b, const char *label, const char *name, const char *value, int required);
void fk_textarea(buf_t *b, const char *label, const char *name, const char *value, int rows, int required);
void fk_checkbox(buf_t *b, const char *label, const char *name, int checked);
/* A <select> of "code" options, each shown as its label; labels[i] for codes[i]. */
void fk_select(buf_t *b, const char *label, const char *name, int n, const char *const *codes,
               const char *const *labels, const char *selected);
/* The same with nothing chosen in advance: a first option placeholder
 * (plain text) with an empty value, and the select required. placeholder
 * NULL: as fk_select. */
void fk_select_required(buf_t *b, const char *label, const char *name, int n, const char *const *codes,
                        const char *const *labels, const char *selected, const char *placeholder);
/* Close a form: its submit button (label, plain text), then </form>. */
void fk_form_end(buf_t *b, const char *label);
/* <dt>label</dt><dd>value</dd>, both plain text. */
void fk_dt_dd(buf_t *b, const char *label, const char *value);
/* An alert paragraph (nothing when msg is NULL). */
void fk_alert(buf_t *b, const char *msg);
/* A status paragraph (nothing when msg is NULL). */
void fk_ok(buf_t *b, const char *msg);

#endif
