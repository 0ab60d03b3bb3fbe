/* A daemon-like guest for the instance tests: prints "ready", then waits for signals forever.
 * With argv[1] "ignore-term" it ignores SIGTERM (so jkraft stop must fall back to SIGKILL);
 * otherwise SIGTERM makes it print "terminating" and exit 0, as a server shutting down cleanly. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t term;

static void on_term(int sig) {
    (void) sig;
    term = 1;
}

int main(int argc, char **argv) {
    int ignore = argc > 1 && strcmp(argv[1], "ignore-term") == 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = ignore ? SIG_IGN : on_term;
    sigaction(SIGTERM, &sa, NULL);
    printf("ready\n");
    fflush(stdout);
    while (!term) {
        pause();
    }
    printf("terminating\n");
    fflush(stdout);
    return 0;
}
