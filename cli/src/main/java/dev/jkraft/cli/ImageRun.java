package dev.jkraft.cli;

import dev.jkraft.image.Image;
import dev.jkraft.image.ImageArchive;
import dev.jkraft.image.ImageException;
import dev.jkraft.image.ImageLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * What {@code jkraft run PROGRAM} runs when PROGRAM names an image rather than a program:
 * <ul>
 *   <li>a directory holding an OCI image layout ({@code oci-layout}), or a project directory
 *       with a Kraftfile (its built image in {@code .jkraft/oci});
 *   <li>a file that is a tar archive, plain or gzip'd: an OCI archive ({@code jkraft pkg}) or a
 *       {@code docker save} archive;
 *   <li>a name: {@code NAME:TAG} is always an image; a bare {@code NAME} is the stored image
 *       {@code NAME:latest} when the image store has one, and otherwise a program on PATH.
 * </ul>
 * An archive or layout holding several images is ambiguous unless PROGRAM ends in {@code @REF}
 * ({@code app.tar@redis:7}).
 */
final class ImageRun {
    private ImageRun() {}

    /**
     * An image to run, and the archive to close once it is unpacked (or null). {@code built} is
     * true for images jkraft build made on this machine (the store, a project directory): only
     * those may reach into the host through their settings (volumes, published ports, extra
     * mounts); an archive or layout from elsewhere could otherwise mount the host's / into its
     * guest just by asking.
     */
    record Found(Image image, String display, AutoCloseable source, boolean built) implements AutoCloseable {
        @Override
        public void close() {
            if (source != null) {
                try {
                    source.close();
                } catch (Exception e) {
                    // a scratch directory left behind: harmless
                }
            }
        }
    }

    /** The image PROGRAM names, or null when it is a program. */
    static Found find(String program, Map<String, String> hostEnv, Path scratch) {
        String ref = null;
        String target = program;
        int at = program.lastIndexOf('@');
        if (at > 0 && !program.substring(at + 1).startsWith("sha256:") && (program.contains("/") || program.startsWith("."))) {
            target = program.substring(0, at);
            ref = program.substring(at + 1);
        }
        try {
            if (target.contains("/") || target.equals(".") || target.equals("..")) {
                return fromPath(Path.of(target), ref, program, scratch);
            }
            if (target.contains(":")) {
                String checked = BuildCommand.reference(target);
                Image image = ImageStore.of(hostEnv).find(checked).orElseThrow(() -> new ExitException(
                        ExitException.NOT_FOUND, "no image " + checked + " (jkraft build makes images; jkraft run takes a path to an OCI layout or archive too)"));
                return new Found(image, checked, null, true);
            }
            if (!target.matches("[a-z0-9]+([._-][a-z0-9]+)*")) {
                return null;
            }
            return ImageStore.of(hostEnv).find(target).map(i -> new Found(i, i.ref(), null, true)).orElse(null);
        } catch (ImageException e) {
            throw new ExitException(ExitException.JKRAFT_FAILED, e.getMessage());
        }
    }

    private static Found fromPath(Path path, String ref, String display, Path scratch) {
        if (Files.isDirectory(path)) {
            Path layout = path;
            boolean project = !Files.isRegularFile(path.resolve("oci-layout"));
            if (project) {
                if (Kraftfile.FILE_NAMES.stream().noneMatch(n -> Files.isRegularFile(path.resolve(n)))) {
                    return null; // a directory: ProgramLookup says it cannot be run
                }
                layout = path.resolve(".jkraft").resolve("oci");
                if (!Files.isRegularFile(layout.resolve("oci-layout"))) {
                    throw new ExitException(ExitException.JKRAFT_FAILED, path + " has a Kraftfile but no image yet: run 'jkraft build " + path + "' first");
                }
                if (ref == null) {
                    ref = BuildCommand.reference(Kraftfile.read(Kraftfile.find(path)).name());
                }
            }
            ImageLayout l = ImageLayout.open(layout);
            return new Found(l.image(choose(l.refs(), ref, display)), display, null, project);
        }
        if (!Files.isRegularFile(path) || !isArchive(path)) {
            return null;
        }
        ImageArchive archive = ImageArchive.open(path, scratch);
        try {
            Image image = archive.image(choose(archive.refs(), ref, display));
            return new Found(image, display, archive, false);
        } catch (RuntimeException e) {
            archive.close();
            throw e;
        }
    }

    /** The one ref to run: the one asked for, else the only one. */
    private static String choose(java.util.List<String> refs, String ref, String display) {
        if (ref != null) {
            return ref;
        }
        if (refs.size() == 1) {
            return refs.getFirst();
        }
        if (refs.isEmpty()) {
            return null; // an archive without names: its only image
        }
        throw new ExitException(ExitException.JKRAFT_FAILED, display + " holds " + refs.size() + " images ("
                + String.join(", ", refs) + "); choose one with " + display + "@REF");
    }

    /** A tar (ustar magic at 257) or gzip (1f 8b) file; an ELF file or a script is not. */
    private static boolean isArchive(Path file) {
        byte[] head = new byte[263];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            return false;
        }
        if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return true;
        }
        return n >= 262 && new String(head, 257, 5, java.nio.charset.StandardCharsets.ISO_8859_1).equals("ustar");
    }

    /**
     * The host path of guest path {@code guest} inside {@code root}, following symlinks as the
     * guest would (absolute targets from {@code root}, never above it); null if it does not exist.
     */
    static Path inRoot(Path root, String guest) {
        Path current = root;
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>();
        for (String part : guest.split("/")) {
            if (!part.isEmpty()) {
                todo.addLast(part);
            }
        }
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.removeFirst();
            if (part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                current = current.equals(root) ? root : current.getParent();
                continue;
            }
            Path next = current.resolve(part);
            if (Files.isSymbolicLink(next)) {
                if (++links > 40) {
                    return null; // ELOOP
                }
                String target;
                try {
                    target = Files.readSymbolicLink(next).toString();
                } catch (IOException e) {
                    return null;
                }
                String[] parts = target.split("/");
                for (int i = parts.length - 1; i >= 0; i--) {
                    if (!parts[i].isEmpty()) {
                        todo.addFirst(parts[i]);
                    }
                }
                if (target.startsWith("/")) {
                    current = root;
                }
                continue;
            }
            if (!Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            current = next;
        }
        return current;
    }
}
