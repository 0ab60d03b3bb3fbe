package dev.jkraft.cli;

import dev.jkraft.image.RootfsCache;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The instances directory ({@link JkraftDirs#instances()}): one subdirectory per instance, named after it. */
final class InstanceStore {
    /** Docker's rule for container names. */
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}");

    private final Path root;

    InstanceStore(Path root) {
        this.root = root;
    }

    static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new ExitException(ExitException.JKRAFT_FAILED, "'" + name
                    + "' is not a valid instance name: use letters, digits, '_', '.' and '-', starting with a letter or digit, at most 64");
        }
    }

    /** A new, empty instance directory named {@code name}; 125 if the name is taken. */
    Instance create(String name) {
        checkName(name);
        try {
            Files.createDirectories(root);
            return new Instance(Files.createDirectory(root.resolve(name)));
        } catch (FileAlreadyExistsException e) {
            throw new ExitException(ExitException.JKRAFT_FAILED, "an instance named " + name
                    + " already exists; remove it with 'jkraft rm " + name + "' or choose another --name");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create instance " + name + " under " + root + ": " + e.getMessage(), e);
        }
    }

    /** A name from {@code base} (a program or image name) that no instance has: base-1a2b3c. */
    String freshName(String base) {
        String stem = base.replaceAll("[^a-zA-Z0-9_.-]", "-").replaceAll("^[^a-zA-Z0-9]+", "");
        if (stem.isEmpty()) {
            stem = "jkraft";
        }
        stem = stem.substring(0, Math.min(stem.length(), 56));
        while (true) {
            String name = stem + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
            if (!Files.exists(root.resolve(name))) {
                return name;
            }
        }
    }

    Instance get(String name) {
        Path dir = NAME.matcher(name).matches() ? root.resolve(name) : null;
        if (dir == null || !Files.isRegularFile(dir.resolve("instance.json"))) {
            throw new ExitException(ExitException.JKRAFT_FAILED, "no instance named " + name + " (jkraft ps -a lists them)");
        }
        return new Instance(dir);
    }

    /** Every instance with a record, by name. */
    List<Instance> list() {
        List<Instance> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.filter(d -> Files.isRegularFile(d.resolve("instance.json"))).sorted().forEach(d -> out.add(new Instance(d)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Deletes an instance's directory and everything in it, without following symlinks out of it. */
    static void delete(Path dir) {
        try {
            RootfsCache.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir + ": " + e.getMessage(), e);
        }
    }
}
