/* A TCP echo server for PublishedPortsTest: binds 0.0.0.0 at the guest port in argv[1], checks
 * that it reaches itself at 127.0.0.1 on that guest port (wherever -p put it on the host), prints
 * "ready", then echoes each connection until it closes, and exits after a connection that sent
 * "quit". Natively it is the same program on the host's own port. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "guest.h"

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: inetecho GUESTPORT\n");
        return 2;
    }
    int port = atoi(argv[1]);
    int l = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_ANY)};
    if (bind(l, (struct sockaddr *)&a, sizeof a) != 0 || listen(l, 8) != 0) {
        perror("bind/listen");
        return 1;
    }
    struct sockaddr_in me;
    socklen_t len = sizeof me;
    getsockname(l, (struct sockaddr *)&me, &len);
    printf("bound to the guest port: %s\n", yes(ntohs(me.sin_port) == port));
    /* the guest reaches its own server by the guest port */
    int c = socket(AF_INET, SOCK_STREAM, 0);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc = connect(c, (struct sockaddr *)&a, sizeof a);
    int s = accept(l, NULL, NULL);
    char buf[512];
    long n = rc == 0 ? write(c, "self", 4) : -1;
    n = n == 4 ? read(s, buf, sizeof buf) : -1;
    printf("reached itself: %s\n", yes(rc == 0 && n == 4 && !memcmp(buf, "self", 4)));
    close(c);
    close(s);
    printf("ready\n");
    fflush(stdout);
    for (;;) {
        s = accept(l, NULL, NULL);
        if (s < 0) {
            perror("accept");
            return 1;
        }
        int quit = 0;
        while ((n = read(s, buf, sizeof buf)) > 0) {
            if (n >= 4 && !memcmp(buf, "quit", 4)) {
                quit = 1;
            }
            write(s, buf, n);
        }
        close(s);
        if (quit) {
            printf("bye\n");
            return 0;
        }
    }
}
