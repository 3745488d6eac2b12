/* MSME self-service in the database (issue 10 items 4-6): access codes, the throttle's
 * attempt recorded in a transaction of its own, the verification that lets one request
 * see one MSME. The hashing is halaltrack/selfservice.h's, in C. */
#ifndef HALALTRACK_STORE_SELFSERVICE_H
#define HALALTRACK_STORE_SELFSERVICE_H

#include "halaltrack/selfservice.h"
#include "halaltrack/store.h"

/* Sets the MSME's access code to the given salt, kdf and verifier (selfservice.h), and
 * clears the NIB's throttle (a new code starts afresh). Returns 0, 1 when the NIB is not
 * in the register, -1 on error. Needs the owner role. */
int store_set_access_code(struct store *s, const char *nib, const char *salt,
                          const char *kdf, const char *verifier,
                          struct ht_err *err) HT_MUSTCHECK;

struct store_ss_attempt {
    char ticket[40];               /* admitted: the ticket for store_ss_verify */
    int retry_after;               /* throttled: seconds to wait */
    char salt[132];                /* admitted: the salt to hash the code with */
    char kdf[SELFSERVICE_KDF_MAX]; /* admitted: how (a stand-in for an unknown NIB) */
};
/* Records one attempt for the NIB and the client address (self_service_begin), alone in
 * a transaction of its own that commits before this returns; never call it inside a
 * transaction. kdf: the kdf new codes get (the stand-in for a NIB without a code).
 * Returns 0 admitted, 1 throttled (out->retry_after), -1 on error. */
int store_ss_begin(struct store *s, const char *nib, const char *client, const char *kdf,
                   struct store_ss_attempt *out, struct ht_err *err) HT_MUSTCHECK;
/* Checks the proof of an admitted attempt (self_service_verify) in the caller's
 * transaction; new_salt, new_kdf and new_verifier replace a code of kdf "sha256" when it
 * proves right (NULL otherwise). Returns 0 when the code is right (the transaction now
 * sees that one MSME), 1 when not (unknown NIB, wrong code, used or expired ticket), -1
 * on error. */
int store_ss_verify(struct store *s, const char *ticket, const char *proof,
                    const char *new_salt, const char *new_kdf, const char *new_verifier,
                    struct ht_err *err) HT_MUSTCHECK;

/* Around the hashing of a lookup (scrypt: memory and a core for a while): a service
 * limits how many run at once. Both may be NULL. */
struct selfservice_gate {
    void (*enter)(void *arg);
    void (*leave)(void *arg);
    void *arg;
};
#define STORE_SS_RIGHT 0     /* the code is right: a transaction is open, see below */
#define STORE_SS_WRONG 1     /* unknown NIB or wrong code (the same answer) */
#define STORE_SS_THROTTLED 2 /* too many failures: *retry_after seconds */
/* One whole lookup: the attempt (store_ss_begin, committed), the proof of code under the
 * salt and kdf it names (always computed, for an unknown NIB too), then a transaction
 * with store_ss_verify (a code of kdf "sha256" is re-hashed under kdf with a new salt).
 * STORE_SS_RIGHT leaves that transaction open: it sees the one MSME, and the caller
 * commits when it has read what it shows. kdf: the kdf new codes get. Returns one of
 * STORE_SS_*, or -1 on error (no transaction left open). */
int store_ss_lookup(struct store *s, const struct selfservice_pepper *pepper,
                    const char *kdf, const char *nib, const char *code,
                    const char *client, const struct selfservice_gate *gate,
                    int *retry_after, struct ht_err *err) HT_MUSTCHECK;

#endif
