package dev.jkraft.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One instance's directory: {@code instance.json} (what runs: name, image, the whole run request),
 * {@code state.json} (created, running or exited, with the supervisor's pid and the exit status),
 * {@code log} (the guest's output), {@code lock} and, for images, {@code upper/} (the guest's
 * changes to its root). The supervisor holds an exclusive lock on {@code lock} while it lives; the
 * kernel drops it when the supervisor dies in any way, so a lock nobody holds means no supervisor,
 * whatever {@code state.json} still says.
 */
final class Instance {
    static final ObjectMapper JSON = JsonMapper.builder().build();

    /** What {@code state.json} records. */
    enum Phase {
        CREATED, RUNNING, EXITED;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param pid the supervisor's process id, 0 if none started
     * @param pidStart the supervisor's start time (epoch ms), telling it from a later process with its pid
     * @param platform the platform the guest runs on, once known
     * @param started when the guest started (epoch ms), 0 before
     * @param finished when it ended (epoch ms), 0 before
     * @param exitCode the guest's exit status, or -1 if unknown
     * @param reason why it ended when not by itself ("supervisor died", "killed by jkraft stop"), or null
     */
    record State(Phase phase, long pid, long pidStart, String platform, long started, long finished, int exitCode,
            String reason) {
        static State created() {
            return new State(Phase.CREATED, 0, 0, null, 0, 0, -1, null);
        }

        State exited(int status, String why) {
            return new State(Phase.EXITED, pid, pidStart, platform, started, System.currentTimeMillis(), status, why);
        }
    }

    /** What {@code instance.json} records; {@code image} is null for a host program. */
    record Record(String name, String image, long created, boolean removeOnExit, RunRequest request) {}

    private final Path dir;

    Instance(Path dir) {
        this.dir = dir;
    }

    String name() {
        return dir.getFileName().toString();
    }

    Path dir() {
        return dir;
    }

    Path log() {
        return dir.resolve("log");
    }

    Path upper() {
        return dir.resolve("upper");
    }

    Record record() {
        JsonNode o = readJson(dir.resolve("instance.json"));
        JsonNode image = o.get("image");
        return new Record(o.get("name").asString(), image == null || image.isNull() ? null : image.asString(),
                o.get("created").asLong(), o.get("removeOnExit").asBoolean(), RunRequest.fromJson(o.get("request")));
    }

    void writeRecord(Record r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", r.name());
        o.put("image", r.image());
        o.put("created", r.created());
        o.put("removeOnExit", r.removeOnExit());
        o.set("request", r.request().toJson());
        writeJson(dir.resolve("instance.json"), o);
    }

    /** {@code state.json} as written, which may be stale: see {@link #status()}. */
    State recordedState() {
        Path file = dir.resolve("state.json");
        if (!Files.exists(file)) {
            return State.created();
        }
        JsonNode o = readJson(file);
        JsonNode platform = o.get("platform");
        JsonNode reason = o.get("reason");
        return new State(Phase.valueOf(o.get("phase").asString()), o.get("pid").asLong(), o.get("pidStart").asLong(),
                platform == null || platform.isNull() ? null : platform.asString(), o.get("started").asLong(),
                o.get("finished").asLong(), o.get("exitCode").asInt(),
                reason == null || reason.isNull() ? null : reason.asString());
    }

    void writeState(State s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("phase", s.phase().name());
        o.put("pid", s.pid());
        o.put("pidStart", s.pidStart());
        o.put("platform", s.platform());
        o.put("started", s.started());
        o.put("finished", s.finished());
        o.put("exitCode", s.exitCode());
        o.put("reason", s.reason());
        writeJson(dir.resolve("state.json"), o);
    }

    /**
     * The truth about this instance: {@code state.json}, corrected when it says created or running
     * but no supervisor holds the lock (the supervisor was killed, or the machine rebooted). Such
     * a state is rewritten as exited, so every later look agrees.
     */
    State status() {
        State s = recordedState();
        if (s.phase() == Phase.EXITED || s.pid() == 0) {
            return s;
        }
        try (FileChannel ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException held) {
                return s; // this JVM is the supervisor (a foreground run with --name)
            }
            if (lock == null) {
                return s; // the supervisor holds it: alive
            }
            try {
                // Read again under the lock: the supervisor may have finished just now.
                State again = recordedState();
                if (again.phase() == Phase.EXITED) {
                    return again;
                }
                State dead = again.exited(-1, "supervisor died");
                writeState(dead);
                return dead;
            } finally {
                lock.release();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check instance " + name() + ": " + e.getMessage(), e);
        }
    }

    /** The live supervisor's process, if this instance has one. */
    Optional<ProcessHandle> supervisor() {
        State s = status();
        if (s.phase() == Phase.EXITED || s.pid() == 0) {
            return Optional.empty();
        }
        return ProcessHandle.of(s.pid()).filter(ph -> ph.info().startInstant()
                .map(Instant::toEpochMilli).map(t -> t == s.pidStart()).orElse(true));
    }

    /** Holds the instance's lock for this process's life (the supervisor's part); null if another holds it. */
    FileLock lock() throws IOException {
        FileChannel ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = ch.tryLock();
        if (lock == null) {
            ch.close();
        }
        return lock;
    }

    static long startOf(ProcessHandle ph) {
        return ph.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (JacksonException e) {
            throw new ExitException(ExitException.JKRAFT_FAILED, file + " is damaged: " + e.getOriginalMessage());
        }
    }

    /** Written whole or not at all: a reader never sees half a file. */
    private static void writeJson(Path file, JsonNode node) {
        try {
            Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
