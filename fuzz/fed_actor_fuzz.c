/* libFuzzer driver: a document another server answers when hao looks up
 * the actor behind a signature's key (src/site/federation/remote.c):
 * doc_read (an actor, or a key document naming its owner, on the host it
 * came from) and actor_read (inbox, shared inbox, the key asked for or the
 * only one, its owner, its PEM, the name shown as @user@host), looked up
 * both by the actor's URL and by a key id. The network and the store are
 * not involved.
 * Checked beyond "no crash": a refusal has a reason; an actor read is on
 * the host it came from, its key id too, and is the key asked for; its
 * acct is NAME@HOST with a safe NAME; a key document's owner is on the
 * host. Owned by ops (issue 17). */
#include "../src/site/federation/remote.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HOST "remote.example"

static void fail(const char *what, const char *v)
{
    fprintf(stderr, "fed_actor: %s: %s\n", what, v ? v : "(null)");
    abort();
}

static void check(json_t *j, const char *key)
{
    char want_key[2048], doc_url[2048] = "https://" HOST "/users/alice";
    snprintf(want_key, sizeof want_key, "%s", key);
    json_t *actor = NULL;
    const char *why = NULL;
    int rc = doc_read(j, HOST, want_key, doc_url, &actor, &why);
    if (rc < 0 && !why)
        fail("a refused document without a reason", "");
    if (rc == 0) {
        char h[256];
        if (fed_url_host(doc_url, h, sizeof h) < 0 || strcmp(h, HOST) != 0 || !want_key[0])
            fail("a key document's owner elsewhere", doc_url);
        return;
    }
    if (rc < 0)
        return;
    fed_remote_t a;
    memset(&a, 0, sizeof a);
    if (actor_read(actor, want_key, &a, &why) < 0) {
        if (!why)
            fail("a refused actor without a reason", "");
        return;
    }
    char h[256];
    const char *at = strrchr(a.acct, '@');
    if (strcmp(a.host, HOST) != 0)
        fail("host", a.host);
    if (fed_url_host(a.uri, h, sizeof h) < 0 || strcmp(h, HOST) != 0)
        fail("uri", a.uri);
    if (fed_url_host(a.key_id, h, sizeof h) < 0 || strcmp(h, HOST) != 0)
        fail("key id", a.key_id);
    if (want_key[0] && strcmp(a.key_id, want_key) != 0)
        fail("another key than asked", a.key_id);
    char name[400] = "";
    if (at)
        snprintf(name, sizeof name, "%.*s", (int)(at - a.acct), a.acct);
    if (!at || strcmp(at + 1, HOST) != 0 || safe_name(name) != name)
        fail("acct", a.acct);
    if (!a.inbox || !a.shared_inbox || !a.url || !a.pem)
        fail("a field missing", a.uri);
    fed_remote_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t jerr;
    json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
    if (!j)
        return 0;
    check(j, "");
    check(j, "https://" HOST "/users/alice#main-key");
    json_decref(j);
    return 0;
}
