package dev.jkraft.cli;

import dev.jkraft.kernel.lib.Size;
import dev.jkraft.kernel.socket.inet.PortMapping;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * A project's Kraftfile (YAML), as {@code jkraft build} reads it: what program the image runs,
 * what its root file system holds, and how it runs. Relative host paths are relative to the
 * Kraftfile's directory. Every mistake is an {@link ExitException} naming the key.
 *
 * <pre>
 * spec: v0.6                       # optional, as kraft's
 * name: redis                      # the image name (tag: latest, or jkraft build -t)
 * cmd: [/usr/bin/redis-server, --port, "6379"]
 * # or: program: /usr/bin/redis-server
 * #     args: [--port, "6379"]
 * rootfs:                          # default: the closure of cmd[0] in the host's root
 *   closure: [/usr/bin/redis-server, /usr/bin/redis-cli]
 *   root: /                        # where programs and files are taken from
 * # rootfs: ./rootfs               # or: a directory, copied whole
 * files: [/etc/redis/redis.conf, ./app.conf:/etc/app.conf]
 * exclude: [/usr/lib/python3.11/test, "**&#47;__pycache__"]   # globs over guest paths, whole subtrees
 * env: {LANG: C.UTF-8}
 * workdir: /data
 * volumes: [./data:/data]
 * ports: ["6379:6379"]
 * memory: 256M
 * cpus: 2
 * platform: auto
 * options: {vmem.fault_around_pages: 32}
 * </pre>
 *
 * @param project the directory holding the Kraftfile
 * @param name the image name
 * @param cmd the program (a guest path or a name on the image's PATH) and its arguments
 * @param rootfsDir the rootfs directory, or null for a closure rootfs
 * @param root the host directory closure programs and root-relative files come from
 * @param closure the programs whose closure the rootfs is (empty for a directory rootfs)
 * @param files extra files: {@code guest path -> host path}
 * @param exclude glob patterns of guest paths left out of the image, with everything under them
 * @param env environment variables for the program
 * @param workdir the working directory, or null for /
 * @param volumes {@code HOST:GUEST[:ro]} with absolute host paths
 * @param ports {@code -p} mappings published when the image runs without {@code -p}
 * @param memory guest memory ({@code -M}) or null
 * @param cpus {@code --cpus} or null
 * @param platform {@code auto}, {@code kvm}, {@code interp} or null
 * @param options micro-library options, name to value
 */
record Kraftfile(Path project, String name, List<String> cmd, Path rootfsDir, Path root, List<String> closure,
        List<ExtraFile> files, List<String> exclude, Map<String, String> env, String workdir, List<String> volumes, List<String> ports,
        String memory, Integer cpus, String platform, Map<String, String> options) {

    /** The names a Kraftfile may have, in the order they are looked for (kraft's). */
    static final List<String> FILE_NAMES = List.of("Kraftfile", "kraftfile", "Kraftfile.yaml", "Kraftfile.yml");

    private static final Set<String> KEYS = Set.of("spec", "specification", "name", "cmd", "program", "args", "rootfs", "files", "exclude", "env",
            "workdir", "volumes", "ports", "memory", "cpus", "platform", "options");
    private static final Pattern IMAGE_NAME = Pattern.compile("[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*");

    /**
     * An extra file of the image: a host file, directory or symlink placed at {@code guest}.
     * {@code fromRoot} files are named by their guest path and taken from the closure root; their
     * ELF files join the closure.
     */
    record ExtraFile(String guest, Path host, boolean fromRoot) {}

    /** The Kraftfile in {@code dir}, or {@code dir} itself when it is a file. */
    static Path find(Path dir) {
        if (Files.isRegularFile(dir)) {
            return dir;
        }
        if (!Files.isDirectory(dir)) {
            throw bad(dir + ": no such file or directory");
        }
        for (String n : FILE_NAMES) {
            Path p = dir.resolve(n);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw bad("no Kraftfile in " + dir.toAbsolutePath().normalize() + " (looked for " + String.join(", ", FILE_NAMES) + ")");
    }

    static Kraftfile read(Path file) {
        Path path = file.toAbsolutePath().normalize();
        JsonNode doc;
        try {
            doc = new YAMLMapper().readTree(Files.readString(path));
        } catch (IOException e) {
            throw bad(path + ": cannot read: " + e.getMessage());
        } catch (JacksonException e) {
            throw bad(path + ": not valid YAML: " + e.getOriginalMessage());
        }
        return parse(doc, path.getParent(), path.toString());
    }

    /** Reads a Kraftfile's document; {@code where} names it in messages. */
    static Kraftfile parse(JsonNode doc, Path project, String where) {
        if (doc == null || !doc.isObject()) {
            throw bad(where + ": expected a YAML mapping with name, cmd, rootfs ...");
        }
        for (String key : doc.propertyNames()) {
            if (!KEYS.contains(key)) {
                throw bad(where + ": unknown key '" + key + "'; known keys: " + String.join(", ", new java.util.TreeSet<>(KEYS)));
            }
        }
        var r = new Reader(doc, project, where);
        String name = r.string("name");
        if (name == null || !IMAGE_NAME.matcher(name).matches()) {
            throw bad(where + ": 'name' must be an image name of lower-case letters, digits and . _ - (e.g. redis), not "
                    + (name == null ? "missing" : "'" + name + "'"));
        }
        List<String> cmd = r.words("cmd");
        if (doc.has("program") || doc.has("args")) {
            if (doc.has("cmd")) {
                throw bad(where + ": give either 'cmd' or 'program' with 'args', not both");
            }
            String program = r.string("program");
            if (program == null || program.isEmpty()) {
                throw bad(where + ": 'args' needs 'program', e.g. program: /usr/bin/redis-server");
            }
            cmd = new ArrayList<>(List.of(program));
            cmd.addAll(r.words("args"));
        }
        if (cmd.isEmpty()) {
            throw bad(where + ": 'cmd' must name the program, e.g. cmd: [/usr/bin/redis-server]");
        }
        Path rootfsDir = null;
        Path root = Path.of("/");
        List<String> closure = List.of(cmd.getFirst());
        JsonNode rootfs = doc.get("rootfs");
        if (rootfs != null && rootfs.isString()) {
            rootfsDir = r.hostDir(rootfs.asString(), "rootfs");
            closure = List.of();
        } else if (rootfs != null && rootfs.isObject()) {
            for (String key : rootfs.propertyNames()) {
                if (!Set.of("closure", "root", "directory").contains(key)) {
                    throw bad(where + ": unknown key 'rootfs." + key + "'; use closure and root, or directory");
                }
            }
            var rr = new Reader(rootfs, project, where);
            if (rootfs.has("directory")) {
                if (rootfs.has("closure")) {
                    throw bad(where + ": 'rootfs' is either a directory or a closure, not both");
                }
                rootfsDir = r.hostDir(rr.string("directory"), "rootfs.directory");
                closure = List.of();
            } else {
                if (rootfs.has("closure")) {
                    closure = rr.words("closure");
                }
                if (rootfs.has("root")) {
                    root = r.hostDir(rr.string("root"), "rootfs.root");
                }
            }
        } else if (rootfs != null && !rootfs.isNull()) {
            throw bad(where + ": 'rootfs' must be a directory or a mapping with closure and root");
        }
        List<ExtraFile> files = new ArrayList<>();
        for (String f : r.words("files")) {
            files.add(r.extraFile(f));
        }
        List<String> exclude = r.words("exclude");
        for (String g : exclude) {
            if (!g.startsWith("/") && !g.startsWith("*")) {
                throw bad(where + ": exclude: '" + g + "' must be a guest path or glob from / (or start with **)");
            }
            try {
                java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + g);
            } catch (IllegalArgumentException e) {
                throw bad(where + ": exclude: '" + g + "' is not a glob: " + e.getMessage());
            }
        }
        String workdir = r.string("workdir");
        if (workdir != null && !workdir.startsWith("/")) {
            throw bad(where + ": 'workdir' must be an absolute guest path, not '" + workdir + "'");
        }
        List<String> volumes = new ArrayList<>();
        for (String v : r.words("volumes")) {
            volumes.add(r.volume(v));
        }
        List<String> ports = r.words("ports");
        for (String p : ports) {
            try {
                PortMapping.parse(p);
            } catch (IllegalArgumentException e) {
                throw bad(where + ": ports: " + e.getMessage());
            }
        }
        String memory = r.string("memory");
        if (memory != null) {
            try {
                if (Size.parse(memory) < RunCommand.MIN_MEMORY) {
                    throw bad(where + ": 'memory' " + memory + " is too small; give at least " + Size.format(RunCommand.MIN_MEMORY));
                }
            } catch (IllegalArgumentException e) {
                throw bad(where + ": 'memory': " + e.getMessage());
            }
        }
        Integer cpus = null;
        JsonNode c = doc.get("cpus");
        if (c != null && !c.isNull()) {
            if (!c.canConvertToInt() || !c.isIntegralNumber() || c.asInt() < 1) {
                throw bad(where + ": 'cpus' must be a whole number of at least 1, not '" + c.asString() + "'");
            }
            cpus = c.asInt();
        }
        String platform = r.string("platform");
        if (platform != null && !Set.of("auto", "kvm", "interp").contains(platform)) {
            throw bad(where + ": 'platform' must be auto, kvm or interp, not '" + platform + "'");
        }
        return new Kraftfile(project, name, cmd, rootfsDir, root, closure, files, exclude, r.map("env"), workdir, volumes,
                ports, memory, cpus, platform, r.map("options"));
    }

    private static ExitException bad(String message) {
        return new ExitException(ExitException.JKRAFT_FAILED, message);
    }

    /** Typed reads of one mapping's keys, with messages naming the key. */
    private record Reader(JsonNode node, Path project, String where) {
        String string(String key) {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isValueNode()) {
                throw bad(where + ": '" + key + "' must be a single value");
            }
            return v.asString();
        }

        /** A list of scalars, or one string split at spaces (no shell quoting). */
        List<String> words(String key) {
            JsonNode v = node.get(key);
            List<String> out = new ArrayList<>();
            if (v == null || v.isNull()) {
                return out;
            }
            if (v.isString()) {
                for (String w : v.asString().trim().split("\\s+")) {
                    if (!w.isEmpty()) {
                        out.add(w);
                    }
                }
                return out;
            }
            if (!v.isArray()) {
                throw bad(where + ": '" + key + "' must be a list");
            }
            for (JsonNode e : v) {
                if (!e.isValueNode() || e.isNull()) {
                    throw bad(where + ": every item of '" + key + "' must be a single value");
                }
                out.add(e.asString());
            }
            return out;
        }

        /** A mapping of scalars, or a list of K=V. */
        Map<String, String> map(String key) {
            JsonNode v = node.get(key);
            Map<String, String> out = new LinkedHashMap<>();
            if (v == null || v.isNull()) {
                return out;
            }
            if (v.isObject()) {
                for (var e : v.properties()) {
                    if (!e.getValue().isValueNode()) {
                        throw bad(where + ": '" + key + "." + e.getKey() + "' must be a single value");
                    }
                    out.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asString());
                }
                return out;
            }
            for (String kv : words(key)) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw bad(where + ": '" + key + "' item '" + kv + "' is not K=V");
                }
                out.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            return out;
        }

        Path hostDir(String text, String key) {
            if (text == null || text.isEmpty()) {
                throw bad(where + ": '" + key + "' must name a directory");
            }
            Path p = project.resolve(text).normalize();
            if (!Files.isDirectory(p)) {
                throw bad(where + ": '" + key + "': " + p + " is not a directory");
            }
            return p;
        }

        /** {@code /guest/path} (from the closure root) or {@code HOST:GUEST}. */
        ExtraFile extraFile(String spec) {
            int colon = spec.indexOf(':');
            if (colon < 0) {
                if (!spec.startsWith("/")) {
                    throw bad(where + ": files: '" + spec + "' must be a guest path from the root (/etc/x) or HOST:GUEST");
                }
                return new ExtraFile(spec, null, true);
            }
            String guest = spec.substring(colon + 1);
            if (!guest.startsWith("/")) {
                throw bad(where + ": files: '" + spec + "': the guest path must be absolute");
            }
            Path host = project.resolve(spec.substring(0, colon)).normalize();
            if (!Files.exists(host, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw bad(where + ": files: '" + spec + "': " + host + " does not exist");
            }
            return new ExtraFile(guest, host, false);
        }

        /** {@code HOST:GUEST[:ro]} with HOST made absolute and checked. */
        String volume(String spec) {
            String[] f = spec.split(":", -1);
            if (f.length < 2 || f.length > 3 || f[0].isEmpty()) {
                throw bad(where + ": volumes: '" + spec + "' is not HOST:GUEST or HOST:GUEST:ro");
            }
            f[0] = project.resolve(f[0]).normalize().toString();
            String absolute = String.join(":", f);
            try {
                Volume.parse(absolute);
            } catch (ExitException e) {
                throw bad(where + ": volumes: " + e.getMessage());
            }
            return absolute;
        }
    }
}
