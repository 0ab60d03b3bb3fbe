package dev.jkraft.kernel.lib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LibraryRegistryTest {
    private final Option<Boolean> aslr = Option.ofBool("vmem.aslr", true, "randomize the address space layout");
    private final Option<Long> stack =
            Option.ofSize("vmem.stack_size", 8 << 20, 16 << 10, 1L << 30, "main thread stack size");
    private final Counter faults = Counter.of("vmem.faults", "page faults handled");
    private final Counter calls = Counter.of("syscall.calls", "system calls dispatched");
    private final Option<String> hostname = Option.ofString("vfs.hostname", "jkraft", "the UTS node name");

    private final Library syscall = Library.builder("syscall", InitStage.SYSCALL, "system call table")
            .counter(calls).build();
    private final Library vmem = Library.builder("vmem", InitStage.MEMORY, "address spaces, VMAs, mmap")
            .options(aslr, stack).counter(faults).build();
    private final Library random = Library.builder("random", InitStage.LIB, "ChaCha20 CSPRNG").build();
    private final Library vfs = Library.builder("vfs", InitStage.ROOTFS, "mounts and path walk")
            .option(hostname).build();
    private final Library boot = Library.builder("boot", InitStage.EARLY, "boot sequence").build();

    private LibraryRegistry registry() {
        LibraryRegistry r = new LibraryRegistry();
        for (Library l : new Library[] {syscall, vmem, random, vfs, boot}) {
            r.register(l);
        }
        return r;
    }

    @Test
    void handsOutIdsInRegistrationOrderFromOne() {
        LibraryRegistry r = new LibraryRegistry();
        assertThat(r.register(syscall)).isEqualTo(1);
        assertThat(r.register(vmem)).isEqualTo(2);
        assertThat(r.register(random)).isEqualTo(3);
        assertThat(r.idOf(vmem)).isEqualTo(2);
        assertThat(r.libraries()).containsExactly(syscall, vmem, random);
    }

    @Test
    void looksLibrariesUpByNameAndId() {
        LibraryRegistry r = registry();
        assertThat(r.byName("vmem")).contains(vmem);
        assertThat(r.byName("nope")).isEmpty();
        assertThat(r.byId(1)).contains(syscall);
        assertThat(r.byId(5)).contains(boot);
        assertThat(r.byId(0)).isEmpty();
        assertThat(r.byId(6)).isEmpty();
    }

    @Test
    void listsLibrariesInInitOrderThenById() {
        Library early2 = Library.builder("klog", InitStage.EARLY, "kernel log").build();
        LibraryRegistry r = registry();
        r.register(early2);
        assertThat(r.inInitOrder()).containsExactly(boot, early2, vmem, random, vfs, syscall);
    }

    @Test
    void rejectsALibraryRegisteredTwiceOrUnknown() {
        LibraryRegistry r = registry();
        assertThatThrownBy(() -> r.register(Library.builder("vmem", InitStage.LATE, "again").build()))
                .hasMessage("library 'vmem' is already registered");
        Library other = Library.builder("vmem", InitStage.MEMORY, "a different vmem").build();
        assertThatThrownBy(() -> r.idOf(other)).hasMessage("library 'vmem' is not registered");
    }

    @Test
    void theSameLibraryMayBeInSeveralRegistriesWithDifferentIds() {
        LibraryRegistry a = new LibraryRegistry();
        LibraryRegistry b = new LibraryRegistry();
        a.register(syscall);
        a.register(vmem);
        b.register(vmem);
        assertThat(a.idOf(vmem)).isEqualTo(2);
        assertThat(b.idOf(vmem)).isEqualTo(1);
    }

    @Test
    void findsOptionsByFullName() {
        LibraryRegistry r = registry();
        assertThat(r.option("vmem.aslr")).containsSame(aslr);
        assertThat(r.option("vmem")).isEmpty();
        assertThat(r.option("aslr")).isEmpty();
        assertThat(r.options()).as("sorted by name").containsExactly(hostname, aslr, stack);
    }

    @Test
    void snapshotsEveryCounterSortedByName() {
        LibraryRegistry r = registry();
        faults.add(17);
        calls.add(1042);
        Map<String, Long> snapshot = r.counters();
        assertThat(snapshot).containsExactly(Map.entry("syscall.calls", 1042L), Map.entry("vmem.faults", 17L));
        faults.increment();
        assertThat(snapshot.get("vmem.faults")).as("a snapshot does not change").isEqualTo(17L);
        assertThat(r.counters().get("vmem.faults")).isEqualTo(18L);
        assertThatThrownBy(() -> snapshot.put("x", 1L)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void describesLibrariesOptionsAndCounters() {
        LibraryRegistry r = registry();
        aslr.set(false);
        assertThat(r.describe()).isEqualTo("""
                boot  id 5  EARLY  boot sequence
                vmem  id 2  MEMORY  address spaces, VMAs, mmap
                  vmem.aslr        bool          false (default true)  randomize the address space layout
                  vmem.stack_size  size 16K..1G  8M                    main thread stack size
                  counters: vmem.faults
                random  id 3  LIB  ChaCha20 CSPRNG
                vfs  id 4  ROOTFS  mounts and path walk
                  vfs.hostname     string        "jkraft"              the UTS node name
                syscall  id 1  SYSCALL  system call table
                  counters: syscall.calls
                """);
    }
}
