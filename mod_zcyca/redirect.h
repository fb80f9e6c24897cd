/* The redirect guard (pure: no httpd headers).  After a login, a browser
 * is sent to the page it came from, which the form names; that value comes
 * from the client, so it may only name a page of this host: never an open
 * redirect. */
#ifndef ZC_REDIRECT_H
#define ZC_REDIRECT_H

/* The longest target taken (the form field's own limit). */
#define ZC_REDIRECT_MAX 2048

/* 1 when target is a local path: it starts with '/' and the next character
 * is neither '/' nor '\' (a browser reads either as the start of another
 * host), and it holds no CR or LF; 0 otherwise, and for NULL. */
int zc_redirect_is_local(const char *target);

/* target when it is a local path, else fallback. */
const char *zc_redirect_target(const char *target, const char *fallback);

#endif
