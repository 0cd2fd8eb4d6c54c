/* declaration.c — see declaration.h. The wording is PRODUCT.md's table. */
#include "core/declaration.h"

#include <string.h>

const declaration_t declarations[] = {
    {"none", "", ""},
    {"web-sourced", "内容取材于网络", "Content sourced from the internet"},
    {"opinion", "个人观点,仅供参考", "Personal opinion, for reference only"},
    {"ai-generated", "内容由AI生成", "AI-generated content"},
    {"ai-assisted", "包含AI辅助创作", "Contains AI-assisted content"},
    {"fiction", "虚构演绎,故事经历", "Fictional or dramatised story"},
    {"health", "健康医疗分享,仅供参考", "Health information, not medical advice"},
};
const size_t declarations_count = sizeof(declarations) / sizeof(declarations[0]);

const declaration_t *declaration_find(const char *code)
{
    if (!code)
        return NULL;
    for (size_t i = 0; i < declarations_count; i++)
        if (strcmp(declarations[i].code, code) == 0)
            return &declarations[i];
    return NULL;
}

/* Compare ignoring the ASCII ',' vs full-width ',' difference, which platforms
 * use interchangeably in these labels. */
static int label_eq(const char *a, size_t alen, const char *b)
{
    size_t i = 0, j = 0, blen = strlen(b);
    while (i < alen && j < blen) {
        int ac = 0, bc = 0;
        if (a[i] == ',') { ac = 1; i += 1; }
        else if (alen - i >= 3 && memcmp(a + i, "\xef\xbc\x8c", 3) == 0) { ac = 1; i += 3; }
        if (b[j] == ',') { bc = 1; j += 1; }
        else if (blen - j >= 3 && memcmp(b + j, "\xef\xbc\x8c", 3) == 0) { bc = 1; j += 3; }
        if (ac || bc) {
            if (ac != bc)
                return 0;
            continue;
        }
        if (a[i] != b[j])
            return 0;
        i++, j++;
    }
    return i == alen && j == blen;
}

const declaration_t *declaration_from_zh(const char *label, size_t len)
{
    while (len && (label[0] == ' ' || label[0] == '\t')) label++, len--;
    while (len && (label[len - 1] == ' ' || label[len - 1] == '\t' || label[len - 1] == '\r')) len--;
    if (len == 0)
        return NULL;
    for (size_t i = 1; i < declarations_count; i++)
        if (label_eq(label, len, declarations[i].zh))
            return &declarations[i];
    return NULL;
}
