package dev.jkraft.kernel.vfs;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.syscall.SyscallException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Resolves guest paths in a guest's namespace (fs/namei.c): from the root for absolute paths or a
 * start directory, component by component, "." and ".." (which stops at the root and crosses mount
 * points upward), mount points crossed downward, symlinks followed with at most 40 in one walk
 * (ELOOP), ENAMETOOLONG for a component over 255 bytes, ENOTDIR for a non-directory in the middle
 * or before a trailing slash, EACCES without search permission. The host never resolves anything
 * here: a file system is only asked to look up one name in one of its directories.
 */
public final class PathWalk {
    /** Follow a symlink in the last component. */
    public static final int FOLLOW = 1;
    /** The result must be a directory (O_DIRECTORY; implied by a trailing slash). */
    public static final int DIRECTORY = 2;

    public static final int MAX_SYMLINKS = 40;
    public static final int NAME_MAX = 255;

    /** The directory a new name goes in, the name, and whether the path ended in a slash. */
    public record Parent(Location dir, String name, boolean trailingSlash) {}

    private final FsContext ctx;
    private final int uid;
    private final int gid;
    private int links;

    public PathWalk(FsContext ctx, int uid, int gid) {
        this.ctx = ctx;
        this.uid = uid;
        this.gid = gid;
    }

    /** The location {@code path} names, relative to {@code start} unless absolute. */
    public Location resolve(Location start, String path, int flags) throws SyscallException {
        if (path.isEmpty()) {
            throw new SyscallException(Errno.ENOENT);
        }
        boolean slash = path.endsWith("/");
        Deque<String> parts = split(path);
        Location cur = path.startsWith("/") ? ctx.root() : start;
        String last = parts.pollLast();
        cur = walk(cur, parts);
        while (last != null) {
            Location l = step(cur, last);
            if (!l.attrs().isSymlink() || ((flags & FOLLOW) == 0 && !slash)) {
                return checkDir(l, flags, slash);
            }
            Deque<String> target = followLink(l);
            if (!target.isEmpty() && target.peekFirst().isEmpty()) {
                target.pop();
                cur = ctx.root();
            }
            if (!target.isEmpty() && target.peekLast().isEmpty()) {
                target.pollLast();
                slash = true;
            }
            last = target.pollLast();
            cur = walk(cur, target);
        }
        return checkDir(cur, flags, slash);
    }

    /**
     * The directory that holds the last component of {@code path} and that component, for calls
     * that make or remove names. The last component is not looked up; it may be "." or "..",
     * which callers refuse as Linux does for their call. "/" gives the root and ".".
     */
    public Parent parent(Location start, String path) throws SyscallException {
        if (path.isEmpty()) {
            throw new SyscallException(Errno.ENOENT);
        }
        boolean slash = path.endsWith("/");
        Deque<String> parts = split(path);
        Location cur = path.startsWith("/") ? ctx.root() : start;
        if (parts.isEmpty()) {
            return new Parent(cur, ".", slash);
        }
        String last = parts.pollLast();
        cur = walk(cur, parts);
        if (!cur.attrs().isDirectory()) {
            throw new SyscallException(Errno.ENOTDIR);
        }
        if (last.length() > NAME_MAX) {
            throw new SyscallException(Errno.ENAMETOOLONG);
        }
        return new Parent(cur, last, slash);
    }

    /** Search permission and one lookup, with mounts crossed; "." and ".." handled here. */
    public Location step(Location dir, String name) throws SyscallException {
        Attrs a = dir.attrs();
        if (!a.isDirectory()) {
            throw new SyscallException(Errno.ENOTDIR);
        }
        Access.check(a, uid, gid, Access.MAY_EXEC);
        if (name.equals(".")) {
            return dir;
        }
        if (name.equals("..")) {
            return up(dir);
        }
        if (name.length() > NAME_MAX) {
            throw new SyscallException(Errno.ENAMETOOLONG);
        }
        Vnode stub = ctx.mounts().stubAt(dir, name);
        Vnode child = stub != null ? stub : dir.node().lookup(name);
        return ctx.mounts().crossDown(dir.child(child, name));
    }

    private Location up(Location dir) {
        if (dir.sameAs(ctx.root()) || dir.parent() == null) {
            return dir;
        }
        return dir.parent();
    }

    /** Walks every component in {@code parts}, following symlinks in all of them. */
    private Location walk(Location cur, Deque<String> parts) throws SyscallException {
        while (!parts.isEmpty()) {
            String name = parts.pop();
            if (name.isEmpty()) {
                continue;
            }
            Location next = step(cur, name);
            if (next.attrs().isSymlink()) {
                Deque<String> target = followLink(next);
                if (!target.isEmpty() && target.peekFirst().isEmpty()) {
                    target.pop();
                    cur = ctx.root();
                }
                while (!target.isEmpty()) {
                    parts.push(target.pollLast());
                }
                continue;
            }
            cur = next;
        }
        return cur;
    }

    /** The link's target as components; a leading "" marks an absolute one, a trailing "" a slash. */
    private Deque<String> followLink(Location link) throws SyscallException {
        if (++links > MAX_SYMLINKS) {
            throw new SyscallException(Errno.ELOOP);
        }
        String target = link.node().readlink();
        if (target.isEmpty()) {
            throw new SyscallException(Errno.ENOENT);
        }
        Deque<String> out = new ArrayDeque<>();
        if (target.startsWith("/")) {
            out.add("");
        }
        for (String s : target.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        if (target.endsWith("/") && target.length() > 1) {
            out.add("");
        }
        return out;
    }

    private static Location checkDir(Location l, int flags, boolean slash) throws SyscallException {
        if (((flags & DIRECTORY) != 0 || slash) && !l.attrs().isDirectory()) {
            throw new SyscallException(Errno.ENOTDIR);
        }
        return l;
    }

    private static Deque<String> split(String path) {
        Deque<String> parts = new ArrayDeque<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                parts.add(s);
            }
        }
        return parts;
    }
}
