package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code --platform auto|kvm|interp} in a separate jkraft process, with /dev/kvm hidden through
 * JKRAFT_KVM_DEVICE (a device node that does not exist, as on a machine without KVM).
 */
class PlatformChoiceTest {
    private static final Path HELLO = GuestRun.guest("hello", "musl-static");
    private static final String NO_KVM = "/dev/jkraft-test-no-kvm";

    private record Outcome(int status, String out, String err) {}

    private static Outcome jkraft(String kvmDevice, String... args) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (kvmDevice != null) {
            pb.environment().put("JKRAFT_KVM_DEVICE", kvmDevice);
        } else {
            pb.environment().remove("JKRAFT_KVM_DEVICE");
        }
        Process p = pb.start();
        p.getOutputStream().close();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Outcome(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void autoFallsBackToInterpWithoutKvmAndSaysSo() throws Exception {
        Outcome o = jkraft(NO_KVM, "run", "--log-level", "info", HELLO.toString());
        assertThat(o.out()).isEqualTo("Hello from a jkraft guest!\n");
        assertThat(o.status()).isZero();
        assertThat(o.err()).contains("platform auto: using interp (kvm is not usable: " + NO_KVM + " does not exist");
    }

    @Test
    void interpRunsWhenAskedFor() throws Exception {
        Outcome o = jkraft(null, "run", "--platform", "interp", "--log-level", "info", HELLO.toString());
        assertThat(o.out()).isEqualTo("Hello from a jkraft guest!\n");
        assertThat(o.status()).isZero();
        assertThat(o.err()).contains("platform interp");
    }

    @Test
    void kvmAskedForWithoutKvmFailsWithWhatToDo() throws Exception {
        Outcome o = jkraft(NO_KVM, "run", "--platform", "kvm", HELLO.toString());
        assertThat(o.status()).isEqualTo(125);
        assertThat(o.out()).isEmpty();
        assertThat(o.err()).contains("platform kvm is not usable").contains(NO_KVM + " does not exist");
    }

    @Test
    void autoTakesKvmWhenItIsUsable() throws Exception {
        TestPlatform.requireKvm();
        Outcome o = jkraft(null, "run", "--log-level", "info", HELLO.toString());
        assertThat(o.out()).isEqualTo("Hello from a jkraft guest!\n");
        assertThat(o.err()).contains("platform auto: using kvm");
    }
}
