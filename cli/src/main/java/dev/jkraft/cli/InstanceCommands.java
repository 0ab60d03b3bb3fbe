package dev.jkraft.cli;

import dev.jkraft.cli.Instance.Phase;
import dev.jkraft.cli.Instance.State;
import dev.jkraft.kernel.lib.Size;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The commands that manage instances: {@code ps}, {@code logs}, {@code stop}, {@code rm}, and the hidden {@code supervise}. */
final class InstanceCommands {
    private InstanceCommands() {}

    /** How long stop waits after SIGTERM before SIGKILL, by default (docker stop's 10 s). */
    static final int DEFAULT_GRACE_SECONDS = 10;

    /** Common to the instance commands: the store, from the XDG directories of jkraft's environment. */
    abstract static class Base implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;

        final Map<String, String> hostEnv;

        Base(Map<String, String> hostEnv) {
            this.hostEnv = hostEnv;
        }

        InstanceStore store() {
            return new InstanceStore(JkraftDirs.from(hostEnv).instances());
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        /** Does {@code action} to each named instance, printing the names it did, as docker stop and rm. */
        int forEach(List<String> names, java.util.function.Consumer<String> action) {
            int status = 0;
            for (String n : names) {
                try {
                    action.accept(n);
                    out().println(n);
                } catch (ExitException e) {
                    err().println("jkraft: " + e.getMessage());
                    status = e.status();
                }
            }
            out().flush();
            return status;
        }
    }

    @Command(name = "ps", description = "Lists instances: running ones, or all with -a.")
    static final class Ps extends Base {
        @Option(names = {"-a", "--all"}, description = "Show exited instances too.")
        boolean all;

        @Option(names = {"-q", "--quiet"}, description = "Show only names.")
        boolean quiet;

        @Option(names = "--json", description = "Print a JSON array instead of a table.")
        boolean json;

        Ps(Map<String, String> hostEnv) {
            super(hostEnv);
        }

        @Override
        public Integer call() {
            List<String[]> rows = new ArrayList<>();
            ArrayNode array = Instance.JSON.createArrayNode();
            long now = System.currentTimeMillis();
            for (Instance inst : store().list()) {
                Instance.Record rec;
                State s;
                try {
                    rec = inst.record();
                    s = inst.status();
                } catch (RuntimeException e) {
                    continue; // being created or removed at this moment
                }
                if (!all && s.phase() == Phase.EXITED) {
                    continue;
                }
                RunRequest r = rec.request();
                String what = rec.image() != null ? rec.image() : r.program().toString();
                String ports = r.options().getOrDefault("inet.publish", "");
                long rss = s.phase() == Phase.EXITED ? -1 : rss(s.pid());
                String platform = s.platform() != null ? s.platform() : r.platform();
                String uptime = s.phase() == Phase.RUNNING ? duration(now - s.started()) : "-";
                if (json) {
                    ObjectNode o = array.addObject();
                    o.put("name", inst.name());
                    o.put("image", rec.image());
                    o.put("program", r.program().toString());
                    o.put("platform", platform);
                    o.put("state", s.phase().label());
                    o.put("exitCode", s.exitCode());
                    o.put("reason", s.reason());
                    o.put("pid", s.pid());
                    o.put("uptimeSeconds", s.phase() == Phase.RUNNING ? (now - s.started()) / 1000 : 0);
                    o.put("ports", ports);
                    o.put("memory", r.memory());
                    o.put("rss", rss);
                } else {
                    rows.add(new String[] {inst.name(), stateText(s), uptime, what, platform,
                        ports.isEmpty() ? "-" : ports, (rss < 0 ? "-" : mebibytes(rss)) + "/" + Size.format(r.memory())});
                }
            }
            if (json) {
                out().println(array.toPrettyString());
            } else if (quiet) {
                rows.forEach(row -> out().println(row[0]));
            } else {
                rows.addFirst(new String[] {"NAME", "STATE", "UPTIME", "IMAGE/PROGRAM", "PLATFORM", "PORTS", "MEMORY"});
                Table.print(out(), rows);
            }
            out().flush();
            return 0;
        }

        private static String stateText(State s) {
            return switch (s.phase()) {
                case CREATED -> "created";
                case RUNNING -> "running";
                case EXITED -> s.reason() != null ? "exited (" + s.reason() + ")" : "exited (" + s.exitCode() + ")";
            };
        }

        /** The supervisor's resident memory (guest memory it touched, and the JVM's), or -1. */
        private static long rss(long pid) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // gone, or not Linux
            }
            return -1;
        }

        /** 147M: resident sizes rounded to MiB (K below one). */
        private static String mebibytes(long bytes) {
            return bytes < (1 << 20) ? (bytes >> 10) + "K" : (bytes + (1 << 19) >> 20) + "M";
        }

        static String duration(long ms) {
            long s = Math.max(0, ms / 1000);
            if (s < 60) {
                return s + "s";
            }
            if (s < 3600) {
                return s / 60 + "m" + s % 60 + "s";
            }
            if (s < 86400) {
                return s / 3600 + "h" + s % 3600 / 60 + "m";
            }
            return s / 86400 + "d" + s % 86400 / 3600 + "h";
        }
    }

    @Command(name = "logs", description = "Prints an instance's output (its standard output and error).")
    static final class Logs extends Base {
        @Option(names = {"-f", "--follow"}, description = "Keep printing new output until the instance exits.")
        boolean follow;

        @Parameters(paramLabel = "NAME", description = "The instance.")
        String name;

        /** Where the log's bytes go as they are: a PrintWriter would re-encode them. */
        private final PrintStream rawOut;

        Logs(Map<String, String> hostEnv, PrintStream rawOut) {
            super(hostEnv);
            this.rawOut = rawOut;
        }

        @Override
        public Integer call() {
            Instance inst = store().get(name);
            out().flush();
            try (InputStream in = Files.exists(inst.log()) ? Files.newInputStream(inst.log()) : InputStream.nullInputStream()) {
                byte[] buf = new byte[65536];
                while (true) {
                    int n = in.read(buf);
                    if (n > 0) {
                        rawOut.write(buf, 0, n);
                        continue;
                    }
                    rawOut.flush();
                    if (!follow || !Files.exists(inst.dir()) || inst.status().phase() == Phase.EXITED) {
                        // One last read: output written between the read above and the exit.
                        in.transferTo(rawOut);
                        break;
                    }
                    Supervisor.sleep(100);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the log of " + name + ": " + e.getMessage(), e);
            }
            rawOut.flush();
            return 0;
        }
    }

    @Command(name = "stop", description = "Stops instances: SIGTERM to the guest, SIGKILL after a grace period.")
    static final class Stop extends Base {
        @Option(names = {"-t", "--time"}, paramLabel = "SECONDS", defaultValue = "" + DEFAULT_GRACE_SECONDS,
                description = "Seconds to wait after SIGTERM before killing. Default: ${DEFAULT-VALUE}.")
        int grace;

        @Parameters(arity = "1..*", paramLabel = "NAME", description = "The instances.")
        List<String> names;

        Stop(Map<String, String> hostEnv) {
            super(hostEnv);
        }

        @Override
        public Integer call() {
            if (grace < 0) {
                throw new ExitException(ExitException.JKRAFT_FAILED, "-t must be 0 or more seconds, not " + grace);
            }
            return forEach(names, n -> stop(store().get(n), grace));
        }
    }

    /** SIGTERM, then SIGKILL after {@code graceSeconds}; returns when no supervisor is left. */
    static void stop(Instance inst, int graceSeconds) {
        Optional<ProcessHandle> supervisor = inst.supervisor();
        if (supervisor.isEmpty()) {
            return; // not running: as docker stop, nothing to do
        }
        ProcessHandle ph = supervisor.get();
        ph.destroy(); // SIGTERM, which the supervisor forwards to the guest
        long deadline = System.currentTimeMillis() + graceSeconds * 1000L;
        while (alive(inst) && System.currentTimeMillis() < deadline) {
            Supervisor.sleep(50);
        }
        if (alive(inst)) {
            ph.destroyForcibly(); // SIGKILL: the guest runs inside the supervisor and ends with it
            long hard = System.currentTimeMillis() + 10_000;
            while (alive(inst) && System.currentTimeMillis() < hard) {
                Supervisor.sleep(20);
            }
            State s = inst.recordedState();
            if (s.phase() != Phase.EXITED || "supervisor died".equals(s.reason())) {
                inst.writeState(s.exited(128 + 9, "killed by jkraft stop"));
            }
        }
    }

    private static boolean alive(Instance inst) {
        return Files.exists(inst.dir()) && inst.status().phase() != Phase.EXITED;
    }

    @Command(name = "rm", description = "Removes instances that are not running (with -f, stops them first).")
    static final class Rm extends Base {
        @Option(names = {"-f", "--force"}, description = "Kill a running instance first (SIGKILL, no grace period).")
        boolean force;

        @Parameters(arity = "1..*", paramLabel = "NAME", description = "The instances.")
        List<String> names;

        Rm(Map<String, String> hostEnv) {
            super(hostEnv);
        }

        @Override
        public Integer call() {
            return forEach(names, n -> {
                Instance inst = store().get(n);
                if (inst.status().phase() != Phase.EXITED) {
                    if (!force) {
                        throw new ExitException(ExitException.JKRAFT_FAILED,
                                n + " is running; stop it first (jkraft stop " + n + ") or use rm -f");
                    }
                    stop(inst, 0);
                }
                InstanceStore.delete(inst.dir());
            });
        }
    }

    @Command(name = "supervise", hidden = true, description = "Runs a detached instance (started by run -d).")
    static final class Supervise implements Callable<Integer> {
        @Parameters(paramLabel = "DIR")
        Path dir;

        @Override
        public Integer call() {
            return Supervisor.supervise(dir, System.err);
        }
    }
}
