package dev.jkraft.cli;

import dev.jkraft.image.Closure;
import dev.jkraft.image.ClosureEntry;
import dev.jkraft.image.Image;
import dev.jkraft.image.ImageException;
import dev.jkraft.image.ImageLayout;
import dev.jkraft.image.Layer;
import dev.jkraft.image.LayerEntry;
import dev.jkraft.image.Progress;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jkraft build [DIR]}: reads DIR's Kraftfile and writes its image, an OCI image layout,
 * to {@code DIR/.jkraft/oci}, and adds it to the image store so that {@code jkraft run NAME}
 * finds it from anywhere. The root file system is a directory, or the closure of the programs:
 * each program, its interpreter and every shared library it needs, found as the dynamic linker
 * would, plus the files the Kraftfile names.
 */
@Command(name = "build", description = "Builds the image a Kraftfile describes (an OCI image layout in DIR/.jkraft/oci).")
final class BuildCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = {"-t", "--tag"}, paramLabel = "NAME[:TAG]",
            description = "The image's reference. Default: the Kraftfile's name, tag latest.")
    String tag;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR",
            description = "The project: a directory with a Kraftfile, or the Kraftfile itself. Default: the working directory.")
    Path project = Path.of(".");

    private final Map<String, String> hostEnv;

    BuildCommand(Map<String, String> hostEnv) {
        this.hostEnv = hostEnv;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Built built = build(project, tag, hostEnv, TerminalProgress.on(spec.commandLine().getErr()));
        out.println("built " + built.image().ref() + " " + built.image().manifestDigest());
        out.println("  root file system: " + built.files() + " files, " + megabytes(built.bytes()) + " MB ("
                + megabytes(built.image().layers().getFirst().descriptor().size()) + " MB compressed)");
        out.println("  image layout: " + built.layout());
        out.flush();
        return 0;
    }

    /** What {@link #build} made. */
    record Built(Kraftfile kraftfile, Image image, Path layout, int files, long bytes) {}

    /** Builds the project's image into its layout and the image store. */
    static Built build(Path project, String tag, Map<String, String> hostEnv, Progress progress) {
        Kraftfile kf = Kraftfile.read(Kraftfile.find(project));
        String ref = reference(tag != null ? tag : kf.name());
        try {
            Map<String, LayerEntry> entries = new LinkedHashMap<>();
            String program;
            List<String> fromRoot = new ArrayList<>();
            for (Kraftfile.ExtraFile f : kf.files()) {
                if (f.fromRoot()) {
                    fromRoot.add(f.guest());
                }
            }
            if (kf.rootfsDir() != null) {
                for (LayerEntry e : LayerEntry.tree(kf.rootfsDir(), "/")) {
                    entries.put(e.guestPath(), e);
                }
                if (!fromRoot.isEmpty()) {
                    add(entries, Closure.compute(kf.root(), List.of(), fromRoot, progress).entries());
                }
                program = kf.cmd().getFirst();
            } else {
                Closure closure = Closure.compute(kf.root(), kf.closure(), fromRoot, progress);
                add(entries, closure.entries());
                program = closure.programs().getOrDefault(kf.cmd().getFirst(), kf.cmd().getFirst());
            }
            for (Kraftfile.ExtraFile f : kf.files()) {
                if (!f.fromRoot()) {
                    if (Files.isDirectory(f.host(), LinkOption.NOFOLLOW_LINKS)) {
                        for (LayerEntry e : LayerEntry.tree(f.host(), f.guest())) {
                            entries.put(e.guestPath(), e);
                        }
                    } else {
                        LayerEntry e = new LayerEntry(f.guest(), f.host());
                        entries.put(e.guestPath(), e);
                    }
                }
            }
            excludeFrom(entries, kf.exclude());
            if (kf.rootfsDir() == null && !entries.containsKey(new LayerEntry(program, Path.of("/")).guestPath())) {
                throw new ExitException(ExitException.JKRAFT_FAILED, "the program " + program + " is excluded from the image");
            }
            long bytes = 0;
            for (LayerEntry e : entries.values()) {
                if (Files.isRegularFile(e.hostPath(), LinkOption.NOFOLLOW_LINKS)) {
                    bytes += Files.size(e.hostPath());
                }
            }
            ImageSettings settings = ImageSettings.of(kf, program);
            Path layoutDir = kf.project().resolve(".jkraft").resolve("oci");
            ImageLayout layout = Files.isRegularFile(layoutDir.resolve("oci-layout")) ? ImageLayout.open(layoutDir)
                    : ImageLayout.create(layoutDir);
            Layer layer = layout.writeLayer(List.copyOf(entries.values()), progress);
            Instant created = created(hostEnv);
            Image image = layout.addImage(ref, List.of(layer), settings.toConfig(kf.name()), created);
            ImageStore.of(hostEnv).add(image);
            return new Built(kf, image, layoutDir, entries.size(), bytes);
        } catch (ImageException e) {
            throw new ExitException(ExitException.JKRAFT_FAILED, e.getMessage());
        } catch (java.io.IOException e) {
            throw new ExitException(ExitException.JKRAFT_FAILED, "cannot build " + ref + ": " + e.getMessage());
        }
    }

    private static void add(Map<String, LayerEntry> entries, List<ClosureEntry> closure) {
        for (ClosureEntry c : closure) {
            LayerEntry e = new LayerEntry(c.guestPath(), c.hostPath());
            entries.put(e.guestPath(), e);
        }
    }

    /** Drops entries a pattern matches, and everything under them. */
    private static void excludeFrom(Map<String, LayerEntry> entries, List<String> globs) {
        if (globs.isEmpty()) {
            return;
        }
        List<java.nio.file.PathMatcher> matchers = globs.stream()
                .map(g -> java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
        entries.keySet().removeIf(guest -> {
            for (Path p = Path.of("/", guest); p != null && p.getNameCount() > 0; p = p.getParent()) {
                Path candidate = p;
                if (matchers.stream().anyMatch(m -> m.matches(candidate))) {
                    return true;
                }
            }
            return false;
        });
    }

    /** NAME or NAME:TAG, checked; latest when no tag is given. */
    static String reference(String text) {
        if (!text.matches("[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?")) {
            throw new ExitException(ExitException.JKRAFT_FAILED, "'" + text
                    + "' is not an image reference: use NAME or NAME:TAG, the name in lower case (redis, redis:7)");
        }
        return text.contains(":") ? text : text + ":latest";
    }

    /** SOURCE_DATE_EPOCH when set (reproducible builds), else now. */
    private static Instant created(Map<String, String> env) {
        String epoch = env.get("SOURCE_DATE_EPOCH");
        if (epoch != null) {
            try {
                return Instant.ofEpochSecond(Long.parseLong(epoch.trim()));
            } catch (NumberFormatException e) {
                throw new ExitException(ExitException.JKRAFT_FAILED, "SOURCE_DATE_EPOCH '" + epoch + "' is not a number of seconds");
            }
        }
        return Instant.now();
    }

    static String megabytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / 1e6);
    }
}
