package dev.jkraft.cli;

import dev.jkraft.api.Unikernel;
import dev.jkraft.cli.Instance.Phase;
import dev.jkraft.cli.Instance.State;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs an instance: detached, in a supervisor process of its own ({@code jkraft supervise DIR},
 * started by {@code jkraft run -d}), or attached, in the jkraft process itself ({@code jkraft run
 * --name}). Either way the process running the guest holds the instance's lock and keeps its
 * {@code state.json} true: created, running once the guest's first instruction ran, exited with
 * its status. A detached supervisor is a session leader of its own (setsid), so the terminal's
 * Ctrl-C or hang-up does not reach it; its stdin is /dev/null and its output the instance's log.
 */
final class Supervisor {
    /** How long {@code run -d} waits for a guest to start before saying it is still starting. */
    private static final long START_TIMEOUT_MS = 120_000;

    private Supervisor() {}

    /** {@code jkraft run -d}: starts the supervisor process and waits until the guest runs or fails. */
    static int startDetached(Instance inst, Instance.Record rec, PrintWriter out, PrintWriter err) {
        inst.writeRecord(rec);
        inst.writeState(State.created());
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
                "-XX:+UseSerialGC"));
        // The jkraft script's AOT cache (the same jar): the supervisor starts as fast as jkraft run.
        String aot = System.getProperty("jkraft.aot_cache");
        if (aot != null && Files.isRegularFile(Path.of(aot))) {
            command.addAll(List.of("-XX:AOTCache=" + aot, "-Xlog:aot=off", "-Xlog:cds=off"));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "supervise", inst.dir().toString()));
        Process p;
        try {
            p = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(inst.log().toFile()))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            inst.writeState(State.created().exited(ExitException.JKRAFT_FAILED, "supervisor failed to start"));
            throw new ExitException(ExitException.JKRAFT_FAILED, "cannot start the supervisor of " + inst.name() + ": " + e.getMessage());
        }
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            State s = inst.recordedState();
            if (s.phase() == Phase.RUNNING || s.phase() == Phase.EXITED && s.started() != 0) {
                out.println(inst.name());
                out.flush();
                return 0;
            }
            if (s.phase() == Phase.EXITED || !p.isAlive() && waitQuietly(p) && inst.recordedState().phase() != Phase.RUNNING) {
                // The guest never ran: jkraft's own message (program not found, bad ELF, no KVM) is in the log.
                State end = inst.recordedState();
                int status = end.phase() == Phase.EXITED ? end.exitCode() : ExitException.JKRAFT_FAILED;
                if (end.phase() != Phase.EXITED) {
                    inst.writeState(end.exited(status, "supervisor failed to start"));
                }
                err.print(readLog(inst));
                if (rec.removeOnExit()) {
                    InstanceStore.delete(inst.dir());
                }
                return status;
            }
            sleep(20);
        }
        err.println("jkraft: " + inst.name() + " is still starting (jkraft ps and jkraft logs show how it goes)");
        out.println(inst.name());
        return 0;
    }

    /** {@code jkraft run --name N} without -d: this process supervises, the guest shares its stdio. */
    static int runAttached(Instance inst, Instance.Record rec, Launcher launcher) {
        inst.writeRecord(rec);
        ProcessHandle self = ProcessHandle.current();
        State running = new State(Phase.RUNNING, self.pid(), Instance.startOf(self), rec.request().platform(),
                System.currentTimeMillis(), 0, -1, null);
        try (FileLock lock = inst.lock()) {
            inst.writeState(running);
            int status = launcher.launch(rec.request());
            inst.writeState(running.exited(status, null));
            return status;
        } catch (IOException e) {
            throw new ExitException(ExitException.JKRAFT_FAILED, "cannot lock instance " + inst.name() + ": " + e.getMessage());
        } finally {
            if (rec.removeOnExit()) {
                InstanceStore.delete(inst.dir());
            }
        }
    }

    /** {@code jkraft supervise DIR}: the detached supervisor's whole life. */
    static int supervise(Path dir, PrintStream err) {
        Instance inst = new Instance(dir);
        newSession();
        FileLock lock;
        try {
            lock = inst.lock();
        } catch (IOException e) {
            err.println("jkraft: cannot lock " + dir + ": " + e.getMessage());
            return ExitException.JKRAFT_FAILED;
        }
        if (lock == null) {
            err.println("jkraft: instance " + inst.name() + " already has a supervisor");
            return ExitException.JKRAFT_FAILED;
        }
        Instance.Record rec = inst.record();
        ProcessHandle self = ProcessHandle.current();
        State created = new State(Phase.CREATED, self.pid(), Instance.startOf(self), null, 0, 0, -1, null);
        inst.writeState(created);
        Unikernel guest;
        try {
            guest = rec.request().toBuilder(err).build();
        } catch (RuntimeException e) {
            err.println("jkraft: " + e.getMessage());
            inst.writeState(created.exited(ExitException.JKRAFT_FAILED, null));
            return ExitException.JKRAFT_FAILED;
        }
        HostSignals.forwardTo(guest);
        var result = new CompletableFuture<Integer>();
        Thread.ofPlatform().name("guest " + inst.name()).start(() -> {
            try {
                result.complete(guest.run());
            } catch (Throwable t) {
                err.println("jkraft: internal error: " + t);
                result.complete(ExitException.JKRAFT_FAILED);
            }
        });
        while (!result.isDone() && guest.readyNanos() < 0) {
            sleep(5);
        }
        State running = created;
        if (guest.readyNanos() >= 0) {
            running = new State(Phase.RUNNING, created.pid(), created.pidStart(), guest.platformName(),
                    System.currentTimeMillis(), 0, -1, null);
            inst.writeState(running);
        }
        int status = result.join();
        err.flush();
        inst.writeState(running.exited(status, null));
        if (rec.removeOnExit() && running.started() != 0) {
            InstanceStore.delete(dir);
        }
        return status;
    }

    /** The log as text, for showing a failed start. */
    static String readLog(Instance inst) {
        try {
            return Files.exists(inst.log()) ? new String(Files.readAllBytes(inst.log()), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** setsid(2): leave jkraft run's session and process group. */
    private static void newSession() {
        try {
            Linker linker = Linker.nativeLinker();
            var setsid = linker.downcallHandle(linker.defaultLookup().find("setsid").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT));
            int unused = (int) setsid.invokeExact();
        } catch (Throwable e) {
            // Not fatal: the supervisor then shares jkraft run's session, as a plain background job would.
        }
    }

    private static boolean waitQuietly(Process p) {
        try {
            return p.waitFor(100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
