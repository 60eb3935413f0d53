/* The session's jobs and events: the job table (jobs.c) and the queue and
 * log of events (events.c). The subject delivers each event as it comes
 * (struct subj_event); the session resolves its job when it is queued,
 * keeps it as data (struct nsl_event), and render writes it. */
#ifndef NSLAB_SESSION_JOBS_H
#define NSLAB_SESSION_JOBS_H

#include "nslab.h"
#include "subject/subject.h"

/* --- jobs.c ------------------------------------------------------------- */

struct job *job_add(struct nsl *sh, pid_t pid, const char *cmd);
struct job *job_find(struct nsl *sh, int id);
struct job *job_by_pid(struct nsl *sh, pid_t pid);
void jobs_free(struct nsl *sh);
/* "running", "exited 0", "killed by SIGKILL", in the user's language. */
const char *job_state_text(const struct job *j, char *buf, size_t size);
/* The same in English whatever the language: -J's "state". */
const char *job_state_word(const struct job *j, char *buf, size_t size);

/* --- events.c ----------------------------------------------------------- */

/* Read pending events without blocking (timeout_ms 0) or wait up to
 * timeout_ms for at least one. Updates the job table and queues the events
 * for printing. Returns the number handled, -1 when interrupted. */
int events_poll(struct nsl *sh, int timeout_ms);
/* One event from the subject or a builtin: the job table, the queue, the
 * log (the subject's hook, sh->subj.on_event). */
void event_apply(struct nsl *sh, const struct subj_event *ev);
/* Forget queued events of one kind for pid (a command already told it). */
void events_drop(struct nsl *sh, pid_t pid, int kind);
/* Print (text) or emit (JSON) queued events. */
void events_flush(struct nsl *sh);
/* Tell, as an event, that pid was PID 1 of the PID namespace `unshare pid`
 * left pending, and that it has exited: the namespace is gone. */
void events_init_gone(struct nsl *sh, pid_t pid);
/* A job was born for pid: queued events of that PID now name it. */
void events_job_born(struct nsl *sh, const struct job *j);
/* Does the logged event number seq (within the last EVLOG_SIZE) read as
 * text that contains s? */
bool events_log_has(struct nsl *sh, unsigned long seq, const char *s);
void events_free(struct nsl *sh);

#endif
