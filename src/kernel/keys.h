/* The kernel's keyrings (keyrings(7)), through libkeyutils: what a process
 * sees (its session keyring, the user keyring of its uid in its user
 * namespace, the keys in that one, how many keys /proc/keys shows it), and
 * "user" keys added to and searched for in the user keyring. Since Linux
 * 5.3 the user and user-session keyrings belong to a user namespace: uid 0
 * of a new user namespace gets keyrings of its own, even when it maps to
 * the same uid outside.
 *
 * What a process sees depends on the process that asks (its credentials,
 * its user namespace, the keyrings it possesses), so the reading runs in the
 * process in question (the subject) or in a helper inside TARGET's user
 * namespace, and travels to the shell packed as text (keys_view_pack's
 * lines), parsed there by keys_view_parse. */
#ifndef NSLAB_KEYS_H
#define NSLAB_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/trace.h"
#include "util.h"

/* The kernel's limits: a key's description is at most 4095 bytes
 * (KEY_MAX_DESC_SIZE less its NUL), a "user" key's payload 1 to 32767. */
#define KEY_NAME_MAX 4095
#define KEY_DATA_MAX 32767

struct key_entry {
    int32_t id;
    char *type, *desc; /* desc escaped for showing (\xNN) */
};
struct keys_view {
    long uid;           /* the reader's uid in its user namespace */
    int32_t session_id; /* 0 when err */
    int session_err;
    char *session_desc;
    int32_t user_id;
    int user_err;
    char *user_desc;
    size_t nkeys; /* the keys linked in the user keyring */
    struct key_entry *keys;
    long proc_keys; /* lines of /proc/keys as the reader read it, -1 unread */
};

/* Reader side (an nshelper_fn): what the calling process sees, packed into
 * out; its keyctl calls go to t. 0, or -1 with errno when not even the
 * user keyring could be named. Asking for the session keyring installs the
 * user-session keyring as the caller's session keyring when it had none
 * (the kernel does so on first access). */
int keys_view_read(void *arg, struct trace *t, struct strbuf *out);
/* Shell side: 0, or -1 when the text is malformed. Free with keys_view_free. */
int keys_view_parse(const char *text, struct keys_view *v);
void keys_view_free(struct keys_view *v);
/* True when desc is a user-session keyring's name ("_uid_ses.N"). */
int keys_is_user_session(const char *desc);

/* add_key(2) of a "user" key named name with data into the caller's user
 * keyring: its serial, or -1 with errno. Traced. */
long sys_add_user_key(struct trace *t, const char *name, const char *data, size_t len);
/* keyctl(KEYCTL_SEARCH) of the caller's user keyring for a "user" key
 * named name: its serial, or -1 with errno (ENOKEY: none). Traced. */
long sys_search_user_key(struct trace *t, const char *name);
/* keyctl(KEYCTL_UNLINK) of key id from the caller's user keyring: 0, or
 * -1 with errno. Traced. */
long sys_unlink_user_key(struct trace *t, int32_t id);
/* keyctl(KEYCTL_READ) of key id's payload into out: its length, or -1
 * with errno. Traced. */
long sys_read_key(struct trace *t, int32_t id, struct strbuf *out);

#endif
