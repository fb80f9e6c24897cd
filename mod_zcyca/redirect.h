/* The redirect guard (pure: no httpd headers).  After a login, a browser
 * is sent to the page it came from, which the form names; that value comes
 * from the client, so it may only name a page of this host: never an open
 * redirect. */
#ifndef ZC_REDIRECT_H
#define ZC_REDIRECT_H

/* The longest target taken (the form field's own limit). */
#define ZC_REDIRECT_MAX 2048

/* 1 when target is a local path that every browser reads as one: it
 * starts with '/', the next character is neither '/' nor '\' (a browser
 * reads either as the start of another host), and it has at most
 * ZC_REDIRECT_MAX bytes, all printable ASCII (0x21-0x7e).  No control
 * character: CR and LF would split the header, and browsers drop tab, CR
 * and LF anywhere in a URL, so "/<TAB>/evil" reads as "//evil"; no space,
 * and nothing above ASCII, which a browser reads in a charset of its own
 * (a path of ours comes percent-encoded).  0 otherwise, and for NULL. */
int zc_redirect_is_local(const char *target);

/* target when it is a local path, else fallback. */
const char *zc_redirect_target(const char *target, const char *fallback);

#endif
