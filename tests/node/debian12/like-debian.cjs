// Preloaded (node --require) when the Debian 12 pass of scripts/test.sh runs
// on this upstream Node 18.20.4 instead of Debian's own build of it. Debian's
// takes fetch from Debian's undici 5.15, older than the undici upstream 18.20
// bundles; the difference the tests met is Headers.getSetCookie() (undici
// 5.19), absent there, so it is absent here too.
delete globalThis.Headers.prototype.getSetCookie;
