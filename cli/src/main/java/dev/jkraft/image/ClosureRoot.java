package dev.jkraft.image;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * A root file system seen from inside, as after chroot(2): guest paths are resolved component by
 * component, symbolic links followed by this class (absolute targets from the root, relative ones
 * from the link's directory) and {@code ..} stopping at the root, so nothing outside the root is
 * ever read. Each resolution reports the links it went through, because an image must keep them.
 */
final class ClosureRoot {
    /** Linux's MAXSYMLINKS: path resolution fails with ELOOP after 40 links. */
    static final int MAX_LINKS = 40;

    private final Path root;

    ClosureRoot(Path root) {
        try {
            this.root = root.toRealPath();
        } catch (IOException e) {
            throw new ImageException("root file system " + root + " cannot be read: " + e.getMessage(), e);
        }
        if (!Files.isDirectory(this.root)) {
            throw new ImageException("root file system " + root + " is not a directory");
        }
    }

    Path path() {
        return root;
    }

    /**
     * A resolved guest path.
     *
     * @param path the canonical guest path: absolute, no links, no "." or ".." ("/" for the root)
     * @param host where it is on the host
     * @param attrs its attributes, not following a final link
     * @param links canonical guest paths of the links followed on the way, in order
     * @param dirs canonical guest paths of the directories gone through, including those a ".."
     *     left again ("/etc" for a link to "/etc/../lib"): the image needs them for the same walk
     */
    record Resolved(String path, Path host, BasicFileAttributes attrs, List<String> links, List<String> dirs) {}

    /** The host path of a canonical guest path (one {@link #resolve} returned or a prefix of it). */
    Path host(String canonical) {
        return canonical.equals("/") ? root : root.resolve(canonical.substring(1));
    }

    /**
     * Resolves {@code guestPath} (relative paths are taken from "/"), or returns empty if a
     * component does not exist or is not a directory where one is needed (ENOENT, ENOTDIR).
     *
     * @param followLast whether a final symbolic link is followed (stat) or returned (lstat)
     * @throws ImageException on a symbolic-link loop (ELOOP)
     */
    Optional<Resolved> resolve(String guestPath, boolean followLast) {
        Deque<String> todo = new ArrayDeque<>();
        push(todo, guestPath);
        List<String> cur = new ArrayList<>();
        List<String> links = new ArrayList<>();
        List<String> dirs = new ArrayList<>();
        BasicFileAttributes attrs = null;
        int hops = 0;
        try {
            attrs = Files.readAttributes(root, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            while (!todo.isEmpty()) {
                String c = todo.pop();
                if (c.equals("..")) {
                    // chroot: ".." of the root is the root.
                    if (!cur.isEmpty()) {
                        cur.removeLast();
                    }
                    attrs = Files.readAttributes(host(join(cur)), BasicFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                    continue;
                }
                String p = join(cur, c);
                Path h = host(p);
                attrs = Files.readAttributes(h, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                boolean last = todo.isEmpty();
                if (attrs.isSymbolicLink() && (!last || followLast)) {
                    if (++hops > MAX_LINKS) {
                        throw new ImageException("too many levels of symbolic links (ELOOP) resolving "
                                + guestPath + " in " + root + " (a link loop near " + p + ")");
                    }
                    links.add(p);
                    String target = Files.readSymbolicLink(h).toString();
                    if (target.isEmpty()) {
                        return Optional.empty();
                    }
                    push(todo, target);
                    if (target.startsWith("/")) {
                        cur.clear();
                    }
                    continue;
                }
                if (!last && !attrs.isDirectory()) {
                    return Optional.empty();
                }
                cur.add(c);
                if (!last) {
                    dirs.add(p);
                }
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (FileSystemException | InvalidPathException e) {
            // ENOTDIR, ENAMETOOLONG, a NUL in a name: the path does not name a file in the root.
            return Optional.empty();
        } catch (IOException e) {
            throw new ImageException("cannot read " + guestPath + " in " + root + ": " + e.getMessage(), e);
        }
        String path = join(cur);
        return Optional.of(new Resolved(path, host(path), attrs, List.copyOf(links), List.copyOf(dirs)));
    }

    /** Puts a path's components at the front of the queue, in order. */
    private static void push(Deque<String> todo, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            if (!parts[i].isEmpty() && !parts[i].equals(".")) {
                todo.push(parts[i]);
            }
        }
    }

    private static String join(List<String> parts) {
        return parts.isEmpty() ? "/" : "/" + String.join("/", parts);
    }

    private static String join(List<String> parts, String last) {
        return parts.isEmpty() ? "/" + last : "/" + String.join("/", parts) + "/" + last;
    }

    /** The canonical parent of a canonical guest path; "/" for "/" and top-level names. */
    static String parent(String canonical) {
        int slash = canonical.lastIndexOf('/');
        return slash <= 0 ? "/" : canonical.substring(0, slash);
    }
}
