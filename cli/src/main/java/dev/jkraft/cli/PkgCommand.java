package dev.jkraft.cli;

import dev.jkraft.image.Image;
import dev.jkraft.image.ImageException;
import dev.jkraft.image.ImageLayout;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jkraft pkg [DIR|IMAGE]}: an OCI archive (a tar of an OCI image layout) of a project's
 * image, built first as {@code jkraft build} does, or of an image in the store. {@code jkraft
 * run} takes the archive, and so do OCI tools (skopeo copy oci-archive:FILE ...).
 */
@Command(name = "pkg", description = "Packages an image as an OCI archive (builds the project first).")
final class PkgCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "The archive to write. Default: NAME-TAG.oci.tar in the project's .jkraft directory, or here for a stored image.")
    Path output;

    @Option(names = {"-t", "--tag"}, paramLabel = "NAME[:TAG]", description = "As jkraft build -t.")
    String tag;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR|IMAGE",
            description = "A project directory (or Kraftfile), or the name of a built image. Default: the working directory.")
    String what = ".";

    private final Map<String, String> hostEnv;

    PkgCommand(Map<String, String> hostEnv) {
        this.hostEnv = hostEnv;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path project = Path.of(what);
        ImageLayout layout;
        Image image;
        Path defaultDir;
        if (Files.exists(project)) {
            BuildCommand.Built built = BuildCommand.build(project, tag, hostEnv, TerminalProgress.on(spec.commandLine().getErr()));
            layout = ImageLayout.open(built.layout());
            image = built.image();
            defaultDir = built.kraftfile().project().resolve(".jkraft");
        } else {
            if (tag != null) {
                throw new ExitException(ExitException.JKRAFT_FAILED, "-t applies when packaging a project, not a stored image");
            }
            String ref = BuildCommand.reference(what);
            ImageStore store = ImageStore.of(hostEnv);
            image = store.find(ref).orElseThrow(() -> new ExitException(ExitException.NOT_FOUND,
                    what + " is neither a project directory nor a built image (jkraft build makes images)"));
            layout = store.layout();
            defaultDir = Path.of(".");
        }
        Path archive = output != null ? output : defaultDir.resolve(image.ref().replace('/', '_').replace(':', '-') + ".oci.tar");
        try {
            layout.writeArchive(archive, List.of(image.ref()));
        } catch (ImageException e) {
            throw new ExitException(ExitException.JKRAFT_FAILED, e.getMessage());
        }
        out.println("packaged " + image.ref() + " " + image.manifestDigest() + " -> " + archive.toAbsolutePath().normalize());
        out.flush();
        return 0;
    }
}
