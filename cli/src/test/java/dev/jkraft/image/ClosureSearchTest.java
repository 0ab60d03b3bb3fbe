package dev.jkraft.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkraft.image.ClosureEntry.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library search and path rules, on synthetic root file systems in temp directories. */
class ClosureSearchTest {
    private static final String LDSO = "/lib64/ld-linux-x86-64.so.2";
    private static final String MUSL = "/lib/ld-musl-x86_64.so.1";

    @TempDir
    Path tmp;
    Path root;

    @BeforeEach
    void mergedUsr() throws IOException {
        root = tmp.resolve("root");
        Files.createDirectories(root);
        // Debian's merged /usr, with the interpreter link Debian ships.
        dir("/usr/bin");
        dir("/usr/lib/x86_64-linux-gnu");
        dir("/usr/lib64");
        link("/bin", "usr/bin");
        link("/lib", "usr/lib");
        link("/lib64", "usr/lib64");
        link("/usr/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
        write("/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", ClosureTestElf.lib().soname("ld-linux-x86-64.so.2"));
        write("/usr/lib/x86_64-linux-gnu/libc.so.6",
                ClosureTestElf.lib("ld-linux-x86-64.so.2").soname("libc.so.6"));
    }

    @Test
    void programInterpreterAndLibcKeepTheLinksOfAMergedUsr() {
        write("/usr/bin/app", ClosureTestElf.exe(LDSO, "libc.so.6"));
        AtomicLong advanced = new AtomicLong();
        Closure c = Closure.compute(root, List.of("app"), List.of(), counting(advanced));

        assertThat(describe(c)).containsExactly(
                "/lib -> usr/lib",
                "/lib64 -> usr/lib64",
                "/usr/",
                "/usr/bin/",
                "/usr/bin/app",
                "/usr/lib/",
                "/usr/lib/x86_64-linux-gnu/",
                "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
                "/usr/lib/x86_64-linux-gnu/libc.so.6",
                "/usr/lib64/",
                "/usr/lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
        assertThat(c.programs()).containsEntry("app", "/usr/bin/app");
        assertThat(c.totalBytes()).isEqualTo(c.entries().stream().mapToLong(ClosureEntry::size).sum())
                .isPositive();
        assertThat(advanced.get()).isEqualTo(c.entries().size());
        ClosureEntry libc = c.entries().get(8);
        assertThat(libc.hostPath()).isEqualTo(root.resolve("usr/lib/x86_64-linux-gnu/libc.so.6"));
        assertThat(libc.kind()).isEqualTo(Kind.FILE);
    }

    @Test
    void ldSoConfIncludesGlobsRelativeToTheRootInOrder() {
        text("/etc/ld.so.conf", "# the libc default\ninclude ld.so.conf.d/*.conf\n/opt/first\nhwcap 1 nosegneg\n");
        text("/etc/ld.so.conf.d/b.conf", "/opt/b/\n");
        text("/etc/ld.so.conf.d/a.conf", "/opt/a # comment\ninclude /etc/more/*.conf\n");
        text("/etc/ld.so.conf.d/c.txt", "/opt/c\n");
        text("/etc/more/m.conf", "/opt/m\n");
        write("/opt/a/libboth.so", ClosureTestElf.lib());
        write("/opt/b/libboth.so", ClosureTestElf.lib());
        write("/opt/first/libone.so", ClosureTestElf.lib());
        write("/usr/lib/libone.so", ClosureTestElf.lib());
        write("/opt/c/libhidden.so", ClosureTestElf.lib());
        write("/opt/m/libmore.so", ClosureTestElf.lib());
        write("/usr/bin/app", ClosureTestElf.exe(LDSO, "libboth.so", "libone.so", "libmore.so", "libc.so.6"));

        Closure c = Closure.compute(root, List.of("/usr/bin/app"), List.of(), Progress.NONE);
        assertThat(paths(c)).contains("/opt/a/libboth.so", "/opt/first/libone.so", "/opt/m/libmore.so")
                .doesNotContain("/opt/b/libboth.so", "/usr/lib/libone.so");

        write("/usr/bin/app2", ClosureTestElf.exe(LDSO, "libhidden.so"));
        assertThatThrownBy(() -> Closure.compute(root, List.of("/usr/bin/app2"), List.of(), Progress.NONE))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("/usr/bin/app2 needs libhidden.so")
                .hasMessageContaining("/opt/a:/opt/m:/opt/b:/opt/first:/lib64:");
    }

    @Test
    void rpathOfLoadersIsUsedOnlyWithoutRunpath() {
        // app (RPATH /r1) -> liba (RUNPATH /ra) -> libb: the loaders' RPATH is not searched.
        write("/usr/bin/app", ClosureTestElf.exe(LDSO, "liba.so", "libn.so").rpath("/r1"));
        write("/r1/liba.so", ClosureTestElf.lib("libb.so").runpath("/ra"));
        write("/r1/libb.so", ClosureTestElf.lib());
        write("/ra/libb.so", ClosureTestElf.lib());
        // app -> libn (no RUNPATH) -> libm: app's RPATH is inherited.
        write("/usr/lib/libn.so", ClosureTestElf.lib("libm.so"));
        write("/r1/libm.so", ClosureTestElf.lib());
        write("/usr/lib/libm.so", ClosureTestElf.lib());

        Closure c = Closure.compute(root, List.of("/usr/bin/app"), List.of(), Progress.NONE);
        assertThat(paths(c)).contains("/r1/liba.so", "/ra/libb.so", "/usr/lib/libn.so", "/r1/libm.so")
                .doesNotContain("/r1/libb.so", "/usr/lib/libm.so");
    }

    @Test
    void anObjectWithRunpathHasNoRpath() {
        // glibc drops DT_RPATH when DT_RUNPATH is present, for the object and for what it loads.
        write("/usr/bin/app", ClosureTestElf.exe(LDSO, "libq.so").rpath("/x").runpath("/y"));
        write("/x/libq.so", ClosureTestElf.lib("libr.so"));
        write("/y/libq.so", ClosureTestElf.lib("libr.so"));
        write("/x/libr.so", ClosureTestElf.lib());
        write("/usr/lib/libr.so", ClosureTestElf.lib());

        Closure c = Closure.compute(root, List.of("/usr/bin/app"), List.of(), Progress.NONE);
        assertThat(paths(c)).contains("/y/libq.so", "/usr/lib/libr.so").doesNotContain("/x/libq.so", "/x/libr.so");
    }

    @Test
    void originLibAndPlatformAreExpanded() {
        write("/opt/app/bin/app", ClosureTestElf.exe(LDSO, "libo.so", "libb.so", "libl.so", "libp.so")
                .rpath("$ORIGIN/../lib:${ORIGIN}/../lib2:/opt/$LIB:/opt/${PLATFORM}"));
        link("/usr/bin/app", "../../opt/app/bin/app");
        write("/opt/app/lib/libo.so", ClosureTestElf.lib());
        write("/opt/app/lib2/libb.so", ClosureTestElf.lib());
        write("/opt/lib/x86_64-linux-gnu/libl.so", ClosureTestElf.lib());
        write("/opt/x86_64/libp.so", ClosureTestElf.lib());

        // $ORIGIN of the executable is its real directory, as from /proc/self/exe.
        Closure c = Closure.compute(root, List.of("app"), List.of(), Progress.NONE);
        assertThat(paths(c)).contains("/usr/bin/app", "/opt/app/bin/app", "/opt/app/lib/libo.so",
                "/opt/app/lib2/libb.so", "/opt/lib/x86_64-linux-gnu/libl.so", "/opt/x86_64/libp.so");
        assertThat(c.programs()).containsEntry("app", "/usr/bin/app");
    }

    @Test
    void originOfALibraryIsTheDirectoryItWasFoundIn() {
        // Found as /lib/x86_64-linux-gnu/libz.so: $ORIGIN/../z is /lib/z, through the /lib link.
        write("/usr/bin/app", ClosureTestElf.exe(LDSO, "libz.so"));
        write("/usr/lib/x86_64-linux-gnu/libz.so", ClosureTestElf.lib("libzz.so").runpath("$ORIGIN/../z"));
        write("/usr/lib/z/libzz.so", ClosureTestElf.lib());
        Closure c = Closure.compute(root, List.of("/usr/bin/app"), List.of(), Progress.NONE);
        assertThat(paths(c)).contains("/usr/lib/z/libzz.so");
    }

    @Test
    void wrongClassMachineAndLinkerScriptsAreSkipped() {
        write("/usr/bin/app", ClosureTestElf.exe(LDSO, "libz.so.1"));
        text("/etc/ld.so.conf", "/opt/w32\n/opt/wm\n/opt/script\n/usr/local/lib\n");
        write("/opt/w32/libz.so.1", ClosureTestElf.lib().elfClass(1));
        write("/opt/wm/libz.so.1", ClosureTestElf.lib().machine(183));
        text("/opt/script/libz.so.1", "/* GNU ld script */ INPUT(libz.so.1.3)\n");
        write("/usr/lib/x86_64-linux-gnu/libz.so.1.3", ClosureTestElf.lib());
        link("/usr/local/lib/libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1.3");
        // Found through ld.so.conf only: the image needs the cache too.
        text("/etc/ld.so.cache", "glibc-ld.so.cache1.1");

        Closure c = Closure.compute(root, List.of("/usr/bin/app"), List.of(), Progress.NONE);
        assertThat(describe(c)).contains("/usr/local/lib/libz.so.1 -> /lib/x86_64-linux-gnu/libz.so.1.3",
                "/usr/lib/x86_64-linux-gnu/libz.so.1.3", "/lib -> usr/lib", "/etc/ld.so.cache");
        assertThat(paths(c)).doesNotContain("/opt/w32/libz.so.1", "/opt/wm/libz.so.1", "/opt/script/libz.so.1",
                "/opt");
    }

    @Test
    void linksClimbingAboveTheRootStayInside() throws IOException {
        Path outside = tmp.resolve("outside");
        Files.createDirectories(outside);
        Files.write(outside.resolve("libx.so.1"), ClosureTestElf.lib().build());
        write("/usr/bin/app", ClosureTestElf.exe(LDSO, "libx.so.1", "liby.so"));
        link("/usr/lib/libx.so.1", "../../../../../../../outside/libx.so.1");
        link("/usr/lib/liby.so", "/etc/../../../../outside/liby.so");
        dir("/etc");

        assertThatThrownBy(() -> Closure.compute(root, List.of("/usr/bin/app"), List.of(), Progress.NONE))
                .isInstanceOf(ImageException.class).hasMessageContaining("needs libx.so.1");

        write("/outside/libx.so.1", ClosureTestElf.lib());
        write("/outside/liby.so", ClosureTestElf.lib());
        Closure c = Closure.compute(root, List.of("/usr/bin/app"), List.of(), Progress.NONE);
        assertThat(describe(c)).contains("/outside/libx.so.1", "/outside/liby.so",
                "/usr/lib/libx.so.1 -> ../../../../../../../outside/libx.so.1",
                "/usr/lib/liby.so -> /etc/../../../../outside/liby.so", "/etc/");
        for (ClosureEntry e : c.entries()) {
            assertThat(e.hostPath()).startsWithRaw(root.toRealPath());
        }
    }

    @Test
    void aLinkLoopIsEloop() {
        write("/usr/bin/app", ClosureTestElf.exe(LDSO, "libloop.so"));
        link("/usr/lib64/libloop.so", "libloop2.so");
        link("/usr/lib64/libloop2.so", "/lib64/libloop.so");
        assertThatThrownBy(() -> Closure.compute(root, List.of("/usr/bin/app"), List.of(), Progress.NONE))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("ELOOP")
                .hasMessageContaining("/lib64/libloop.so");
        link("/usr/bin/self", "self");
        assertThatThrownBy(() -> Closure.compute(root, List.of("/usr/bin/self"), List.of(), Progress.NONE))
                .isInstanceOf(ImageException.class).hasMessageContaining("ELOOP");
    }

    @Test
    void missingThingsAreNamed() {
        write("/usr/bin/app", ClosureTestElf.exe(LDSO, "libc.so.6", "libmissing.so.3"));
        assertThatThrownBy(() -> Closure.compute(root, List.of("/usr/bin/app"), List.of(), Progress.NONE))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("/usr/bin/app needs libmissing.so.3, which is in none of "
                        + "/lib64:/usr/lib64:/lib:/usr/lib:/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu in ");
        assertThatThrownBy(() -> Closure.compute(root, List.of("nosuch"), List.of(), Progress.NONE))
                .isInstanceOf(ImageException.class).hasMessageContaining("program nosuch is not in");
        assertThatThrownBy(() -> Closure.compute(root, List.of("/usr/bin/nosuch"), List.of(), Progress.NONE))
                .isInstanceOf(ImageException.class).hasMessageContaining("program /usr/bin/nosuch does not exist");
        assertThatThrownBy(() -> Closure.compute(root, List.of(), List.of("/etc/nosuch"), Progress.NONE))
                .isInstanceOf(ImageException.class).hasMessageContaining("extra path /etc/nosuch does not exist");
        write("/usr/bin/noldso", ClosureTestElf.exe("/lib/ld-nosuch.so.1", "libc.so.6"));
        assertThatThrownBy(() -> Closure.compute(root, List.of("noldso"), List.of(), Progress.NONE))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("/usr/bin/noldso needs the interpreter /lib/ld-nosuch.so.1");
    }

    @Test
    void muslUsesItsPathFileAndProvidesLibcItself() throws IOException {
        write("/usr/lib/ld-musl-x86_64.so.1", ClosureTestElf.lib());
        write("/usr/bin/app", ClosureTestElf.exe(MUSL, "libc.so", "libfoo.so", "libm.so.6").runpath("/nowhere"));
        text("/etc/ld-musl-x86_64.path", "/opt/m1:/opt/m2\n/opt/m3\n");
        write("/opt/m3/libfoo.so", ClosureTestElf.lib("libc.musl-x86_64.so.1", "libbar.so"));
        write("/usr/lib/libbar.so", ClosureTestElf.lib());

        assertThatThrownBy(() -> Closure.compute(root, List.of("app"), List.of(), Progress.NONE))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("/opt/m3/libfoo.so needs libbar.so, which is in none of "
                        + "/nowhere:/opt/m1:/opt/m2:/opt/m3 in");

        Files.delete(host("/etc/ld-musl-x86_64.path"));
        write("/usr/local/lib/libfoo.so", ClosureTestElf.lib("libc.musl-x86_64.so.1", "libbar.so"));
        Closure c = Closure.compute(root, List.of("app"), List.of(), Progress.NONE);
        assertThat(describe(c)).contains("/lib -> usr/lib", "/usr/lib/ld-musl-x86_64.so.1",
                "/usr/local/lib/libfoo.so", "/usr/lib/libbar.so");
        assertThat(paths(c)).doesNotContain("/opt/m3/libfoo.so", "/etc/ld-musl-x86_64.path",
                "/usr/lib/x86_64-linux-gnu/libc.so.6");
    }

    @Test
    void muslIgnoresAnRpathWithTokensOtherThanOrigin() {
        write("/usr/lib/ld-musl-x86_64.so.1", ClosureTestElf.lib());
        write("/app/bin/a", ClosureTestElf.exe(MUSL, "liba.so").rpath("$ORIGIN/../lib:/opt/$LIB"));
        write("/app/bin/b", ClosureTestElf.exe(MUSL, "liba.so").rpath("${ORIGIN}/../lib"));
        write("/app/lib/liba.so", ClosureTestElf.lib());
        assertThatThrownBy(() -> Closure.compute(root, List.of("/app/bin/a"), List.of(), Progress.NONE))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("/app/bin/a needs liba.so, which is in none of /lib:/usr/local/lib:/usr/lib in");
        assertThat(paths(Closure.compute(root, List.of("/app/bin/b"), List.of(), Progress.NONE)))
                .contains("/app/lib/liba.so");
    }

    @Test
    void glibcHwcapsVariantsAreAllInTheImage() {
        write("/usr/bin/app", ClosureTestElf.exe(LDSO, "libfast.so.1"));
        write("/usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3/libfast.so.1", ClosureTestElf.lib("libv3.so"));
        write("/usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v2/libfast.so.1", ClosureTestElf.lib());
        write("/usr/lib/x86_64-linux-gnu/libfast.so.1", ClosureTestElf.lib("libbase.so"));
        write("/usr/lib/x86_64-linux-gnu/libv3.so", ClosureTestElf.lib());
        write("/usr/lib/x86_64-linux-gnu/libbase.so", ClosureTestElf.lib());
        // A v4 variant in an earlier directory loads on a v4 CPU only; others go on searching.
        write("/usr/lib/glibc-hwcaps/x86-64-v4/libother.so", ClosureTestElf.lib());
        write("/usr/lib/x86_64-linux-gnu/libother.so", ClosureTestElf.lib());
        write("/usr/bin/app2", ClosureTestElf.exe(LDSO, "libother.so"));

        Closure c = Closure.compute(root, List.of("/usr/bin/app", "/usr/bin/app2"), List.of(), Progress.NONE);
        assertThat(paths(c)).contains("/usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3/libfast.so.1",
                "/usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v2/libfast.so.1",
                "/usr/lib/x86_64-linux-gnu/libfast.so.1", "/usr/lib/x86_64-linux-gnu/libv3.so",
                "/usr/lib/x86_64-linux-gnu/libbase.so", "/usr/lib/glibc-hwcaps/x86-64-v4/libother.so",
                "/usr/lib/x86_64-linux-gnu/libother.so");
    }

    @Test
    void muslPathFileIsInTheImage() {
        write("/usr/lib/ld-musl-x86_64.so.1", ClosureTestElf.lib());
        write("/usr/bin/app", ClosureTestElf.exe(MUSL, "libc.so", "libfoo.so"));
        text("/etc/ld-musl-x86_64.path", "/opt/m1\n");
        write("/opt/m1/libfoo.so", ClosureTestElf.lib());
        Closure c = Closure.compute(root, List.of("app"), List.of(), Progress.NONE);
        assertThat(paths(c)).contains("/etc/ld-musl-x86_64.path", "/opt/m1/libfoo.so");
    }

    @Test
    void extraDirectoriesKeepLinksAndPullInTheLibrariesOfTheirModules() {
        write("/usr/bin/app", ClosureTestElf.exe(LDSO, "libc.so.6"));
        write("/usr/lib/app/modules/_ssl.so", ClosureTestElf.lib("libssl.so.3", "libc.so.6"));
        write("/usr/lib/x86_64-linux-gnu/libssl.so.3", ClosureTestElf.lib("libcrypto.so.3"));
        write("/usr/lib/x86_64-linux-gnu/libcrypto.so.3", ClosureTestElf.lib());
        text("/usr/lib/app/init.txt", "hello");
        text("/usr/share/data/file.txt", "data");
        text("/usr/share/other/big.txt", "not copied");
        link("/usr/lib/app/data.txt", "/usr/share/data/file.txt");
        link("/usr/lib/app/other", "../../share/other");
        link("/usr/lib/app/dangling", "nothing-here");
        // A 32-bit module is copied but not followed.
        write("/usr/lib/app/modules/old.so", ClosureTestElf.lib("libold.so").elfClass(1));
        link("/etc/app", "/usr/lib/app");

        Closure c = Closure.compute(root, List.of("/usr/bin/app"), List.of("/etc/app"), Progress.NONE);
        assertThat(describe(c)).contains("/etc/app -> /usr/lib/app", "/usr/lib/app/init.txt",
                "/usr/lib/app/modules/_ssl.so", "/usr/lib/app/modules/old.so",
                "/usr/lib/x86_64-linux-gnu/libssl.so.3", "/usr/lib/x86_64-linux-gnu/libcrypto.so.3",
                "/usr/lib/app/data.txt -> /usr/share/data/file.txt", "/usr/share/data/file.txt",
                "/usr/lib/app/other -> ../../share/other", "/usr/share/other/",
                "/usr/lib/app/dangling -> nothing-here");
        assertThat(paths(c)).doesNotContain("/usr/share/other/big.txt");
    }

    @Test
    void aScriptBringsItsInterpreter() {
        write("/usr/bin/sh", ClosureTestElf.exe(LDSO, "libc.so.6"));
        text("/usr/bin/hello", "#!/bin/sh -e\necho hello\n");
        Closure c = Closure.compute(root, List.of("hello"), List.of(), Progress.NONE);
        assertThat(describe(c)).contains("/bin -> usr/bin", "/usr/bin/sh", "/usr/bin/hello",
                "/usr/lib/x86_64-linux-gnu/libc.so.6");
    }

    @Test
    void entriesAreSortedWithParentsFirst() {
        write("/usr/bin/app", ClosureTestElf.exe(LDSO, "libc.so.6"));
        text("/usr/lib-extra/a", "a");
        text("/usr/lib/zz/b", "b");
        Closure c = Closure.compute(root, List.of("/usr/bin/app"), List.of("/usr/lib-extra", "/usr/lib/zz"),
                Progress.NONE);
        List<String> seen = new ArrayList<>();
        for (ClosureEntry e : c.entries()) {
            String parent = ClosureRoot.parent(e.guestPath());
            assertThat(parent.equals("/") || seen.contains(parent)).as(e.guestPath()).isTrue();
            seen.add(e.guestPath());
        }
        assertThat(seen).containsSubsequence("/usr/lib", "/usr/lib/zz", "/usr/lib/zz/b", "/usr/lib-extra");
        assertThat(seen).doesNotHaveDuplicates();
    }

    static Progress counting(AtomicLong n) {
        return new Progress() {
            @Override
            public void start(String step, long total) {}

            @Override
            public void advance(long amount) {
                n.addAndGet(amount);
            }

            @Override
            public void done() {}
        };
    }

    static List<String> paths(Closure c) {
        return c.entries().stream().map(ClosureEntry::guestPath).toList();
    }

    /** "path" for a file, "path/" for a directory, "path -> target" for a link. */
    static List<String> describe(Closure c) {
        return c.entries().stream().map(e -> switch (e.kind()) {
            case FILE -> e.guestPath();
            case DIRECTORY -> e.guestPath() + "/";
            case SYMLINK -> e.guestPath() + " -> " + e.linkTarget();
        }).toList();
    }

    private Path host(String guest) {
        return root.resolve(guest.substring(1));
    }

    private void dir(String guest) {
        try {
            Files.createDirectories(host(guest));
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private void write(String guest, ClosureTestElf elf) {
        bytes(guest, elf.build());
    }

    private void text(String guest, String text) {
        bytes(guest, text.getBytes(StandardCharsets.UTF_8));
    }

    private void bytes(String guest, byte[] data) {
        try {
            Files.createDirectories(host(guest).getParent());
            Files.write(host(guest), data);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private void link(String guest, String target) {
        try {
            Files.createDirectories(host(guest).getParent());
            Files.createSymbolicLink(host(guest), Path.of(target));
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }
}
