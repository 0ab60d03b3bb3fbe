package dev.jkraft.plat.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkraft.kernel.platform.MachineSpec;
import dev.jkraft.kernel.platform.PlatformException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A missing, inaccessible or wrong device gives an error that says what to do. */
class KvmPlatformTest {
    @Test
    void missingDeviceSaysHowToGetKvm() {
        var a = new KvmPlatform("/nonexistent/kvm").probe();
        assertThat(a.usable()).isFalse();
        assertThat(a.reason()).contains("does not exist").contains("virtualization").contains("modprobe");
        assertThatThrownBy(() -> new KvmPlatform("/nonexistent/kvm").boot(new MachineSpec(1 << 20, 1)))
                .isInstanceOf(PlatformException.class).hasMessageContaining("does not exist");
    }

    @Test
    void aDeviceThatIsNotKvmIsNamedAsSuch() {
        var a = new KvmPlatform("/dev/null").probe();
        assertThat(a.usable()).isFalse();
        assertThat(a.reason()).contains("/dev/null does not answer as KVM should");
    }

    @Test
    void unreadableDeviceSaysHowToGetAccess(@TempDir Path dir) throws Exception {
        Path dev = Files.createFile(dir.resolve("kvm"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("---------")));
        var a = new KvmPlatform(dev.toString()).probe();
        assertThat(a.usable()).isFalse();
        // root can open anything; then the file is simply not KVM.
        assertThat(a.reason()).containsAnyOf("permission denied", "does not answer as KVM should");
        if (a.reason().contains("permission denied")) {
            assertThat(a.reason()).contains("kvm group");
        }
    }
}
