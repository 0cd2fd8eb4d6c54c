/*
 * formkit.c — see formkit.h.
 */
#include "site/formkit.h"

#include <string.h>

#include "site/layout.h"

void fk_page_begin(hreq_t *r, buf_t *b, const char *cls, const char *title_key, const char *intro_key,
                   const char *msg)
{
    page_section_begin(r, b, cls, T(r->lang, title_key));
    buf_lit(b, "<p>");
    buf_htmlz(b, T(r->lang, intro_key));
    buf_lit(b, "</p>\n");
    fk_alert(b, msg);
}

void fk_form_begin(hreq_t *r, buf_t *b, const char *action)
{
    buf_lit(b, "<form method=\"post\" action=\"");
    buf_htmlz(b, action);
    buf_lit(b, "\" class=\"stack\">");
    page_csrf_field(r, b);
}

void fk_input(buf_t *b, const char *label, const char *name, const char *value, int required)
{
    buf_lit(b, "<p><label for=\"f-");
    buf_htmlz(b, name);
    buf_lit(b, "\">");
    buf_htmlz(b, label);
    buf_lit(b, "</label><br><input type=\"text\" id=\"f-");
    buf_htmlz(b, name);
    buf_lit(b, "\" name=\"");
    buf_htmlz(b, name);
    buf_lit(b, "\" value=\"");
    buf_htmlz(b, value ? value : "");
    buf_lit(b, "\"");
    if (required)
        buf_lit(b, " required");
    buf_lit(b, "></p>\n");
}

void fk_textarea(buf_t *b, const char *label, const char *name, const char *value, int rows, int required)
{
    buf_lit(b, "<p><label for=\"f-");
    buf_htmlz(b, name);
    buf_lit(b, "\">");
    buf_htmlz(b, label);
    /* class "fk": a form field sized by its rows, not the editor's height */
    buf_lit(b, "</label><br><textarea class=\"fk\" id=\"f-");
    buf_htmlz(b, name);
    buf_lit(b, "\" name=\"");
    buf_htmlz(b, name);
    buf_hprintf(b, "\" rows=\"%d\"", rows);
    if (required)
        buf_lit(b, " required");
    buf_lit(b, ">");
    buf_htmlz(b, value ? value : "");
    buf_lit(b, "</textarea></p>\n");
}

void fk_checkbox(buf_t *b, const char *label, const char *name, int checked)
{
    /* The box beside its text (class "check"), not above it. */
    buf_lit(b, "<p><label class=\"check\"><input type=\"checkbox\" name=\"");
    buf_htmlz(b, name);
    buf_lit(b, "\" value=\"1\"");
    if (checked)
        buf_lit(b, " checked");
    buf_lit(b, "> ");
    buf_htmlz(b, label);
    buf_lit(b, "</label></p>\n");
}

void fk_select(buf_t *b, const char *label, const char *name, int n, const char *const *codes,
               const char *const *labels, const char *selected)
{
    fk_select_required(b, label, name, n, codes, labels, selected, NULL);
}

void fk_select_required(buf_t *b, const char *label, const char *name, int n, const char *const *codes,
                        const char *const *labels, const char *selected, const char *placeholder)
{
    buf_lit(b, "<p><label for=\"f-");
    buf_htmlz(b, name);
    buf_lit(b, "\">");
    buf_htmlz(b, label);
    buf_lit(b, "</label><br><select id=\"f-");
    buf_htmlz(b, name);
    buf_lit(b, "\" name=\"");
    buf_htmlz(b, name);
    buf_lit(b, "\"");
    if (placeholder) {
        /* No choice is made for the reader: an empty first option, and
         * the browser asks for one before sending. */
        buf_lit(b, " required><option value=\"\"");
        if (!selected || !*selected)
            buf_lit(b, " selected");
        buf_lit(b, ">");
        buf_htmlz(b, placeholder);
        buf_lit(b, "</option>");
    } else {
        buf_lit(b, ">");
    }
    for (int i = 0; i < n; i++) {
        buf_lit(b, "<option value=\"");
        buf_htmlz(b, codes[i]);
        buf_lit(b, "\"");
        if (selected && strcmp(selected, codes[i]) == 0)
            buf_lit(b, " selected");
        buf_lit(b, ">");
        buf_htmlz(b, labels[i]);
        buf_lit(b, "</option>");
    }
    buf_lit(b, "</select></p>\n");
}

void fk_alert(buf_t *b, const char *msg)
{
    if (!msg)
        return;
    buf_lit(b, "<p class=\"error\" role=\"alert\">");
    buf_htmlz(b, msg);
    buf_lit(b, "</p>\n");
}

void fk_ok(buf_t *b, const char *msg)
{
    if (!msg)
        return;
    buf_lit(b, "<p class=\"notice-ok\" role=\"status\">");
    buf_htmlz(b, msg);
    buf_lit(b, "</p>\n");
}

void fk_dt_dd(buf_t *b, const char *label, const char *value)
{
    buf_lit(b, "<dt>");
    buf_htmlz(b, label);
    buf_lit(b, "</dt><dd>");
    buf_htmlz(b, value);
    buf_lit(b, "</dd>");
}

void fk_form_end(buf_t *b, const char *label)
{
    buf_lit(b, "<p><button type=\"submit\">");
    buf_htmlz(b, label);
    buf_lit(b, "</button></p></form>");
}
