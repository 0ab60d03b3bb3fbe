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
 *
 * <p>openat2's RESOLVE_* restrictions are flags of a walk too ({@link #NO_XDEV} ...
 * {@link #IN_ROOT}); with BENEATH or IN_ROOT the start directory is the walk's root ("scoped").
 */
public final class PathWalk {
    /** Follow a symlink in the last component. */
    public static final int FOLLOW = 1;
    /** The result must be a directory (O_DIRECTORY; implied by a trailing slash). */
    public static final int DIRECTORY = 2;
    /** EXDEV on crossing a mount point, down or up (RESOLVE_NO_XDEV). */
    public static final int NO_XDEV = 1 << 8;
    /** ELOOP on a procfs magic link ({@link Vnode#isMagicLink}) to follow (RESOLVE_NO_MAGICLINKS). */
    public static final int NO_MAGICLINKS = 1 << 9;
    /** ELOOP on any symlink to follow (RESOLVE_NO_SYMLINKS). */
    public static final int NO_SYMLINKS = 1 << 10;
    /** EXDEV for anything that would leave the start directory: "/", ".." above it, magic links (RESOLVE_BENEATH). */
    public static final int BENEATH = 1 << 11;
    /** The start directory is the root: "/" and ".." above it stay there (RESOLVE_IN_ROOT). */
    public static final int IN_ROOT = 1 << 12;
    private static final int SCOPED = BENEATH | IN_ROOT;

    public static final int MAX_SYMLINKS = 40;
    public static final int NAME_MAX = 255;

    /** The directory a new name goes in, the name, and whether the path ended in a slash. */
    public record Parent(Location dir, String name, boolean trailingSlash) {}

    private final FsContext ctx;
    private final Subject who;
    private int links;
    /** The current call's restriction flags and its root: the namespace's, or the start when scoped. */
    private int restrict;
    private Location root;

    public PathWalk(FsContext ctx, int uid, int gid) {
        this(ctx, Subject.of(uid, gid));
    }

    /** A walk that checks search permission as {@code who}. */
    public PathWalk(FsContext ctx, Subject who) {
        this.ctx = ctx;
        this.who = who;
    }

    /** The location {@code path} names, relative to {@code start} unless absolute. */
    public Location resolve(Location start, String path, int flags) throws SyscallException {
        if (path.isEmpty()) {
            throw new SyscallException(Errno.ENOENT);
        }
        boolean slash = path.endsWith("/");
        Deque<String> parts = split(path);
        Location cur = begin(start, path, flags);
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
                cur = jumpRoot(cur);
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
        return parent(start, path, 0);
    }

    /** {@link #parent(Location, String)} under restriction flags ({@link #NO_XDEV} ... {@link #IN_ROOT}). */
    public Parent parent(Location start, String path, int flags) throws SyscallException {
        if (path.isEmpty()) {
            throw new SyscallException(Errno.ENOENT);
        }
        boolean slash = path.endsWith("/");
        Deque<String> parts = split(path);
        Location cur = begin(start, path, flags);
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

    /**
     * The parent for O_CREAT (open_last_lookups): as {@link #parent(Location, String, int)}, but
     * with {@link #FOLLOW} a symlink in the last component is followed, so that a dangling one names
     * the file to create, under the same restrictions and symlink count as the rest of the walk.
     */
    public Parent createParent(Location start, String path, int flags) throws SyscallException {
        Parent p = parent(start, path, flags);
        while ((flags & FOLLOW) != 0 && !p.trailingSlash() && !p.name().equals(".") && !p.name().equals("..")) {
            Location existing;
            try {
                existing = step(p.dir(), p.name());
            } catch (SyscallException e) {
                if (e.errno() == Errno.ENOENT) {
                    return p;
                }
                throw e;
            }
            if (!existing.attrs().isSymlink()) {
                return p;
            }
            Deque<String> target = followLink(existing);
            Location cur = p.dir();
            if (!target.isEmpty() && target.peekFirst().isEmpty()) {
                target.pop();
                cur = jumpRoot(cur);
            }
            boolean slash = !target.isEmpty() && target.peekLast().isEmpty();
            if (slash) {
                target.pollLast();
            }
            String last = target.pollLast();
            cur = walk(cur, target);
            if (!cur.attrs().isDirectory()) {
                throw new SyscallException(Errno.ENOTDIR);
            }
            p = new Parent(cur, last == null ? "." : last, slash);
        }
        return p;
    }

    /** Search permission and one lookup, with mounts crossed; "." and ".." handled here. */
    public Location step(Location dir, String name) throws SyscallException {
        Attrs a = dir.attrs();
        if (!a.isDirectory()) {
            throw new SyscallException(Errno.ENOTDIR);
        }
        Access.check(a, who, Access.MAY_EXEC);
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
        Location next = ctx.mounts().crossDown(dir.child(child, name));
        if ((restrict & NO_XDEV) != 0 && next.mount() != dir.mount()) {
            throw new SyscallException(Errno.EXDEV);
        }
        return next;
    }

    /** Where a walk starts (path_init): the root for "/", unless the walk is scoped to the start. */
    private Location begin(Location start, String path, int flags) throws SyscallException {
        restrict = flags & (NO_XDEV | NO_MAGICLINKS | NO_SYMLINKS | SCOPED);
        root = (restrict & SCOPED) != 0 ? start : ctx.root();
        if (!path.startsWith("/")) {
            return start;
        }
        if ((restrict & BENEATH) != 0) {
            throw new SyscallException(Errno.EXDEV);
        }
        // An absolute path argument may start on another mount under NO_XDEV (nd_jump_root).
        return root;
    }

    /** An absolute symlink's jump to the root (nd_jump_root). */
    private Location jumpRoot(Location from) throws SyscallException {
        if ((restrict & BENEATH) != 0 || (restrict & NO_XDEV) != 0 && from.mount() != root.mount()) {
            throw new SyscallException(Errno.EXDEV);
        }
        return root;
    }

    /** ".." (follow_dotdot): stays at the root; EXDEV above a BENEATH start or across a mount under NO_XDEV. */
    private Location up(Location dir) throws SyscallException {
        Location top = root != null ? root : ctx.root();
        if (dir.sameAs(top) || dir.sameAs(ctx.root()) || dir.parent() == null) {
            if ((restrict & BENEATH) != 0) {
                throw new SyscallException(Errno.EXDEV);
            }
            return dir;
        }
        if ((restrict & NO_XDEV) != 0 && dir.parent().mount() != dir.mount()) {
            throw new SyscallException(Errno.EXDEV);
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
                    cur = jumpRoot(cur);
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
        if (++links > MAX_SYMLINKS || (restrict & NO_SYMLINKS) != 0) {
            throw new SyscallException(Errno.ELOOP);
        }
        if (link.node().isMagicLink()) {
            // nd_jump_link: refused outright under NO_MAGICLINKS, and never safe for a scoped walk.
            if ((restrict & NO_MAGICLINKS) != 0) {
                throw new SyscallException(Errno.ELOOP);
            }
            if ((restrict & SCOPED) != 0) {
                throw new SyscallException(Errno.EXDEV);
            }
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
