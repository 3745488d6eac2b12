/* systemd readiness without libsystemd: READY=1, RELOADING=1, STOPPING=1 as one datagram
 * each to $NOTIFY_SOCKET (halaltrackd, halaltrack-serve). */
#ifndef HALALTRACK_SDNOTIFY_H
#define HALALTRACK_SDNOTIFY_H

/* Sends msg to $NOTIFY_SOCKET; a no-op when it is unset. Failures are logged at debug. */
void sd_notify_msg(const char *msg);

#endif
