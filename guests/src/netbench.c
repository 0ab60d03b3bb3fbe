/* Socket benchmarks of docs/benchmarks.md (issue #6), a server thread and a client thread in one
 * process over 127.0.0.1:
 *   netbench stream MIB   the client sends MIB MiB in 256 KiB writes; the server reads to the end
 *   netbench accept N     the client connects and closes N times; the server accepts and closes
 *   netbench unix MIB     as stream, over an AF_UNIX socketpair
 * Prints what was moved; timing is the caller's (hyperfine). */
#define _GNU_SOURCE
#include "guest.h"
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>

static int listener;
static struct sockaddr_in where;
static long count;
static long received;

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void *stream_server(void *arg) {
    (void) arg;
    int c = accept(listener, NULL, NULL);
    static char buf[256 << 10];
    ssize_t n;
    if (c < 0) {
        die("accept");
    }
    while ((n = read(c, buf, sizeof buf)) > 0) {
        received += n;
    }
    close(c);
    return NULL;
}

static void *accept_server(void *arg) {
    (void) arg;
    for (long i = 0; i < count; i++) {
        int c = accept(listener, NULL, NULL);
        if (c < 0) {
            die("accept");
        }
        close(c);
        received++;
    }
    return NULL;
}

static void send_all(int fd, long mib) {
    static char buf[256 << 10];
    memset(buf, 'x', sizeof buf);
    for (long i = 0; i < mib * 4; i++) {
        for (size_t off = 0; off < sizeof buf; ) {
            ssize_t n = write(fd, buf + off, sizeof buf - off);
            if (n <= 0) {
                die("write");
            }
            off += n;
        }
    }
}

static void *unix_reader(void *arg) {
    int fd = *(int *) arg;
    static char buf[256 << 10];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        received += n;
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: netbench stream MIB | accept N | unix MIB\n");
        return 2;
    }
    count = atol(argv[2]);
    pthread_t server;
    if (strcmp(argv[1], "unix") == 0) {
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
            die("socketpair");
        }
        pthread_create(&server, NULL, unix_reader, &sv[1]);
        send_all(sv[0], count);
        close(sv[0]);
        pthread_join(server, NULL);
        printf("moved %ld MiB\n", received >> 20);
        return 0;
    }
    socklen_t len = sizeof where;
    where.sin_family = AF_INET;
    where.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    listener = socket(AF_INET, SOCK_STREAM, 0);
    if (listener < 0 || bind(listener, (struct sockaddr *) &where, sizeof where) < 0 || listen(listener, 512) < 0
            || getsockname(listener, (struct sockaddr *) &where, &len) < 0) {
        die("listen");
    }
    if (strcmp(argv[1], "stream") == 0) {
        pthread_create(&server, NULL, stream_server, NULL);
        int c = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(c, (struct sockaddr *) &where, sizeof where) < 0) {
            die("connect");
        }
        send_all(c, count);
        close(c);
        pthread_join(server, NULL);
        printf("moved %ld MiB\n", received >> 20);
    } else if (strcmp(argv[1], "accept") == 0) {
        pthread_create(&server, NULL, accept_server, NULL);
        for (long i = 0; i < count; i++) {
            int c = socket(AF_INET, SOCK_STREAM, 0);
            if (c < 0 || connect(c, (struct sockaddr *) &where, sizeof where) < 0) {
                die("connect");
            }
            close(c);
        }
        pthread_join(server, NULL);
        printf("accepted %ld\n", received);
    } else {
        fprintf(stderr, "netbench: unknown benchmark %s\n", argv[1]);
        return 2;
    }
    return 0;
}
