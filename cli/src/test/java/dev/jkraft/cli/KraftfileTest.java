package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KraftfileTest {
    @TempDir
    Path dir;

    private Kraftfile read(String yaml) throws IOException {
        Files.writeString(dir.resolve("Kraftfile"), yaml);
        return Kraftfile.read(Kraftfile.find(dir));
    }

    @Test
    void readsEveryKey() throws IOException {
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("app.conf"), "x");
        Kraftfile kf = read("""
                spec: v0.6
                name: redis
                cmd: [/usr/bin/redis-server, --port, 6379]
                rootfs:
                  closure: [/usr/bin/redis-server, redis-cli]
                  root: /
                files: [/etc/hostname, ./app.conf:/etc/app.conf]
                exclude: [/usr/share/doc, "**/__pycache__"]
                env: {LANG: C.UTF-8, EMPTY: }
                workdir: /data
                volumes: [./data:/data:ro]
                ports: ["6379:6379", 8080:80/udp]
                memory: 256M
                cpus: 2
                platform: interp
                options: {vmem.fault_around_pages: 32, vmem.aslr: false}
                """);
        assertThat(kf.name()).isEqualTo("redis");
        assertThat(kf.cmd()).containsExactly("/usr/bin/redis-server", "--port", "6379");
        assertThat(kf.rootfsDir()).isNull();
        assertThat(kf.closure()).containsExactly("/usr/bin/redis-server", "redis-cli");
        assertThat(kf.files()).containsExactly(new Kraftfile.ExtraFile("/etc/hostname", null, true),
                new Kraftfile.ExtraFile("/etc/app.conf", dir.resolve("app.conf"), false));
        assertThat(kf.exclude()).containsExactly("/usr/share/doc", "**/__pycache__");
        assertThat(kf.env()).containsExactly(Map.entry("LANG", "C.UTF-8"), Map.entry("EMPTY", ""));
        assertThat(kf.workdir()).isEqualTo("/data");
        assertThat(kf.volumes()).containsExactly(dir.resolve("data") + ":/data:ro");
        assertThat(kf.ports()).containsExactly("6379:6379", "8080:80/udp");
        assertThat(kf.memory()).isEqualTo("256M");
        assertThat(kf.cpus()).isEqualTo(2);
        assertThat(kf.platform()).isEqualTo("interp");
        assertThat(kf.options()).containsExactly(Map.entry("vmem.fault_around_pages", "32"), Map.entry("vmem.aslr", "false"));
    }

    @Test
    void theDefaultRootfsIsTheClosureOfTheProgramInTheHostRoot() throws IOException {
        Kraftfile kf = read("name: lua\ncmd: lua5.4 -e print(1)\n");
        assertThat(kf.cmd()).containsExactly("lua5.4", "-e", "print(1)");
        assertThat(kf.closure()).containsExactly("lua5.4");
        assertThat(kf.root()).isEqualTo(Path.of("/"));
        assertThat(kf.memory()).isNull();
        assertThat(kf.cpus()).isNull();
        assertThat(kf.env()).isEmpty();
    }

    @Test
    void programAndArgsAreAnotherWayToSayCmd() throws IOException {
        Kraftfile kf = read("name: redis\nprogram: /usr/bin/redis-server\nargs: [--port, 6379]\n");
        assertThat(kf.cmd()).containsExactly("/usr/bin/redis-server", "--port", "6379");
        assertThat(kf.closure()).containsExactly("/usr/bin/redis-server");
        assertThat(read("name: a\nprogram: /bin/a\n").cmd()).containsExactly("/bin/a");
    }

    @Test
    void aDirectoryRootfsIsRelativeToTheKraftfile() throws IOException {
        Files.createDirectories(dir.resolve("root/bin"));
        assertThat(read("name: app\ncmd: [/bin/app]\nrootfs: ./root\n").rootfsDir()).isEqualTo(dir.resolve("root"));
        assertThat(read("name: app\ncmd: [/bin/app]\nrootfs: {directory: root}\n").rootfsDir()).isEqualTo(dir.resolve("root"));
    }

    @Test
    void findsTheOtherNamesAndTakesAFile() throws IOException {
        Files.writeString(dir.resolve("Kraftfile.yaml"), "name: a\ncmd: [/a]\n");
        assertThat(Kraftfile.read(Kraftfile.find(dir)).name()).isEqualTo("a");
        assertThat(Kraftfile.read(Kraftfile.find(dir.resolve("Kraftfile.yaml"))).name()).isEqualTo("a");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            unknown key          | name: a\\ncmd: [/a]\\nimage: x                     | unknown key 'image'
            no name              | cmd: [/a]                                         | 'name' must be an image name
            upper-case name      | name: Redis\\ncmd: [/a]                            | 'name' must be an image name
            no cmd               | name: a                                           | 'cmd' must name the program
            cmd and program      | name: a\\ncmd: [/a]\\nprogram: /b                  | either 'cmd' or 'program'
            args without program | name: a\\nargs: [x]                            | 'args' needs 'program'
            cmd a mapping        | name: a\\ncmd: {x: 1}                              | 'cmd' must be a list
            bad port             | name: a\\ncmd: [/a]\\nports: [70000:1]             | ports:
            bad memory           | name: a\\ncmd: [/a]\\nmemory: lots                 | 'memory'
            tiny memory          | name: a\\ncmd: [/a]\\nmemory: 4K                   | too small
            zero cpus            | name: a\\ncmd: [/a]\\ncpus: 0                      | 'cpus' must be a whole number
            fractional cpus      | name: a\\ncmd: [/a]\\ncpus: 1.5                    | 'cpus' must be a whole number
            bad platform         | name: a\\ncmd: [/a]\\nplatform: qemu               | 'platform' must be auto, kvm or interp
            relative workdir     | name: a\\ncmd: [/a]\\nworkdir: data                | 'workdir' must be an absolute
            missing rootfs dir   | name: a\\ncmd: [/a]\\nrootfs: ./nope               | is not a directory
            rootfs both          | name: a\\ncmd: [/a]\\nrootfs: {directory: ., closure: [/a]} | either a directory or a closure
            rootfs unknown key   | name: a\\ncmd: [/a]\\nrootfs: {programs: [/a]}     | unknown key 'rootfs.programs'
            relative file        | name: a\\ncmd: [/a]\\nfiles: [etc/x]               | must be a guest path
            missing host file    | name: a\\ncmd: [/a]\\nfiles: [./nope:/x]           | does not exist
            relative guest file  | name: a\\ncmd: [/a]\\nfiles: [./Kraftfile:x]       | the guest path must be absolute
            bad volume           | name: a\\ncmd: [/a]\\nvolumes: [./nope:/data]      | volumes:
            relative exclude     | name: a\\ncmd: [/a]\\nexclude: [usr/share]          | must be a guest path or glob
            bad exclude glob     | name: a\\ncmd: [/a]\\nexclude: ['/a/{b']            | is not a glob
            env not K=V          | name: a\\ncmd: [/a]\\nenv: [JUSTKEY]               | is not K=V
            not a mapping        | [1, 2]                                            | expected a YAML mapping
            invalid YAML         | name: [a                                          | not valid YAML
            """)
    void mistakesAreNamed(String what, String yaml, String message) throws IOException {
        assertThatThrownBy(() -> read(yaml.replace("\\n", "\n")))
                .isInstanceOf(ExitException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((ExitException) e).status()).isEqualTo(ExitException.JKRAFT_FAILED));
    }

    @Test
    void aDirectoryWithoutKraftfileSaysWhereItLooked() {
        assertThatThrownBy(() -> Kraftfile.find(dir)).isInstanceOf(ExitException.class)
                .hasMessageContaining("no Kraftfile in " + dir).hasMessageContaining("Kraftfile.yaml");
    }

    @Test
    void settingsRoundTripThroughTheImageConfig() throws IOException {
        Kraftfile kf = read("""
                name: redis
                cmd: [redis-server, --port, 6379]
                env: {A: "1"}
                ports: ["6379:6379", "7000:7000/udp"]
                memory: 256M
                cpus: 2
                options: {vmem.aslr: false}
                """);
        ImageSettings s = ImageSettings.of(ImageSettings.of(kf, "/usr/bin/redis-server").toConfig("redis"));
        assertThat(s.entrypoint()).containsExactly("/usr/bin/redis-server");
        assertThat(s.cmd()).containsExactly("--port", "6379");
        assertThat(s.env()).containsExactly(Map.entry("A", "1"));
        assertThat(s.publish()).containsExactly("6379:6379", "7000:7000/udp");
        assertThat(s.memory()).isEqualTo("256M");
        assertThat(s.cpus()).isEqualTo(2);
        assertThat(s.options()).containsExactly(Map.entry("vmem.aslr", "false"));
        assertThat(ImageSettings.of(kf, "/usr/bin/redis-server").toConfig("redis").exposedPorts())
                .isEqualTo(List.of("6379/tcp", "7000/udp"));
    }
}
