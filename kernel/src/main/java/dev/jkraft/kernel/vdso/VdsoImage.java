package dev.jkraft.kernel.vdso;

import static dev.jkraft.kernel.vdso.Asm.JAE;
import static dev.jkraft.kernel.vdso.Asm.JA;
import static dev.jkraft.kernel.vdso.Asm.JB;
import static dev.jkraft.kernel.vdso.Asm.JE;
import static dev.jkraft.kernel.vdso.Asm.JNE;
import static dev.jkraft.kernel.vdso.Asm.R10;
import static dev.jkraft.kernel.vdso.Asm.R11;
import static dev.jkraft.kernel.vdso.Asm.R8;
import static dev.jkraft.kernel.vdso.Asm.R9;
import static dev.jkraft.kernel.vdso.Asm.RAX;
import static dev.jkraft.kernel.vdso.Asm.RCX;
import static dev.jkraft.kernel.vdso.Asm.RDI;
import static dev.jkraft.kernel.vdso.Asm.RDX;
import static dev.jkraft.kernel.vdso.Asm.RSI;

import dev.jkraft.kernel.time.Timekeeper;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The vDSO: a small ELF shared object, linked at 0 like Linux's, that the kernel maps into every
 * program ({@code [vdso]}, AT_SYSINFO_EHDR) right above its data page ({@code [vvar]}, see
 * {@link Vvar}). It exports {@code __vdso_clock_gettime}, {@code __vdso_gettimeofday},
 * {@code __vdso_time}, {@code __vdso_clock_getres} and {@code __vdso_getcpu} (and the plain names
 * as weak aliases), all at version LINUX_2.6, with the SysV hash table musl's lookup needs and the
 * version tables glibc's uses. The code is assembled here rather than compiled, so building jkraft
 * needs no C toolchain; each function falls back to the real system call when the data page says
 * so or the clock is not one it keeps.
 */
public final class VdsoImage {
    /** Pages of {@code [vvar]} mapped immediately below the image. */
    public static final int VVAR_PAGES = 1;
    /** The image's size: one page. */
    public static final int SIZE = 4096;
    public static final String SONAME = "linux-vdso.so.1";
    public static final String VERSION = "LINUX_2.6";
    /** Functions exported, in symbol-table order. */
    public static final List<String> FUNCTIONS = List.of("clock_gettime", "gettimeofday", "time", "clock_getres",
            "getcpu");

    private static final int NR_GETTIMEOFDAY = 96;
    private static final int NR_TIME = 201;
    private static final int NR_CLOCK_GETTIME = 228;
    private static final int NR_CLOCK_GETRES = 229;
    private static final int NR_GETCPU = 309;
    private static final int NANOS = 1_000_000_000;

    private static final int PHNUM = 3;
    private static final int TEXT_SECTION = 7;

    private final byte[] bytes;
    private final Map<String, Integer> symbols;

    private VdsoImage(byte[] bytes, Map<String, Integer> symbols) {
        this.bytes = bytes;
        this.symbols = symbols;
    }

    /** The image's bytes, {@link #SIZE} long. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Offsets of the exported symbols (both names of each function). */
    public Map<String, Integer> symbols() {
        return symbols;
    }

    private static final Map<Integer, VdsoImage> BUILT = new ConcurrentHashMap<>();

    /** The image for a kernel release string such as "6.8.0-jkraft", built once per JVM. */
    public static VdsoImage forRelease(String release) {
        return BUILT.computeIfAbsent(versionCode(release), VdsoImage::build);
    }

    /** LINUX_VERSION_CODE of a release string: "6.8.12-x" is (6 << 16) | (8 << 8) | 12, the patch capped at 255. */
    static int versionCode(String release) {
        int[] v = new int[3];
        int part = 0;
        for (int i = 0; i < release.length() && part < 3; i++) {
            char c = release.charAt(i);
            if (c >= '0' && c <= '9') {
                v[part] = Math.min(255, v[part] * 10 + (c - '0'));
            } else if (c == '.') {
                part++;
            } else {
                break;
            }
        }
        return v[0] << 16 | v[1] << 8 | v[2];
    }

    /**
     * Builds the image.
     *
     * @param linuxVersion LINUX_VERSION_CODE for the "Linux" note glibc reads ((major << 16) |
     *     (minor << 8) | patch)
     */
    public static VdsoImage build(int linuxVersion) {
        // Symbols: index 0 is the null symbol; then __vdso_f (global) and f (weak) per function.
        ByteArrayOutputStream dynstr = new ByteArrayOutputStream();
        dynstr.write(0);
        int sonameStr = addString(dynstr, SONAME);
        int versionStr = addString(dynstr, VERSION);
        List<String> names = FUNCTIONS.stream().flatMap(f -> Stream.of("__vdso_" + f, f)).toList();
        int[] nameStr = new int[names.size()];
        for (int i = 0; i < names.size(); i++) {
            nameStr[i] = addString(dynstr, names.get(i));
        }
        byte[] strtab = dynstr.toByteArray();
        int nsyms = names.size() + 1;

        // Layout (offsets are addresses: linked at 0).
        int phoff = 64;
        int hashOff = align(phoff + PHNUM * 56, 8);
        int nbucket = 3;
        int hashSize = 4 * (2 + nbucket + nsyms);
        int symOff = align(hashOff + hashSize, 8);
        int strOff = symOff + 24 * nsyms;
        int versymOff = align(strOff + strtab.length, 2);
        int verdefOff = align(versymOff + 2 * nsyms, 4);
        int verdefSize = 2 * (20 + 8);
        int noteOff = align(verdefOff + verdefSize, 4);
        int noteSize = 12 + 8 + 4;
        int dynOff = align(noteOff + noteSize, 8);
        int ndyn = 10;
        int textOff = align(dynOff + 16 * ndyn, 16);

        Asm a = new Asm(textOff);
        Map<String, Integer> entry = new LinkedHashMap<>();
        emitCode(a, entry);
        byte[] text = a.finish();
        int textEnd = textOff + text.length;

        String[] sectionNames = {"", ".hash", ".dynsym", ".dynstr", ".gnu.version", ".gnu.version_d", ".note",
            ".text", ".dynamic", ".shstrtab"};
        ByteArrayOutputStream shstr = new ByteArrayOutputStream();
        int[] shName = new int[sectionNames.length];
        shstr.write(0);
        for (int i = 1; i < sectionNames.length; i++) {
            shName[i] = addString(shstr, sectionNames[i]);
        }
        byte[] shstrtab = shstr.toByteArray();
        int shstrOff = textEnd;
        int shoff = align(shstrOff + shstrtab.length, 8);
        int end = shoff + 64 * sectionNames.length;
        if (end > SIZE) {
            throw new IllegalStateException("vDSO image grew past one page: " + end);
        }

        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        // ELF header
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0});
        b.position(16);
        b.putShort((short) 3).putShort((short) 62).putInt(1).putLong(0).putLong(phoff).putLong(shoff).putInt(0)
                .putShort((short) 64).putShort((short) 56).putShort((short) PHNUM).putShort((short) 64)
                .putShort((short) sectionNames.length).putShort((short) (sectionNames.length - 1));
        // Program headers
        b.position(phoff);
        phdr(b, 1, 5, 0, textEnd, 4096); // PT_LOAD r-x
        phdr(b, 2, 4, dynOff, 16 * ndyn, 8); // PT_DYNAMIC
        phdr(b, 4, 4, noteOff, noteSize, 4); // PT_NOTE
        // SysV hash table: bucket i chains the symbols whose hash mod nbucket is i.
        int[] buckets = new int[nbucket];
        int[] chains = new int[nsyms];
        for (int s = nsyms - 1; s >= 1; s--) {
            int h = (int) (elfHash(names.get(s - 1)) % nbucket);
            chains[s] = buckets[h];
            buckets[h] = s;
        }
        b.position(hashOff);
        b.putInt(nbucket).putInt(nsyms);
        for (int v : buckets) {
            b.putInt(v);
        }
        for (int v : chains) {
            b.putInt(v);
        }
        // Dynamic symbols
        b.position(symOff + 24);
        for (int i = 0; i < names.size(); i++) {
            String f = FUNCTIONS.get(i / 2);
            boolean weak = i % 2 == 1;
            b.putInt(nameStr[i]).put((byte) ((weak ? 2 : 1) << 4 | 2)).put((byte) 0).putShort((short) TEXT_SECTION)
                    .putLong(entry.get(f)).putLong(entry.get(f + "$size"));
        }
        b.position(strOff);
        b.put(strtab);
        // Version of each symbol: 0 (local) for the null symbol, 2 (LINUX_2.6) for the rest.
        b.position(versymOff);
        b.putShort((short) 0);
        for (int i = 1; i < nsyms; i++) {
            b.putShort((short) 2);
        }
        // Version definitions: 1 is the object itself (VER_FLG_BASE), 2 is LINUX_2.6.
        b.position(verdefOff);
        b.putShort((short) 1).putShort((short) 1).putShort((short) 1).putShort((short) 1).putInt((int) elfHash(SONAME))
                .putInt(20).putInt(28);
        b.putInt(sonameStr).putInt(0);
        b.putShort((short) 1).putShort((short) 0).putShort((short) 2).putShort((short) 1).putInt((int) elfHash(VERSION))
                .putInt(20).putInt(0);
        b.putInt(versionStr).putInt(0);
        // The "Linux" note with LINUX_VERSION_CODE.
        b.position(noteOff);
        b.putInt(6).putInt(4).putInt(0).put("Linux\0\0\0".getBytes(StandardCharsets.US_ASCII)).putInt(linuxVersion);
        // Dynamic section
        b.position(dynOff);
        long[][] dyn = {
            {4, hashOff}, {5, strOff}, {6, symOff}, {10, strtab.length}, {11, 24}, {14, sonameStr},
            {0x6ffffff0L, versymOff}, {0x6ffffffcL, verdefOff}, {0x6ffffffdL, 2}, {0, 0}
        };
        for (long[] d : dyn) {
            b.putLong(d[0]).putLong(d[1]);
        }
        b.position(textOff);
        b.put(text);
        b.position(shstrOff);
        b.put(shstrtab);
        // Section headers, for debuggers and readelf.
        b.position(shoff + 64);
        shdr(b, shName[1], 5, 2, hashOff, hashSize, 2, 0, 8, 4); // .hash -> .dynsym
        shdr(b, shName[2], 11, 2, symOff, 24L * nsyms, 3, 1, 8, 24); // .dynsym -> .dynstr, first global 1
        shdr(b, shName[3], 3, 2, strOff, strtab.length, 0, 0, 1, 0); // .dynstr
        shdr(b, shName[4], 0x6fffffff, 2, versymOff, 2L * nsyms, 2, 0, 2, 2); // .gnu.version
        shdr(b, shName[5], 0x6ffffffd, 2, verdefOff, verdefSize, 3, 2, 4, 0); // .gnu.version_d
        shdr(b, shName[6], 7, 2, noteOff, noteSize, 0, 0, 4, 0); // .note
        shdr(b, shName[7], 1, 6, textOff, text.length, 0, 0, 16, 0); // .text
        shdr(b, shName[8], 6, 3, dynOff, 16L * ndyn, 3, 0, 8, 16); // .dynamic
        shdrAt(b, shName[9], 3, 0, shstrOff, shstrtab.length, 0, 0, 1, 0, 0); // .shstrtab (not loaded)

        Map<String, Integer> symbols = new LinkedHashMap<>();
        for (String f : FUNCTIONS) {
            symbols.put("__vdso_" + f, entry.get(f));
            symbols.put(f, entry.get(f));
        }
        return new VdsoImage(b.array(), Map.copyOf(symbols));
    }

    // ---- code ----

    private static void emitCode(Asm a, Map<String, Integer> entry) {
        int vvar = -VVAR_PAGES * SIZE;
        Asm.Label now = new Asm.Label();

        // __vdso_clock_gettime(clockid_t %edi, struct timespec *%rsi)
        int start = a.here();
        entry.put("clock_gettime", start);
        Asm.Label cgtSys = new Asm.Label();
        a.call(now);
        a.jcc(JB, cgtSys);
        splitSeconds(a);
        a.store64(Asm.Mem.at(RSI, 0), RAX);
        a.store64(Asm.Mem.at(RSI, 8), RDX);
        a.xor32(RAX, RAX);
        a.ret();
        a.bind(cgtSys);
        syscall(a, NR_CLOCK_GETTIME);
        entry.put("clock_gettime$size", a.here() - start);

        // __vdso_gettimeofday(struct timeval *%rdi, struct timezone *%rsi)
        start = a.here();
        entry.put("gettimeofday", start);
        Asm.Label gtodTz = new Asm.Label();
        Asm.Label gtodDone = new Asm.Label();
        Asm.Label gtodSys = new Asm.Label();
        a.mov64(R11, RDI);
        a.test64(R11, R11);
        a.jcc(JE, gtodTz);
        a.xor32(RDI, RDI);
        a.call(now);
        a.jcc(JB, gtodSys);
        splitSeconds(a);
        a.store64(Asm.Mem.at(R11, 0), RAX);
        a.mov64(RAX, RDX);
        a.xor32(RDX, RDX);
        a.movImm32(RCX, 1000);
        a.div64(RCX);
        a.store64(Asm.Mem.at(R11, 8), RAX);
        a.bind(gtodTz);
        a.test64(RSI, RSI);
        a.jcc(JE, gtodDone);
        a.store32Imm(Asm.Mem.at(RSI, 0), 0);
        a.store32Imm(Asm.Mem.at(RSI, 4), 0);
        a.bind(gtodDone);
        a.xor32(RAX, RAX);
        a.ret();
        a.bind(gtodSys);
        a.mov64(RDI, R11);
        syscall(a, NR_GETTIMEOFDAY);
        entry.put("gettimeofday$size", a.here() - start);

        // __vdso_time(time_t *%rdi)
        start = a.here();
        entry.put("time", start);
        Asm.Label timeSys = new Asm.Label();
        Asm.Label timeDone = new Asm.Label();
        a.mov64(R11, RDI);
        a.xor32(RDI, RDI);
        a.call(now);
        a.jcc(JB, timeSys);
        splitSeconds(a);
        a.test64(R11, R11);
        a.jcc(JE, timeDone);
        a.store64(Asm.Mem.at(R11, 0), RAX);
        a.bind(timeDone);
        a.ret();
        a.bind(timeSys);
        a.mov64(RDI, R11);
        syscall(a, NR_TIME);
        entry.put("time$size", a.here() - start);

        // __vdso_clock_getres(clockid_t %edi, struct timespec *%rsi)
        start = a.here();
        entry.put("clock_getres", start);
        Asm.Label resSys = new Asm.Label();
        Asm.Label resDone = new Asm.Label();
        a.cmpImm32(RDI, Timekeeper.MAX_CLOCKS - 1);
        a.jcc(JA, resSys);
        a.mov32(RCX, RDI);
        a.leaRip(R8, vvar);
        a.bt32(Asm.Mem.at(R8, Vvar.CLOCK_MASK), RCX);
        a.jcc(JAE, resSys);
        a.test64(RSI, RSI);
        a.jcc(JE, resDone);
        a.load64(RAX, Asm.Mem.indexed(R8, RCX, 8, Vvar.RES));
        a.xor32(RDX, RDX);
        a.store64(Asm.Mem.at(RSI, 0), RDX);
        a.store64(Asm.Mem.at(RSI, 8), RAX);
        a.bind(resDone);
        a.xor32(RAX, RAX);
        a.ret();
        a.bind(resSys);
        syscall(a, NR_CLOCK_GETRES);
        entry.put("clock_getres$size", a.here() - start);

        // __vdso_getcpu(unsigned *%rdi, unsigned *%rsi, void *%rdx)
        start = a.here();
        entry.put("getcpu", start);
        Asm.Label cpuSys = new Asm.Label();
        Asm.Label cpuNode = new Asm.Label();
        Asm.Label cpuDone = new Asm.Label();
        a.leaRip(R8, vvar);
        a.load32(RAX, Asm.Mem.at(R8, Vvar.CPU_MODE));
        a.test32(RAX, RAX);
        a.jcc(JE, cpuSys);
        a.load32(RCX, Asm.Mem.at(R8, Vvar.CPU));
        a.test64(RDI, RDI);
        a.jcc(JE, cpuNode);
        a.store32(Asm.Mem.at(RDI, 0), RCX);
        a.bind(cpuNode);
        a.test64(RSI, RSI);
        a.jcc(JE, cpuDone);
        a.store32Imm(Asm.Mem.at(RSI, 0), 0);
        a.bind(cpuDone);
        a.xor32(RAX, RAX);
        a.ret();
        a.bind(cpuSys);
        syscall(a, NR_GETCPU);
        entry.put("getcpu$size", a.here() - start);

        // now: %edi = clock id -> %rax = nanoseconds with CF clear, or CF set if the system call
        // must answer. Uses rax, rcx, rdx, r8, r9, r10; keeps rdi and rsi.
        Asm.Label retry = new Asm.Label();
        Asm.Label spin = new Asm.Label();
        Asm.Label fail = new Asm.Label();
        Asm.Label forward = new Asm.Label();
        a.bind(now);
        a.cmpImm32(RDI, Timekeeper.MAX_CLOCKS - 1);
        a.jcc(JA, fail);
        a.mov32(RCX, RDI);
        a.leaRip(R8, vvar);
        a.bind(retry);
        a.load32(R9, Asm.Mem.at(R8, Vvar.SEQ));
        a.testImm32(R9, 1);
        a.jcc(JNE, spin);
        a.load32(RAX, Asm.Mem.at(R8, Vvar.TSC_MODE));
        a.test32(RAX, RAX);
        a.jcc(JE, fail);
        a.bt32(Asm.Mem.at(R8, Vvar.CLOCK_MASK), RCX);
        a.jcc(JAE, fail);
        a.load64(R10, Asm.Mem.indexed(R8, RCX, 8, Vvar.BASES));
        a.lfence();
        a.rdtsc();
        a.shlImm64(RDX, 32);
        a.or64(RAX, RDX);
        a.sub64(RAX, Asm.Mem.at(R8, Vvar.TSC_BASE));
        a.jcc(JAE, forward);
        a.xor32(RAX, RAX); // a TSC behind the base counts as no time passed
        a.bind(forward);
        a.mul64(Asm.Mem.at(R8, Vvar.MULT));
        a.shrd64(RAX, RDX, 32);
        a.add64(RAX, R10);
        a.cmp32(R9, Asm.Mem.at(R8, Vvar.SEQ));
        a.jcc(JNE, retry);
        a.clc();
        a.ret();
        a.bind(spin);
        a.pause();
        a.jmp(retry);
        a.bind(fail);
        a.stc();
        a.ret();
    }

    /** rax = nanoseconds -> rax = seconds, rdx = the nanoseconds left. */
    private static void splitSeconds(Asm a) {
        a.xor32(RDX, RDX);
        a.movImm32(RCX, NANOS);
        a.div64(RCX);
    }

    private static void syscall(Asm a, int nr) {
        a.movImm32(RAX, nr);
        a.syscall();
        a.ret();
    }

    // ---- ELF helpers ----

    private static int addString(ByteArrayOutputStream table, String s) {
        int at = table.size();
        table.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
        table.write(0);
        return at;
    }

    private static int align(int v, int a) {
        return (v + a - 1) & -a;
    }

    private static void phdr(ByteBuffer b, int type, int flags, long off, long size, long align) {
        b.putInt(type).putInt(flags).putLong(off).putLong(off).putLong(off).putLong(size).putLong(size).putLong(align);
    }

    private static void shdr(ByteBuffer b, int name, int type, long flags, long off, long size, int link, int info,
            long align, long entsize) {
        shdrAt(b, name, type, flags, off, size, link, info, align, entsize, off);
    }

    private static void shdrAt(ByteBuffer b, int name, int type, long flags, long off, long size, int link, int info,
            long align, long entsize, long addr) {
        b.putInt(name).putInt(type).putLong(flags).putLong(addr).putLong(off).putLong(size).putInt(link).putInt(info)
                .putLong(align).putLong(entsize);
    }

    /** The SysV ELF hash (DT_HASH, vd_hash). */
    static long elfHash(String name) {
        long h = 0;
        for (byte c : name.getBytes(StandardCharsets.US_ASCII)) {
            h = (h << 4) + (c & 0xFF);
            long g = h & 0xF0000000L;
            if (g != 0) {
                h ^= g >>> 24;
            }
            h &= ~g;
        }
        return h & 0xFFFFFFFFL;
    }
}
