/* The interface ioctls on sockets (SIOCGIFINDEX, SIOCGIFNAME, SIOCGIFFLAGS, SIOCGIFMTU,
 * SIOCGIFHWADDR, SIOCGIFCONF, SIOCGIFADDR, SIOCGIFNETMASK) and glibc's/musl's if_nametoindex and
 * if_indextoname built on them, for the loopback device, which every host has alike. */
#define _GNU_SOURCE
#include "guest.h"
#include <arpa/inet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

static int req(int fd, unsigned long r, struct ifreq *q, const char *name) {
    memset(q, 0, sizeof *q);
    strncpy(q->ifr_name, name, IFNAMSIZ - 1);
    return ioctl(fd, r, q);
}

static const char *addr(struct sockaddr *sa) {
    static char b[64];
    return inet_ntop(AF_INET, &((struct sockaddr_in *)sa)->sin_addr, b, sizeof b);
}

int main(void) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    int u = socket(AF_UNIX, SOCK_STREAM, 0);
    struct ifreq q;
    int rc = req(s, SIOCGIFINDEX, &q, "lo");
    int index = q.ifr_ifindex;
    printf("SIOCGIFINDEX lo: %s, positive %s\n", errname(rc ? errno : 0), yes(index > 0));
    rc = req(s, SIOCGIFFLAGS, &q, "lo");
    printf("SIOCGIFFLAGS lo: %s, up %s loopback %s running %s\n", errname(rc ? errno : 0), yes(q.ifr_flags & IFF_UP),
           yes(q.ifr_flags & IFF_LOOPBACK), yes(q.ifr_flags & IFF_RUNNING));
    rc = req(s, SIOCGIFMTU, &q, "lo");
    printf("SIOCGIFMTU lo: %s, at least 1500 %s\n", errname(rc ? errno : 0), yes(q.ifr_mtu >= 1500));
    rc = req(s, SIOCGIFHWADDR, &q, "lo");
    printf("SIOCGIFHWADDR lo: %s, ARPHRD_LOOPBACK %s\n", errname(rc ? errno : 0),
           yes(q.ifr_hwaddr.sa_family == ARPHRD_LOOPBACK));
    rc = req(s, SIOCGIFADDR, &q, "lo");
    printf("SIOCGIFADDR lo: %s %s\n", errname(rc ? errno : 0), rc ? "" : addr(&q.ifr_addr));
    rc = req(s, SIOCGIFNETMASK, &q, "lo");
    printf("SIOCGIFNETMASK lo: %s %s\n", errname(rc ? errno : 0), rc ? "" : addr(&q.ifr_netmask));
    memset(&q, 0, sizeof q);
    q.ifr_ifindex = index;
    rc = ioctl(s, SIOCGIFNAME, &q);
    printf("SIOCGIFNAME of lo's index: %s %s\n", errname(rc ? errno : 0), rc ? "" : q.ifr_name);
    rc = req(s, SIOCGIFINDEX, &q, "nosuch0");
    printf("SIOCGIFINDEX nosuch0: %s\n", errname(rc ? errno : 0));
    memset(&q, 0, sizeof q);
    q.ifr_ifindex = 99999;
    rc = ioctl(s, SIOCGIFNAME, &q);
    printf("SIOCGIFNAME 99999: %s\n", errname(rc ? errno : 0));
    rc = req(u, SIOCGIFINDEX, &q, "lo");
    printf("SIOCGIFINDEX lo on AF_UNIX: %s, same %s\n", errname(rc ? errno : 0), yes(q.ifr_ifindex == index));

    struct ifconf c = {0};
    rc = ioctl(s, SIOCGIFCONF, &c);
    printf("SIOCGIFCONF size: %s, whole ifreqs %s, at least one %s\n", errname(rc ? errno : 0),
           yes(c.ifc_len % sizeof(struct ifreq) == 0), yes(c.ifc_len >= (int)sizeof(struct ifreq)));
    struct ifreq all[64];
    c.ifc_len = sizeof all;
    c.ifc_req = all;
    rc = ioctl(s, SIOCGIFCONF, &c);
    int found = 0;
    for (int i = 0; i < c.ifc_len / (int)sizeof(struct ifreq); i++) {
        if (!strcmp(all[i].ifr_name, "lo") && !strcmp(addr(&all[i].ifr_addr), "127.0.0.1")) {
            found = 1;
        }
    }
    printf("SIOCGIFCONF lists lo 127.0.0.1: %s %s\n", errname(rc ? errno : 0), yes(found));
    c.ifc_len = sizeof(struct ifreq) - 1;
    rc = ioctl(s, SIOCGIFCONF, &c);
    printf("SIOCGIFCONF into too little room: %s, %d bytes\n", errname(rc ? errno : 0), c.ifc_len);

    unsigned n = if_nametoindex("lo");
    char name[IF_NAMESIZE];
    printf("if_nametoindex(lo) == SIOCGIFINDEX: %s\n", yes(n == (unsigned)index));
    printf("if_indextoname: %s\n", if_indextoname(n, name) ? name : errname(errno));
    printf("if_nametoindex(nosuch0): %u\n", if_nametoindex("nosuch0"));
    return 0;
}
