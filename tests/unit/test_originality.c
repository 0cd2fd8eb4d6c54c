/*
 * test_originality.c — unit tests for src/provenance/originality.c:
 * normalisation, shingling, signatures, verification, boilerplate and bad
 * input; then an evaluation on a real corpus (Debian's fortunes-zh: the 300
 * Tang poems and 100 Song ci), where articles are built from poems, copies
 * are made the way 洗稿 makes them (sentence reordering, character swaps,
 * paragraph deletion and insertion, punctuation changes), non-copies are
 * other articles and articles that quote one poem, and precision and recall
 * of the whole check (LSH candidates, then verification) are measured at the
 * chosen parameters and printed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "db/db.h"
#include "provenance/originality.h"
#include "provenance/provenance.h"
#include "search/search.h"

static void build(orig_doc_t *d, const char *s)
{
    assert_int_equal(orig_doc_build(d, s, strlen(s), NULL, NULL), 0);
}

static void tokens_are(const char *src, const char *want)
{
    orig_doc_t d;
    build(&d, src);
    buf_t b = BUF_INIT;
    orig_doc_tokens_text(&d, &b);
    assert_string_equal(buf_cstr(&b), want);
    buf_free(&b);
    orig_doc_free(&d);
}

static void test_normalise(void **state)
{
    (void)state;
    /* Full-width Latin and digits fold to ASCII, case folds, punctuation and
     * white space only separate, every CJK character is a token. */
    tokens_are("ＡＢＣ Hello，世界！ １２３", "abc hello 世 界 123");
    tokens_are("Straße STRASSE", "strasse strasse");
    tokens_are("「你好」——朋友们。", "你 好 朋 友 们");
    tokens_are("**粗体** 和 [链接](http://example.com)", "粗 体 和 链 接");
    /* Half-width katakana fold to full width. */
    tokens_are("ｶﾀｶﾅ", "カ タ カ ナ");
}

static void test_shingles(void **state)
{
    (void)state;
    orig_doc_t d;
    build(&d, "一二三四五六");
    assert_int_equal(d.ntok, 6);
    assert_int_equal(d.nsh, 6 - ORIG_K + 1);
    orig_doc_free(&d);
    /* Repeats collapse into one shingle. */
    build(&d, "哈哈哈哈哈哈哈哈哈哈");
    assert_int_equal(d.nsh, 1);
    orig_doc_free(&d);
    /* Fewer tokens than a shingle: none. */
    build(&d, "你好");
    assert_int_equal(d.nsh, 0);
    orig_doc_free(&d);
    /* Punctuation changes do not change the shingles. */
    orig_doc_t a, b;
    build(&a, "床前明月光,疑是地上霜。举头望明月,低头思故乡。");
    build(&b, "床前明月光 疑是地上霜!举头望明月……低头思故乡");
    size_t shared;
    int score;
    orig_overlap(&a, &b, &shared, &score);
    assert_int_equal(a.nsh, b.nsh);
    assert_int_equal(shared, a.nsh);
    assert_int_equal(score, 1000);
    orig_doc_free(&a);
    orig_doc_free(&b);
}

static const char *const LONG_A =
    "春天来了,公园里的桃花和杏花都开了,游人比往年多了许多。孩子们在草地上放风筝,老人们坐在长椅上晒太阳,"
    "年轻人拿着手机到处拍照。湖边的柳树抽出了新芽,远远看去像一层淡淡的绿烟。卖糖葫芦的小贩推着车子慢慢走过,"
    "吆喝声在风里传得很远。傍晚时分,夕阳把湖水染成金色,人们才恋恋不舍地离开。";
static const char *const LONG_B =
    "昨天的会议讨论了明年的预算安排,财务部门提出要压缩差旅费用,把更多的钱投入到研发上。销售部门则认为市场推广"
    "不能削减,否则新产品很难打开局面。经过两个小时的争论,大家同意先做一个详细的测算,下周再开一次会做决定。"
    "会后,总经理单独找了几位部门负责人谈话,希望大家从公司整体出发考虑问题。";

static void test_signature(void **state)
{
    (void)state;
    orig_doc_t a, a2, b, e;
    build(&a, LONG_A);
    build(&a2, LONG_A);
    build(&b, LONG_B);
    build(&e, "");
    uint64_t sa[ORIG_PERM], sa2[ORIG_PERM], sb[ORIG_PERM], se[ORIG_PERM];
    orig_signature(&a, sa);
    orig_signature(&a2, sa2);
    orig_signature(&b, sb);
    orig_signature(&e, se);
    assert_memory_equal(sa, sa2, sizeof sa);
    int same = 0;
    for (int i = 0; i < ORIG_PERM; i++) {
        same += sa[i] == sb[i];
        assert_true(se[i] == UINT64_MAX);
    }
    assert_true(same <= 2); /* unrelated texts: agreement is chance */
    int64_t ka[ORIG_BANDS], kb[ORIG_BANDS];
    orig_bands(sa, ka);
    orig_bands(sb, kb);
    int hits = 0;
    for (int i = 0; i < ORIG_BANDS; i++) {
        assert_true(ka[i] >= 0);
        hits += ka[i] == kb[i];
    }
    assert_true(hits < ORIG_MIN_BAND_HITS);
    orig_doc_free(&a);
    orig_doc_free(&a2);
    orig_doc_free(&b);
    orig_doc_free(&e);
}

static void test_verify(void **state)
{
    (void)state;
    orig_doc_t a, b, c;
    build(&a, LONG_A);
    build(&b, LONG_B);
    /* A copy: A's sentences reordered plus B appended. */
    buf_t t = BUF_INIT;
    buf_rawz(&t, "傍晚时分,夕阳把湖水染成金色,人们才恋恋不舍地离开。");
    buf_rawz(&t, LONG_A);
    buf_rawz(&t, "\n\n");
    buf_rawz(&t, LONG_B);
    build(&c, buf_cstr(&t));
    size_t shared;
    int score;
    orig_overlap(&a, &c, &shared, &score);
    assert_int_equal(shared, a.nsh);
    assert_int_equal(score, 1000);
    assert_true(orig_is_copy(shared, score));
    orig_overlap(&a, &b, &shared, &score);
    assert_true(shared < 5);
    assert_false(orig_is_copy(shared, score));
    /* Highlighting marks the shared passage and escapes the text. */
    buf_t h = BUF_INIT;
    orig_highlight(&c, &a, &h);
    assert_non_null(strstr(buf_cstr(&h), "<mark>"));
    assert_null(strstr(buf_cstr(&h), "<mark>昨天"));
    buf_free(&h);
    orig_doc_t x;
    build(&x, "这是<script>alert(1)</script>一段用来测试转义的文字内容");
    orig_highlight(&x, &x, &h);
    assert_null(strstr(buf_cstr(&h), "<script>"));
    assert_non_null(strstr(buf_cstr(&h), "&lt;script&gt;"));
    buf_free(&h);
    orig_doc_free(&x);
    buf_free(&t);
    orig_doc_free(&a);
    orig_doc_free(&b);
    orig_doc_free(&c);
}

/* A copy converted to traditional characters (here OpenCC's s2twp, the
 * Taiwan standard with its phrases: 裡, 著, 遊人) is still a copy: every
 * CJK character is folded to its simplified form first. */
static const char *const LONG_A_TW =
    "春天來了,公園裡的桃花和杏花都開了,遊人比往年多了許多。孩子們在草地上放風箏,老人們坐在長椅上曬太陽,"
    "年輕人拿著手機到處拍照。湖邊的柳樹抽出了新芽,遠遠看去像一層淡淡的綠煙。賣糖葫蘆的小販推著車子慢慢走過,"
    "吆喝聲在風裡傳得很遠。傍晚時分,夕陽把湖水染成金色,人們才戀戀不捨地離開。";

static void test_traditional(void **state)
{
    (void)state;
    tokens_are("這是傳統的文字", "这 是 传 统 的 文 字");
    orig_doc_t a, t, b;
    build(&a, LONG_A);
    build(&t, LONG_A_TW);
    build(&b, LONG_B);
    size_t shared;
    int score;
    orig_overlap(&a, &t, &shared, &score);
    assert_true(score >= 900);
    assert_true(orig_is_copy(shared, score));
    /* and the same signature bands, so the index finds it */
    uint64_t sa[ORIG_PERM], st[ORIG_PERM];
    int64_t ka[ORIG_BANDS], kt[ORIG_BANDS];
    orig_signature(&a, sa);
    orig_signature(&t, st);
    orig_bands(sa, ka);
    orig_bands(st, kt);
    int same = 0;
    for (int i = 0; i < ORIG_BANDS; i++)
        same += ka[i] == kt[i];
    print_message("traditional copy: score %d permille, %zu of %zu shingles shared, %d of %d bands\n", score, shared,
                  a.nsh, same, ORIG_BANDS);
    assert_true(same >= ORIG_MIN_BAND_HITS);
    orig_overlap(&t, &b, &shared, &score);
    assert_false(orig_is_copy(shared, score));
    orig_doc_free(&a);
    orig_doc_free(&t);
    orig_doc_free(&b);
}

/* ---- bad input ---- */

static void test_bad_input(void **state)
{
    (void)state;
    orig_doc_t d;
    /* All punctuation or white space: no tokens, no shingles. */
    build(&d, "。。。!!!,,,???   \n\n\t …… —— ###");
    assert_int_equal(d.nsh, 0);
    orig_doc_free(&d);
    build(&d, "   \n \n\t\t  \n");
    assert_int_equal(d.nsh, 0);
    orig_doc_free(&d);
    /* One sentence: fewer shingles than a verdict needs. */
    build(&d, "今天天气很好。");
    assert_true(d.nsh < ORIG_MIN_SHARED);
    size_t shared;
    int score;
    orig_overlap(&d, &d, &shared, &score);
    assert_false(orig_is_copy(shared, score));
    orig_doc_free(&d);
    /* 1 MB of one repeated character, and of a repeated sentence. */
    size_t n = 1 << 20;
    char *big = malloc(n + 1);
    for (size_t i = 0; i + 3 <= n; i += 3)
        memcpy(big + i, "哈", 3);
    big[n - n % 3] = 0;
    build(&d, big);
    assert_int_equal(d.nsh, 1);
    orig_overlap(&d, &d, &shared, &score);
    assert_false(orig_is_copy(shared, score));
    orig_doc_free(&d);
    memset(big, 'a', n);
    big[n] = 0;
    build(&d, big);
    assert_int_equal(d.nsh, 0); /* one word: no shingle of four words */
    orig_doc_free(&d);
    /* Invalid UTF-8 and NUL bytes: tolerated, no crash. */
    const char junk[] = "\xff\xfe\xc3(\xe4\xb8 abc\0def \xed\xa0\x80";
    assert_int_equal(orig_doc_build(&d, junk, sizeof junk - 1, NULL, NULL), 0);
    orig_doc_free(&d);
    free(big);
}

/* Two creators' works sharing only the platform statement, a declaration line
 * and a common header: no copy verdict. */
static int common_header(void *ctx, uint64_t h)
{
    return h == *(uint64_t *)ctx;
}

static void test_boilerplate(void **state)
{
    (void)state;
    const char *stmt =
        "特别声明:以上内容(如有图片或视频亦包括在内)为「hao」用户上传并发布,本平台仅提供信息存储服务。\n\n"
        "Notice: The content above (including the pictures and videos if any) is uploaded and posted "
        "by a user of hao, which only provides information storage services.";
    const char *header = "欢迎关注本号,每天为你分享生活中的小知识,点赞收藏不迷路,我们下期再见!";
    buf_t x = BUF_INIT, y = BUF_INIT;
    buf_printf(&x, "作品声明:内容取材于网络\n\n%s\n\n今天下雨了。\n\n%s", header, stmt);
    buf_printf(&y, "创作声明:个人观点,仅供参考\n\n%s\n\n明天去爬山。\n\n%s", header, stmt);
    orig_doc_t a, b;
    build(&a, buf_cstr(&x));
    build(&b, buf_cstr(&y));
    size_t shared;
    int score;
    orig_overlap(&a, &b, &shared, &score);
    /* The statements and declarations are gone; the header is all they share,
     * and that is below what a verdict needs. */
    assert_int_equal(a.dropped_lines, 3);
    assert_false(orig_is_copy(shared, score));
    /* Once the header is known as common (works by several creators carry
     * it), it no longer counts at all. */
    uint64_t hh = a.edge[0];
    orig_doc_free(&a);
    orig_doc_free(&b);
    assert_int_equal(orig_doc_build(&a, x.p, x.len, common_header, &hh), 0);
    assert_int_equal(orig_doc_build(&b, y.p, y.len, common_header, &hh), 0);
    orig_overlap(&a, &b, &shared, &score);
    assert_int_equal(shared, 0);
    assert_false(orig_is_copy(shared, score));
    /* A long footer that works by several creators carry (so the
     * common-line table knows it), with bodies of one sentence: once known
     * as common, it does not count. (Between two creators only, a long
     * shared passage with one line each around it cannot be told from a
     * copied text with one line added, and is judged a copy.) */
    orig_doc_free(&a);
    orig_doc_free(&b);
    const char *footer =
        "本文由某某文化传媒整理发布,图片来源于网络,如有侵权请联系删除。欢迎关注我们的账号,每天为你带来最新最全的"
        "娱乐资讯、生活百科与情感故事,喜欢的话请点赞、收藏、转发给更多的朋友吧!";
    buf_reset(&x);
    buf_reset(&y);
    buf_printf(&x, "今天下雨了,出门记得带伞。\n\n%s", footer);
    buf_printf(&y, "明天去爬山,天气应该不错。\n\n%s", footer);
    build(&a, buf_cstr(&x));
    uint64_t fh = a.edge[1];
    orig_doc_free(&a);
    assert_int_equal(orig_doc_build(&a, x.p, x.len, common_header, &fh), 0);
    assert_int_equal(orig_doc_build(&b, y.p, y.len, common_header, &fh), 0);
    orig_overlap(&a, &b, &shared, &score);
    assert_int_equal(shared, 0);
    /* With a paragraph of their own each, the footer alone is no copy even
     * before it is known as common: besides the shared tail line, their
     * texts do not overlap. */
    orig_doc_free(&a);
    orig_doc_free(&b);
    buf_reset(&x);
    buf_reset(&y);
    buf_printf(&x, "%.*s\n\n%s", 240, LONG_A, footer);
    buf_printf(&y, "%.*s\n\n%s", 240, LONG_B, footer);
    build(&a, buf_cstr(&x));
    build(&b, buf_cstr(&y));
    orig_overlap(&a, &b, &shared, &score);
    assert_true(orig_is_copy(shared, score)); /* what the plain overlap says */
    orig_verify(&a, x.p, &b, y.p, NULL, NULL, &shared, &score);
    assert_false(orig_is_copy(shared, score));
    /* But a short text copied whole, with one line added, is still a copy. */
    orig_doc_free(&a);
    orig_doc_free(&b);
    buf_reset(&x);
    buf_reset(&y);
    buf_printf(&x, "%s\n\n%s", "床前明月光,疑是地上霜。举头望明月,低头思故乡。",
               "白日依山尽,黄河入海流。欲穷千里目,更上一层楼。");
    buf_printf(&y, "%s\n\n%s\n\n今天读了两首诗。", "床前明月光,疑是地上霜。举头望明月,低头思故乡。",
               "白日依山尽,黄河入海流。欲穷千里目,更上一层楼。");
    build(&a, buf_cstr(&x));
    build(&b, buf_cstr(&y));
    orig_verify(&a, x.p, &b, y.p, NULL, NULL, &shared, &score);
    assert_int_equal(score, 1000);
    /* And with bodies of an article's length, the footer alone is no copy
     * even before it is known as common. */
    orig_doc_free(&a);
    orig_doc_free(&b);
    buf_reset(&x);
    buf_reset(&y);
    buf_printf(&x, "%s\n\n%s\n\n%s", LONG_A, footer, stmt);
    buf_printf(&y, "%s\n\n%s\n\n%s", LONG_B, footer, stmt);
    build(&a, buf_cstr(&x));
    build(&b, buf_cstr(&y));
    orig_overlap(&a, &b, &shared, &score);
    assert_false(orig_is_copy(shared, score));
    /* A long body after the same boilerplate: still not a copy. */
    orig_doc_free(&a);
    orig_doc_free(&b);
    buf_reset(&x);
    buf_reset(&y);
    buf_printf(&x, "%s\n\n%s\n\n%s", header, LONG_A, stmt);
    buf_printf(&y, "%s\n\n%s\n\n%s", header, LONG_B, stmt);
    build(&a, buf_cstr(&x));
    build(&b, buf_cstr(&y));
    orig_overlap(&a, &b, &shared, &score);
    assert_false(orig_is_copy(shared, score));
    orig_doc_free(&a);
    orig_doc_free(&b);
    buf_free(&x);
    buf_free(&y);
}

/* ---- the index in SQL, and the media hook ---- */

static void add_work(db_t *db, const char *id, int author, const char *status, const char *body)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO works(id, author_id, title, body, status, content_hash, created_at, "
                                   "updated_at, published_at) VALUES (:id, :a, 't', :b, :s, :id, 1, 1, 1)");
    db_bind_text(st, ":id", id);
    db_bind_int(st, ":a", author);
    db_bind_text(st, ":b", body);
    db_bind_text(st, ":s", status);
    assert_int_equal(db_step(st), DB_DONE);
    db_done(st);
}

static void test_db(void **state)
{
    (void)state;
    char dir[] = "/tmp/hao-orig-XXXXXX";
    assert_non_null(mkdtemp(dir));
    db_t *db;
    buf_t err = BUF_INIT;
    assert_int_equal(db_open(dir, 1, &db, &err), 0);
    for (int u = 1; u <= 2; u++) {
        db_stmt_t *st = db_prepare(db, "INSERT INTO users(id, handle, display_name, role, pass_hash, created_at) "
                                       "VALUES (:id, :h, :h, 'creator', 'x', 0)");
        db_bind_int(st, ":id", u);
        db_bind_text(st, ":h", u == 1 ? "alice" : "bob");
        assert_int_equal(db_step(st), DB_DONE);
        db_done(st);
    }
    const char *a = "aaaaaaaaaaaaaaaa", *b = "bbbbbbbbbbbbbbbb";
    buf_t copy = BUF_INIT;
    buf_printf(&copy, "%s\n\n我觉得写得很好。", LONG_A);
    add_work(db, a, 1, "published", LONG_A);
    add_work(db, b, 2, "draft", buf_cstr(&copy));
    orig_result_t r;
    assert_int_equal(orig_check(db, a, 1, 0, LONG_A, &r), 0);
    assert_int_equal(r.n, 0);
    assert_false(r.too_short);
    assert_int_equal(orig_record(db, a, 1, NULL, &r), 0);
    /* bob's text copies alice's: found, alice's work is the source. */
    assert_int_equal(orig_check(db, b, 2, 0, buf_cstr(&copy), &r), 0);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.m[0].id, a);
    assert_string_equal(r.source_id, a);
    assert_true(r.m[0].score >= ORIG_THRESHOLD);
    /* alice's own earlier text is no copy for her. */
    assert_int_equal(orig_check(db, NULL, 1, 0, buf_cstr(&copy), &r), 0);
    assert_int_equal(r.n, 0);
    /* Too short: no verdict, nothing indexed. */
    assert_int_equal(orig_check(db, NULL, 2, 0, "短。", &r), 0);
    assert_true(r.too_short);
    assert_int_equal(r.n, 0);

    /* The media hook (issue 3 feeds it) and the label rule. */
    provenance_t p;
    assert_int_equal(provenance_load(db, a, "none", &p), 0);
    assert_string_equal(p.ai_label, "none");
    assert_true(p.seq > 0);
    assert_int_equal(provenance_set_media_label(db, a, "detected"), 0);
    assert_int_equal(provenance_load(db, a, "none", &p), 0);
    assert_string_equal(p.ai_label, "detected");
    assert_int_equal(provenance_set_media_label(db, a, "possible"), 0);
    assert_int_equal(provenance_load(db, a, "opinion", &p), 0);
    assert_string_equal(p.ai_label, "possible");
    assert_int_equal(provenance_load(db, a, "ai-assisted", &p), 0);
    assert_string_equal(p.ai_label, "declared"); /* the creator's declaration comes first */
    assert_int_equal(provenance_set_media_label(db, a, "maybe"), -1);
    assert_int_equal(provenance_set_media_label(db, b, "detected"), 0); /* a draft without a record yet */
    assert_int_equal(provenance_load(db, b, "none", &p), 0);
    assert_string_equal(p.ai_label, "detected");
    assert_int_equal(p.seq, 0);
    buf_t j = BUF_INIT;
    provenance_json(&j, &p);
    assert_string_equal(buf_cstr(&j), "{\"ai_label\":\"detected\",\"similar_to\":[],\"source_id\":null}");
    buf_free(&j);

    /* Unpublished works leave the index: nothing to match any more. */
    assert_int_equal(orig_forget(db, a, LONG_A), 0);
    assert_int_equal(orig_check(db, b, 2, 0, buf_cstr(&copy), &r), 0);
    assert_int_equal(r.n, 0);

    db_close(db);
    buf_free(&copy);
    buf_free(&err);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* ---- evaluation on fortunes-zh ---- */

#define FORTUNES "/usr/share/games/fortunes/"

typedef struct {
    char **s;
    int n, cap;
} strs_t;

static void push(strs_t *v, char *s)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 64;
        v->s = realloc(v->s, (size_t)v->cap * sizeof *v->s);
    }
    v->s[v->n++] = s;
}

static void strs_free(strs_t *v)
{
    for (int i = 0; i < v->n; i++)
        free(v->s[i]);
    free(v->s);
    memset(v, 0, sizeof *v);
}

/* Read a fortune file: entries separated by "%" lines, ANSI colour codes and
 * the title/author lines removed (so articles share no bylines). */
static int read_fortunes(const char *path, strs_t *out, int skip_head)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char line[4096];
    buf_t cur = BUF_INIT;
    int ln = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '%') {
            if (cur.len > 20)
                push(out, strdup(buf_cstr(&cur)));
            buf_reset(&cur);
            ln = 0;
            continue;
        }
        if (ln++ < skip_head)
            continue;
        for (char *p = line; *p; p++) {
            if (*p == '\x1b') {
                while (*p && *p != 'm')
                    p++;
                if (!*p)
                    break;
                continue;
            }
            buf_ch(&cur, *p);
        }
    }
    if (cur.len > 20)
        push(out, strdup(buf_cstr(&cur)));
    buf_free(&cur);
    fclose(f);
    return 0;
}

static uint64_t rng_state = 42;
static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)((rng_state >> 33) % n);
}

/* Split text into sentences on Chinese sentence punctuation and newlines. */
static void sentences(const char *s, strs_t *out)
{
    const char *start = s;
    for (const char *p = s; *p;) {
        int end = 0;
        size_t l = 1;
        if (!strncmp(p, "。", 3) || !strncmp(p, "!", 3) || !strncmp(p, "?", 3) || !strncmp(p, ";", 3))
            end = 1, l = 3;
        else if (*p == '\n')
            end = 1;
        p += l;
        if (end) {
            size_t n = (size_t)(p - start);
            if (n > 1) {
                char *x = strndup(start, n);
                push(out, x);
            }
            start = p;
        }
    }
    if (*start && strlen(start) > 1)
        push(out, strdup(start));
}

/* Swap a fraction (permille) of the CJK characters for others from pool. */
static void swap_chars(buf_t *b, const char *s, int permille, const char *pool, size_t pool_len)
{
    for (const char *p = s; *p;) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0xe4 && c <= 0xe9 && p[1] && p[2] && rnd(1000) < (uint32_t)permille) {
            size_t k = rnd((uint32_t)(pool_len / 3)) * 3;
            while (k + 3 <= pool_len && !((unsigned char)pool[k] >= 0xe4 && (unsigned char)pool[k] <= 0xe9))
                k += 3;
            if (k + 3 <= pool_len)
                buf_raw(b, pool + k, 3);
            else
                buf_raw(b, p, 3);
            p += 3;
        } else {
            buf_ch(b, *p++);
        }
    }
}

/* Replace Chinese punctuation with other marks, or drop it. */
static void repunctuate(buf_t *b, const char *s)
{
    static const char *const marks[] = {" ", ",", ". ", "!", "…", ";", ""};
    for (const char *p = s; *p;) {
        if (!strncmp(p, ",", 3) || !strncmp(p, "。", 3)) {
            buf_rawz(b, marks[rnd(7)]);
            p += 3;
        } else {
            buf_ch(b, *p++);
        }
    }
}

enum { V_REORDER, V_SWAP5, V_SWAP10, V_DELETE, V_INSERT, V_PUNCT, V_MIXED, V_COUNT };
static const char *const vname[] = {"sentence reordering",      "5% character swaps",         "10% character swaps",
                                    "paragraph deletion (30%)", "paragraph insertion (+50%)", "punctuation changes",
                                    "all of the above, lighter"};

/* Make a copy of article (paragraphs = poems) by variant v. */
static void make_copy(int v, const strs_t *paras, const strs_t *filler, buf_t *out, const char *pool, size_t pool_len)
{
    strs_t ps = {0};
    for (int i = 0; i < paras->n; i++)
        push(&ps, strdup(paras->s[i]));
    if (v == V_DELETE || v == V_MIXED) {
        int drop = v == V_DELETE ? ps.n * 3 / 10 : ps.n / 5;
        for (int k = 0; k < drop && ps.n > 1; k++) {
            int i = (int)rnd((uint32_t)ps.n);
            free(ps.s[i]);
            ps.s[i] = ps.s[--ps.n];
        }
    }
    if (v == V_INSERT || v == V_MIXED) {
        int add = v == V_INSERT ? ps.n / 2 : ps.n / 5;
        for (int k = 0; k < add; k++) {
            int at = (int)rnd((uint32_t)ps.n + 1);
            push(&ps, NULL);
            memmove(ps.s + at + 1, ps.s + at, (size_t)(ps.n - 1 - at) * sizeof *ps.s);
            ps.s[at] = strdup(filler->s[rnd((uint32_t)filler->n)]);
        }
    }
    buf_t joined = BUF_INIT;
    for (int i = 0; i < ps.n; i++) {
        if (v == V_REORDER || v == V_MIXED) {
            strs_t ss = {0};
            sentences(ps.s[i], &ss);
            for (int k = ss.n - 1; k > 0; k--) {
                int j = (int)rnd((uint32_t)k + 1);
                char *t = ss.s[k];
                ss.s[k] = ss.s[j];
                ss.s[j] = t;
            }
            for (int k = 0; k < ss.n; k++)
                buf_rawz(&joined, ss.s[k]);
            strs_free(&ss);
        } else {
            buf_rawz(&joined, ps.s[i]);
        }
        buf_lit(&joined, "\n\n");
    }
    strs_free(&ps);
    buf_t t2 = BUF_INIT;
    if (v == V_SWAP5 || v == V_SWAP10 || v == V_MIXED)
        swap_chars(&t2, buf_cstr(&joined), v == V_SWAP10 ? 100 : v == V_SWAP5 ? 50 : 30, pool, pool_len);
    else
        buf_rawz(&t2, buf_cstr(&joined));
    if (v == V_PUNCT || v == V_MIXED)
        repunctuate(out, buf_cstr(&t2));
    else
        buf_rawz(out, buf_cstr(&t2));
    buf_free(&joined);
    buf_free(&t2);
}

/* SimHash of a shingle set (measured for comparison, not used by hao):
 * bit i is the sign of the sum over shingles of (bit i of hash ? +1 : -1). */
static uint64_t simhash(const orig_doc_t *d)
{
    int v[64] = {0};
    for (size_t k = 0; k < d->nsh; k++) {
        uint64_t h = d->sh[k] * 0x9e3779b97f4a7c15ULL;
        h ^= h >> 29;
        for (int i = 0; i < 64; i++)
            v[i] += (h >> i) & 1 ? 1 : -1;
    }
    uint64_t r = 0;
    for (int i = 0; i < 64; i++)
        if (v[i] > 0)
            r |= 1ULL << i;
    return r;
}

typedef struct {
    orig_doc_t d;
    int64_t keys[ORIG_BANDS];
    char *text;
} indexed_t;

static void index_doc(indexed_t *x, const char *text)
{
    x->text = strdup(text);
    build(&x->d, text);
    uint64_t sig[ORIG_PERM];
    orig_signature(&x->d, sig);
    orig_bands(sig, x->keys);
}

/* The check as orig_check() runs it, over an in-memory index: candidates
 * share >= ORIG_MIN_BAND_HITS band keys; verdicts need orig_is_copy(). Sets
 * *cand when `want` was a candidate, *best_score to want's score. */
static int check(const indexed_t *idx, int nidx, const indexed_t *q, int want, int *flagged_want, int *false_flags,
                 int *cand, int *want_score)
{
    *flagged_want = *false_flags = *cand = 0;
    *want_score = -1;
    if (q->d.nsh < ORIG_MIN_SHARED)
        return 0;
    for (int i = 0; i < nidx; i++) {
        int hits = 0;
        for (int b = 0; b < ORIG_BANDS; b++)
            hits += idx[i].keys[b] == q->keys[b];
        size_t shared;
        int score;
        if (hits >= ORIG_MIN_BAND_HITS || i == want)
            orig_verify(&q->d, q->text, &idx[i].d, idx[i].text, NULL, NULL, &shared, &score);
        else
            shared = 0, score = 0;
        if (i == want) {
            *want_score = score;
            *cand = hits >= ORIG_MIN_BAND_HITS;
        }
        if (hits < ORIG_MIN_BAND_HITS || !orig_is_copy(shared, score))
            continue;
        if (i == want)
            *flagged_want = 1;
        else
            (*false_flags)++;
    }
    return 0;
}

static void test_evaluation(void **state)
{
    (void)state;
    strs_t poems = {0}, filler = {0};
    if (read_fortunes(FORTUNES "tang300", &poems, 2) < 0 || read_fortunes(FORTUNES "song100", &poems, 2) < 0 ||
        read_fortunes(FORTUNES "chinese", &filler, 0) < 0) {
        fprintf(stderr, "fortunes-zh is not installed (scripts/deps.sh test installs it)\n");
        strs_free(&poems);
        strs_free(&filler);
        fail();
    }
    assert_true(poems.n >= 400);
    assert_true(filler.n >= 1000);
    /* Originals: 8 poems each (about 600-900 characters, an article's size). */
    const int per = 8;
    int norig = poems.n / per;
    /* The indexed works: the originals, then distractor articles made of
     * fortunes (other creators' unrelated works). */
    int ndis = 300;
    indexed_t *idx = calloc((size_t)(norig + ndis), sizeof *idx);
    strs_t *art = calloc((size_t)norig, sizeof *art);
    buf_t pool = BUF_INIT;
    for (int a = 0; a < norig; a++) {
        buf_t t = BUF_INIT;
        for (int k = 0; k < per; k++) {
            push(&art[a], strdup(poems.s[a * per + k]));
            buf_rawz(&t, poems.s[a * per + k]);
            buf_lit(&t, "\n\n");
        }
        buf_rawz(&pool, poems.s[a * per]);
        index_doc(&idx[a], buf_cstr(&t));
        buf_free(&t);
    }
    int fi = 0;
    for (int a = 0; a < ndis; a++) {
        buf_t t = BUF_INIT;
        while (t.len < 1500 && fi < filler.n / 2) {
            buf_rawz(&t, filler.s[fi++]);
            buf_lit(&t, "\n\n");
        }
        index_doc(&idx[norig + a], buf_cstr(&t));
        buf_free(&t);
    }
    /* Filler for insertions and non-copies comes from the other half. */
    strs_t fill2 = {0};
    for (int i = filler.n / 2; i < filler.n; i++)
        push(&fill2, strdup(filler.s[i]));

    int tp = 0, fn = 0, fp = 0, copies = 0, cand_hits = 0;
    /* Scores of the copies (when a candidate), for the threshold sweep. */
    int *copy_scores = calloc((size_t)norig * V_COUNT, sizeof(int)), ncs = 0;
    int per_var_found[V_COUNT] = {0}, per_var_n[V_COUNT] = {0}, per_var_min[V_COUNT], sim_copy_max[V_COUNT] = {0};
    for (int v = 0; v < V_COUNT; v++)
        per_var_min[v] = 1000;
    clock_t t0 = clock();
    int nchecks = 0;
    for (int a = 0; a < norig; a++) {
        for (int v = 0; v < V_COUNT; v++) {
            buf_t t = BUF_INIT;
            make_copy(v, &art[a], &fill2, &t, pool.p, pool.len);
            indexed_t q;
            index_doc(&q, buf_cstr(&t));
            int hit, falses, cand, score;
            check(idx, norig + ndis, &q, a, &hit, &falses, &cand, &score);
            int hd = __builtin_popcountll(simhash(&q.d) ^ simhash(&idx[a].d));
            if (hd > sim_copy_max[v])
                sim_copy_max[v] = hd;
            nchecks++;
            copies++;
            per_var_n[v]++;
            cand_hits += cand;
            copy_scores[ncs++] = cand ? score : -1;
            if (hit)
                tp++, per_var_found[v]++;
            else
                fn++;
            fp += falses;
            if (score >= 0 && score < per_var_min[v])
                per_var_min[v] = score;
            orig_doc_free(&q.d);
            free(q.text);
            buf_free(&t);
        }
    }
    /* Non-copies: new articles of fortunes, each quoting one poem of an
     * original (about an eighth of it), and with the statement. */
    int noncopies = 0, max_noncopy = 0;
    for (int a = 0; a < norig; a++) {
        buf_t t = BUF_INIT;
        /* A quotation: the first two sentences of one of its poems. */
        strs_t ss = {0};
        sentences(art[a].s[rnd((uint32_t)per)], &ss);
        for (int k = 0; k < ss.n && k < 2; k++)
            buf_rawz(&t, ss.s[k]);
        strs_free(&ss);
        buf_lit(&t, "\n\n");
        while (t.len < 2500) {
            buf_rawz(&t, fill2.s[rnd((uint32_t)fill2.n)]);
            buf_lit(&t, "\n\n");
        }
        buf_lit(&t, "本平台仅提供信息存储服务。");
        indexed_t q;
        index_doc(&q, buf_cstr(&t));
        int hit, falses, cand, score;
        check(idx, norig + ndis, &q, a, &hit, &falses, &cand, &score);
        nchecks++;
        noncopies++;
        fp += hit + falses;
        if (score > max_noncopy)
            max_noncopy = score;
        orig_doc_free(&q.d);
        free(q.text);
        buf_free(&t);
    }
    /* And every original against the others (none copies another). */
    for (int a = 0; a < norig; a++) {
        int hit, falses, cand, score;
        indexed_t saved = idx[a];
        for (int b2 = 0; b2 < ORIG_BANDS; b2++)
            idx[a].keys[b2] = -1; /* not itself */
        check(idx, norig + ndis, &saved, -1, &hit, &falses, &cand, &score);
        idx[a] = saved;
        fp += falses;
        noncopies++;
    }
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    /* SimHash for comparison: the closest pair of unrelated indexed works. */
    int sim_unrelated_min = 64, unrelated_max = 0;
    long unrelated_sum = 0, npairs = 0;
    for (int a = 0; a < norig + ndis; a++)
        for (int b2 = a + 1; b2 < norig + ndis; b2++) {
            int hd = __builtin_popcountll(simhash(&idx[a].d) ^ simhash(&idx[b2].d));
            if (hd < sim_unrelated_min)
                sim_unrelated_min = hd;
            size_t sh;
            int sc;
            orig_overlap(&idx[a].d, &idx[b2].d, &sh, &sc);
            unrelated_sum += sc;
            npairs++;
            if (sc > unrelated_max)
                unrelated_max = sc;
        }
    double precision = tp + fp ? (double)tp / (tp + fp) : 1.0;
    double recall = copies ? (double)tp / copies : 0;
    fprintf(stderr,
            "originality evaluation (fortunes-zh: %d poems in %d articles, %d distractor works indexed)\n"
            "  parameters: %d-token shingles, MinHash %d = %d bands x %d rows, >= %d band hits, "
            "threshold %d permille, >= %d shared shingles\n",
            poems.n, norig, ndis, ORIG_K, ORIG_PERM, ORIG_BANDS, ORIG_ROWS, ORIG_MIN_BAND_HITS, ORIG_THRESHOLD,
            ORIG_MIN_SHARED);
    for (int v = 0; v < V_COUNT; v++)
        fprintf(stderr, "  %-30s found %d/%d, lowest score %d (SimHash: up to %d bits apart)\n", vname[v],
                per_var_found[v], per_var_n[v], per_var_min[v], sim_copy_max[v]);
    fprintf(stderr,
            "  copies %d, non-copy checks %d: TP %d FN %d FP %d; LSH candidate recall %.1f%%\n"
            "  highest score of a quoting non-copy: %d permille; SimHash of unrelated works: >= %d bits apart\n"
            "  precision %.2f%%  recall %.2f%%  (%d checks in %.2f s CPU, ASan build)\n",
            copies, noncopies, tp, fn, fp, 100.0 * cand_hits / copies, max_noncopy, sim_unrelated_min, 100 * precision,
            100 * recall, nchecks, secs);
    fprintf(stderr, "  unrelated indexed pairs: mean score %.1f permille, highest %d\n",
            (double)unrelated_sum / (double)npairs, unrelated_max);
    /* Recall at other thresholds (non-copies here score at most the figure
     * above, so precision only drops once a threshold goes below it). */
    fprintf(stderr, "  threshold sweep (recall):");
    for (int th = 300; th <= 800; th += 100) {
        int found = 0;
        for (int i = 0; i < ncs; i++)
            found += copy_scores[i] >= th;
        fprintf(stderr, " %d:%.1f%%", th, 100.0 * found / ncs);
    }
    fprintf(stderr, "\n");
    free(copy_scores);
    assert_true(precision >= 0.99);
    assert_true(recall >= 0.95);

    for (int i = 0; i < norig + ndis; i++) {
        orig_doc_free(&idx[i].d);
        free(idx[i].text);
    }
    for (int a = 0; a < norig; a++)
        strs_free(&art[a]);
    free(art);
    free(idx);
    buf_free(&pool);
    strs_free(&poems);
    strs_free(&filler);
    strs_free(&fill2);
}

int main(void)
{
    search_init(); /* the SQLite store's tokenizer (db/fts_sqlite.h) */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalise), cmocka_unit_test(test_shingles),   cmocka_unit_test(test_signature),
        cmocka_unit_test(test_verify),    cmocka_unit_test(test_traditional), cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_boilerplate),
        cmocka_unit_test(test_db),        cmocka_unit_test(test_evaluation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
