/* Test helpers: subprocesses with captured output, temporary files. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "test_util.h"

extern char **environ;

static void append(char **buf, size_t *len, const char *data, size_t n)
{
    char *p = realloc(*buf, *len + n + 1);

    cr_assert(p, "out of memory");
    memcpy(p + *len, data, n);
    *len += n;
    p[*len] = '\0';
    *buf = p;
}

struct tu_result tu_run(const char *const argv[], const char *const env[],
                        const char *input, int timeout_s)
{
    struct tu_result r = {0};
    int pout[2], perr[2], pin[2];
    size_t olen = 0, elen = 0, inlen = input ? strlen(input) : 0, inoff = 0;
    pid_t pid;
    int st;
    time_t deadline = time(NULL) + (timeout_s > 0 ? timeout_s : 60);

    signal(SIGPIPE, SIG_IGN);

    cr_assert(pipe(pout) == 0 && pipe(perr) == 0 && pipe(pin) == 0);
    pid = fork();
    cr_assert(pid >= 0, "fork failed");
    if (pid == 0) {
        dup2(pin[0], 0);
        dup2(pout[1], 1);
        dup2(perr[1], 2);
        close(pin[1]);
        close(pout[0]);
        close(perr[0]);
        for (size_t i = 0; env && env[i]; i++)
            putenv((char *)env[i]);
        if (strchr(argv[0], '/'))
            execv(argv[0], (char *const *)argv);
        else
            execvp(argv[0], (char *const *)argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(pin[0]);
    close(pout[1]);
    close(perr[1]);
    if (!inlen) {
        close(pin[1]);
        pin[1] = -1;
    } else {
        fcntl(pin[1], F_SETFL, O_NONBLOCK);
    }
    r.out = calloc(1, 1);
    r.err = calloc(1, 1);
    int oopen = 1, eopen = 1;
    while (oopen || eopen) {
        struct pollfd fds[3] = {{oopen ? pout[0] : -1, POLLIN, 0},
                                {eopen ? perr[0] : -1, POLLIN, 0},
                                {pin[1], POLLOUT, 0}};
        char chunk[65536];
        int n = poll(fds, 3, 200);

        if (time(NULL) > deadline) {
            kill(pid, SIGKILL);
            break;
        }
        if (n <= 0)
            continue;
        if (pin[1] >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t w = write(pin[1], input + inoff, inlen - inoff);
            if (w > 0)
                inoff += (size_t)w;
            if (w < 0 || inoff >= inlen) {
                close(pin[1]);
                pin[1] = -1;
            }
        }
        if (fds[0].revents) {
            ssize_t g = read(pout[0], chunk, sizeof(chunk));
            if (g > 0)
                append(&r.out, &olen, chunk, (size_t)g);
            else
                oopen = 0;
        }
        if (fds[1].revents) {
            ssize_t g = read(perr[0], chunk, sizeof(chunk));
            if (g > 0)
                append(&r.err, &elen, chunk, (size_t)g);
            else
                eopen = 0;
        }
    }
    if (pin[1] >= 0)
        close(pin[1]);
    close(pout[0]);
    close(perr[0]);
    waitpid(pid, &st, 0);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return r;
}

void tu_result_release(struct tu_result *r)
{
    free(r->out);
    free(r->err);
    memset(r, 0, sizeof(*r));
}

static const char *join(const char *var, const char *fallback, const char *rel)
{
    static char slots[8][4096];
    static int next;
    char *p = slots[next++ % 8];
    const char *base = getenv(var);

    snprintf(p, 4096, "%s/%s", base && *base ? base : fallback, rel);
    return p;
}

const char *tu_bin(const char *rel)
{
    return join("HT_BIN_DIR", ".", rel);
}

const char *tu_src(const char *rel)
{
    return join("HT_SOURCE_DIR", "..", rel);
}

char *tu_write_temp(const char *suffix, const char *text, size_t len)
{
    char *path = malloc(256);
    int fd;

    cr_assert(path);
    snprintf(path, 256, "/tmp/ht_test_XXXXXX%s", suffix ? suffix : "");
    fd = mkstemps(path, suffix ? (int)strlen(suffix) : 0);
    cr_assert(fd >= 0, "mkstemps failed");
    cr_assert(write(fd, text, len) == (ssize_t)len);
    close(fd);
    return path;
}

char *tu_read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0;
    char chunk[65536];
    size_t got;

    if (!fp)
        return NULL;
    while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        append(&buf, &n, chunk, got);
    fclose(fp);
    if (!buf)
        buf = calloc(1, 1);
    if (len)
        *len = n;
    return buf;
}

int tu_count(const char *hay, const char *needle)
{
    int n = 0;
    size_t nl = strlen(needle);

    if (!nl)
        return 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + nl, needle))
        n++;
    return n;
}
