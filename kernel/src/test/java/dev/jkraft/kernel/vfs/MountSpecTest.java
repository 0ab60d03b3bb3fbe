package dev.jkraft.kernel.vfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MountSpecTest {
    @Test
    void theWorkingDirectoryIsMountedAfterTheGuestsOwnTmp() {
        List<String> targets = MountSpec.defaults(null, "/tmp/work").stream().map(MountSpec::target).toList();
        assertThat(targets).containsExactly("/", "/tmp", "/dev", "/dev/shm", "/proc", "/tmp/work");
        assertThat(MountSpec.defaults(null, "/tmp/work").getFirst().readOnly()).isTrue();
        assertThat(MountSpec.defaults(null, "/tmp/work").getLast().readOnly()).isFalse();
    }

    @Test
    void aRootfsIsWritableAndHidesTheWorkingDirectory() {
        List<MountSpec> specs = MountSpec.defaults("/srv/root", "/home/me");
        assertThat(specs.getFirst()).isEqualTo(new MountSpec("/srv/root", "/", "hostfs", "rw"));
        assertThat(specs).noneMatch(s -> s.target().equals("/home/me"));
    }

    @Test
    void fstabEntriesParseAndBadOnesAreRefused() {
        assertThat(MountSpec.parseAll("tmpfs:/scratch:tmpfs:size=64m;proc:/p:proc"))
                .containsExactly(new MountSpec("tmpfs", "/scratch", "tmpfs", "size=64m"),
                        new MountSpec("proc", "/p", "proc", "rw"));
        assertThat(MountSpec.parse("x:/y:tmpfs:ro,size=1m").readOnly()).isTrue();
        assertThatThrownBy(() -> MountSpec.parse("x:relative:tmpfs")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MountSpec.parse("x:/y")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anOverlayEntryNamesItsUpperDirectoryInTheOptions() {
        assertThat(MountSpec.overlay("/images/debian", "/var/guest1", "/"))
                .isEqualTo(new MountSpec("/images/debian", "/", "overlay", "upperdir=/var/guest1"));
        assertThat(MountSpec.parse("/images/debian:/:overlay:upperdir=/var/guest1"))
                .isEqualTo(MountSpec.overlay("/images/debian", "/var/guest1", "/"));
        assertThat(MountSpec.overlay("/l", "/u", "/").readOnly()).isFalse();
    }
}
