package dev.jkraft.kernel.abi;

/**
 * ioctl(2) requests for terminals and files (asm-generic/ioctls.h) and the request number
 * encoding (asm-generic/ioctl.h).
 */
public final class Ioctl {
    private Ioctl() {}

    public static final int TCGETS = 0x5401;
    public static final int TCSETS = 0x5402;
    public static final int TCSETSW = 0x5403;
    public static final int TCSETSF = 0x5404;
    public static final int TCGETA = 0x5405;
    public static final int TCSETA = 0x5406;
    public static final int TCSETAW = 0x5407;
    public static final int TCSETAF = 0x5408;
    public static final int TCSBRK = 0x5409;
    public static final int TCXONC = 0x540a;
    public static final int TCFLSH = 0x540b;
    public static final int TIOCEXCL = 0x540c;
    public static final int TIOCNXCL = 0x540d;
    public static final int TIOCSCTTY = 0x540e;
    public static final int TIOCGPGRP = 0x540f;
    public static final int TIOCSPGRP = 0x5410;
    public static final int TIOCOUTQ = 0x5411;
    public static final int TIOCSTI = 0x5412;
    public static final int TIOCGWINSZ = 0x5413;
    public static final int TIOCSWINSZ = 0x5414;
    public static final int TIOCMGET = 0x5415;
    public static final int TIOCMBIS = 0x5416;
    public static final int TIOCMBIC = 0x5417;
    public static final int TIOCMSET = 0x5418;
    public static final int TIOCGSOFTCAR = 0x5419;
    public static final int TIOCSSOFTCAR = 0x541a;
    public static final int FIONREAD = 0x541b;
    public static final int TIOCINQ = FIONREAD;
    public static final int TIOCLINUX = 0x541c;
    public static final int TIOCCONS = 0x541d;
    public static final int TIOCGSERIAL = 0x541e;
    public static final int TIOCSSERIAL = 0x541f;
    public static final int TIOCPKT = 0x5420;
    public static final int FIONBIO = 0x5421;
    public static final int TIOCNOTTY = 0x5422;
    public static final int TIOCSETD = 0x5423;
    public static final int TIOCGETD = 0x5424;
    public static final int TCSBRKP = 0x5425;
    public static final int TIOCSBRK = 0x5427;
    public static final int TIOCCBRK = 0x5428;
    public static final int TIOCGSID = 0x5429;
    public static final int TCGETS2 = 0x802c542a;
    public static final int TCSETS2 = 0x402c542b;
    public static final int TCSETSW2 = 0x402c542c;
    public static final int TCSETSF2 = 0x402c542d;
    public static final int TIOCGPTN = 0x80045430;
    public static final int TIOCSPTLCK = 0x40045431;
    public static final int TIOCGDEV = 0x80045432;
    public static final int TIOCSIG = 0x40045436;
    public static final int TIOCVHANGUP = 0x5437;
    public static final int TIOCGPKT = 0x80045438;
    public static final int TIOCGPTLCK = 0x80045439;
    public static final int TIOCGEXCL = 0x80045440;
    public static final int TIOCGPTPEER = 0x5441;
    public static final int FIONCLEX = 0x5450;
    public static final int FIOCLEX = 0x5451;
    public static final int FIOASYNC = 0x5452;
    public static final int TIOCSERCONFIG = 0x5453;
    public static final int TIOCSERGWILD = 0x5454;
    public static final int TIOCSERSWILD = 0x5455;
    public static final int TIOCGLCKTRMIOS = 0x5456;
    public static final int TIOCSLCKTRMIOS = 0x5457;
    public static final int TIOCSERGSTRUCT = 0x5458;
    public static final int TIOCSERGETLSR = 0x5459;
    public static final int TIOCSERGETMULTI = 0x545a;
    public static final int TIOCSERSETMULTI = 0x545b;
    public static final int TIOCMIWAIT = 0x545c;
    public static final int TIOCGICOUNT = 0x545d;
    public static final int FIOQSIZE = 0x5460;

    // Request number layout: nr in bits 0-7, type in 8-15, size in 16-29, direction in 30-31.
    public static final int IOC_NRBITS = 8;
    public static final int IOC_TYPEBITS = 8;
    public static final int IOC_SIZEBITS = 14;
    public static final int IOC_DIRBITS = 2;
    public static final int IOC_NRSHIFT = 0;
    public static final int IOC_TYPESHIFT = IOC_NRSHIFT + IOC_NRBITS;
    public static final int IOC_SIZESHIFT = IOC_TYPESHIFT + IOC_TYPEBITS;
    public static final int IOC_DIRSHIFT = IOC_SIZESHIFT + IOC_SIZEBITS;
    public static final int IOC_NONE = 0;
    public static final int IOC_WRITE = 1;
    public static final int IOC_READ = 2;

    private static final ConstantNames REQUESTS = ConstantNames.builder()
            .add(TCGETS, "TCGETS").add(TCSETS, "TCSETS").add(TCSETSW, "TCSETSW").add(TCSETSF, "TCSETSF")
            .add(TCGETA, "TCGETA").add(TCSETA, "TCSETA").add(TCSETAW, "TCSETAW").add(TCSETAF, "TCSETAF")
            .add(TCSBRK, "TCSBRK").add(TCXONC, "TCXONC").add(TCFLSH, "TCFLSH")
            .add(TIOCEXCL, "TIOCEXCL").add(TIOCNXCL, "TIOCNXCL").add(TIOCSCTTY, "TIOCSCTTY")
            .add(TIOCGPGRP, "TIOCGPGRP").add(TIOCSPGRP, "TIOCSPGRP").add(TIOCOUTQ, "TIOCOUTQ")
            .add(TIOCSTI, "TIOCSTI").add(TIOCGWINSZ, "TIOCGWINSZ").add(TIOCSWINSZ, "TIOCSWINSZ")
            .add(TIOCMGET, "TIOCMGET").add(TIOCMBIS, "TIOCMBIS").add(TIOCMBIC, "TIOCMBIC")
            .add(TIOCMSET, "TIOCMSET").add(TIOCGSOFTCAR, "TIOCGSOFTCAR").add(TIOCSSOFTCAR, "TIOCSSOFTCAR")
            .add(FIONREAD, "FIONREAD").add(TIOCLINUX, "TIOCLINUX").add(TIOCCONS, "TIOCCONS")
            .add(TIOCGSERIAL, "TIOCGSERIAL").add(TIOCSSERIAL, "TIOCSSERIAL").add(TIOCPKT, "TIOCPKT")
            .add(FIONBIO, "FIONBIO").add(TIOCNOTTY, "TIOCNOTTY").add(TIOCSETD, "TIOCSETD")
            .add(TIOCGETD, "TIOCGETD").add(TCSBRKP, "TCSBRKP").add(TIOCSBRK, "TIOCSBRK")
            .add(TIOCCBRK, "TIOCCBRK").add(TIOCGSID, "TIOCGSID").add(TCGETS2, "TCGETS2")
            .add(TCSETS2, "TCSETS2").add(TCSETSW2, "TCSETSW2").add(TCSETSF2, "TCSETSF2")
            .add(TIOCGPTN, "TIOCGPTN").add(TIOCSPTLCK, "TIOCSPTLCK").add(TIOCGDEV, "TIOCGDEV")
            .add(TIOCSIG, "TIOCSIG").add(TIOCVHANGUP, "TIOCVHANGUP").add(TIOCGPKT, "TIOCGPKT")
            .add(TIOCGPTLCK, "TIOCGPTLCK").add(TIOCGEXCL, "TIOCGEXCL").add(TIOCGPTPEER, "TIOCGPTPEER")
            .add(FIONCLEX, "FIONCLEX").add(FIOCLEX, "FIOCLEX").add(FIOASYNC, "FIOASYNC")
            .add(TIOCSERCONFIG, "TIOCSERCONFIG").add(TIOCSERGWILD, "TIOCSERGWILD")
            .add(TIOCSERSWILD, "TIOCSERSWILD").add(TIOCGLCKTRMIOS, "TIOCGLCKTRMIOS")
            .add(TIOCSLCKTRMIOS, "TIOCSLCKTRMIOS").add(TIOCSERGSTRUCT, "TIOCSERGSTRUCT")
            .add(TIOCSERGETLSR, "TIOCSERGETLSR").add(TIOCSERGETMULTI, "TIOCSERGETMULTI")
            .add(TIOCSERSETMULTI, "TIOCSERSETMULTI").add(TIOCMIWAIT, "TIOCMIWAIT")
            .add(TIOCGICOUNT, "TIOCGICOUNT").add(FIOQSIZE, "FIOQSIZE")
            .build();

    private static final String[] DIRECTIONS = {"_IOC_NONE", "_IOC_WRITE", "_IOC_READ", "_IOC_READ|_IOC_WRITE"};

    /**
     * A request as strace prints it: its name, or an unknown one spelled out as
     * {@code _IOC(_IOC_READ, 0x54, 0x99, 0x4)} (direction, type, number, size).
     */
    public static String format(int request) {
        String name = REQUESTS.nameOf(request);
        if (name != null) {
            return name;
        }
        return "_IOC(" + DIRECTIONS[field(request, IOC_DIRSHIFT, IOC_DIRBITS)]
                + ", " + ConstantNames.hex(field(request, IOC_TYPESHIFT, IOC_TYPEBITS))
                + ", " + ConstantNames.hex(field(request, IOC_NRSHIFT, IOC_NRBITS))
                + ", " + ConstantNames.hex(field(request, IOC_SIZESHIFT, IOC_SIZEBITS)) + ")";
    }

    private static int field(int request, int shift, int bits) {
        return (request >>> shift) & ((1 << bits) - 1);
    }
}
