package dev.jkraft.kernel.vfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.fs.ram.RamFs;
import dev.jkraft.kernel.mem.FakePhysicalMemory;
import dev.jkraft.kernel.mem.FrameAllocator;
import dev.jkraft.kernel.syscall.SyscallException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PathWalkTest {
    private final FakePhysicalMemory ram = FakePhysicalMemory.ofFrames(256);
    private final FrameAllocator frames = new FrameAllocator(ram);
    private final RamFs rootFs = new RamFs(frames, 1 << 20, "tmpfs", 0755, 0, 0);
    private final MountTable mounts = new MountTable(rootFs, 0, "rootfs");
    private final FsContext ctx = new FsContext(mounts);
    private final PathWalk root = new PathWalk(ctx, 0, 0);

    @AfterEach
    void close() {
        ram.close();
    }

    private Location walk(String path, int flags) throws SyscallException {
        return new PathWalk(ctx, 0, 0).resolve(ctx.cwd(), path, flags);
    }

    private static void errno(int e, ThrowingCallable c) {
        assertThatThrownBy(c).isInstanceOfSatisfying(SyscallException.class, x -> assertThat(x.errno()).isEqualTo(e));
    }

    private void tree() throws SyscallException {
        Vnode r = rootFs.root();
        Vnode a = r.mkdir("a", 0755, 0, 0);
        Vnode b = a.mkdir("b", 0755, 0, 0);
        b.create("f", 0644, 0, 0);
        r.symlink("rel", "a/b", 0, 0);
        r.symlink("abs", "/a/b/f", 0, 0);
        a.symlink("up", "../a", 0, 0);
        r.symlink("loop1", "loop2", 0, 0);
        r.symlink("loop2", "loop1", 0, 0);
        r.symlink("dangling", "nowhere", 0, 0);
        r.symlink("slash", "a/", 0, 0);
    }

    @Test
    void walksDotDotAndSymlinks() throws SyscallException {
        tree();
        assertThat(walk("/a/b/f", PathWalk.FOLLOW).path()).isEqualTo("/a/b/f");
        assertThat(walk("/a/./b/../b//f", PathWalk.FOLLOW).path()).isEqualTo("/a/b/f");
        assertThat(walk("/../../a", 0).path()).isEqualTo("/a");
        assertThat(walk("rel/f", 0).path()).isEqualTo("/a/b/f");
        assertThat(walk("abs", PathWalk.FOLLOW).path()).isEqualTo("/a/b/f");
        assertThat(walk("abs", 0).attrs().isSymlink()).isTrue();
        assertThat(walk("/a/up/up/b", 0).path()).isEqualTo("/a/b");
        assertThat(walk("slash", PathWalk.FOLLOW).path()).isEqualTo("/a");
        assertThat(walk("/", 0).path()).isEqualTo("/");
    }

    @Test
    void errorsAsLinux() throws SyscallException {
        tree();
        errno(Errno.ENOENT, () -> walk("", 0));
        errno(Errno.ENOENT, () -> walk("/missing", 0));
        errno(Errno.ENOENT, () -> walk("dangling", PathWalk.FOLLOW));
        errno(Errno.ENOTDIR, () -> walk("/a/b/f/", 0));
        errno(Errno.ENOTDIR, () -> walk("/a/b/f/x", 0));
        errno(Errno.ENOTDIR, () -> walk("/abs/", 0));
        errno(Errno.ENOTDIR, () -> walk("/a/b/f", PathWalk.DIRECTORY));
        errno(Errno.ELOOP, () -> walk("loop1", PathWalk.FOLLOW));
        errno(Errno.ELOOP, () -> walk("loop1/x", 0));
        errno(Errno.ENAMETOOLONG, () -> walk("/" + "x".repeat(256), 0));
        assertThat(walk("loop1", 0).attrs().isSymlink()).isTrue();
    }

    @Test
    void fortySymlinksAreFollowedAndTheFortyFirstIsEloop() throws SyscallException {
        Vnode r = rootFs.root();
        r.create("target", 0644, 0, 0);
        r.symlink("l0", "target", 0, 0);
        for (int i = 1; i <= 40; i++) {
            r.symlink("l" + i, "l" + (i - 1), 0, 0);
        }
        assertThat(walk("l39", PathWalk.FOLLOW).path()).isEqualTo("/target");
        errno(Errno.ELOOP, () -> walk("l40", PathWalk.FOLLOW));
    }

    @Test
    void mountsAreCrossedBothWays() throws SyscallException {
        tree();
        RamFs other = new RamFs(frames, 1 << 20, "tmpfs", 01777, 0, 0);
        other.root().mkdir("inner", 0755, 0, 0);
        mounts.mount(walk("/a/b", 0), other, 0, "tmpfs");
        assertThat(walk("/a/b/inner", 0).node().fs()).isSameAs(other);
        errno(Errno.ENOENT, () -> walk("/a/b/f", 0));
        Location inner = walk("/a/b/inner", 0);
        assertThat(inner.path()).isEqualTo("/a/b/inner");
        assertThat(new PathWalk(ctx, 0, 0).resolve(inner, "../..", 0).path()).isEqualTo("/a");
        assertThat(walk("/a/b", 0).attrs().mode() & 07777).isEqualTo(01777);
        mounts.umount(walk("/a/b", 0));
        assertThat(walk("/a/b/f", 0).attrs().isRegular()).isTrue();
    }

    @Test
    void searchPermissionIsChecked() throws SyscallException {
        Vnode r = rootFs.root();
        Vnode secret = r.mkdir("secret", 0700, 0, 0);
        secret.create("f", 0644, 0, 0);
        PathWalk user = new PathWalk(ctx, 1000, 1000);
        errno(Errno.EACCES, () -> user.resolve(ctx.cwd(), "/secret/f", 0));
        assertThat(root.resolve(ctx.cwd(), "/secret/f", 0).path()).isEqualTo("/secret/f");
    }

    @Test
    void parentGivesTheDirectoryAndTheLastName() throws SyscallException {
        tree();
        PathWalk.Parent p = root.parent(ctx.cwd(), "rel/new/");
        assertThat(p.dir().path()).isEqualTo("/a/b");
        assertThat(p.name()).isEqualTo("new");
        assertThat(p.trailingSlash()).isTrue();
        assertThat(root.parent(ctx.cwd(), "/").name()).isEqualTo(".");
        errno(Errno.ENOTDIR, () -> root.parent(ctx.cwd(), "/a/b/f/x"));
        errno(Errno.ENAMETOOLONG, () -> root.parent(ctx.cwd(), "/a/" + "y".repeat(256)));
    }

    private Location from(String start, String path, int flags) throws SyscallException {
        return new PathWalk(ctx, 0, 0).resolve(walk(start, PathWalk.FOLLOW), path, flags);
    }

    @Test
    void beneathRefusesEverythingThatLeavesTheStart() throws SyscallException {
        tree();
        int f = PathWalk.BENEATH | PathWalk.FOLLOW;
        assertThat(from("/a", "b/f", f).path()).isEqualTo("/a/b/f");
        assertThat(from("/a", "b/../b/./f", f).path()).isEqualTo("/a/b/f");
        assertThat(from("/", "a/up/b", f).path()).isEqualTo("/a/b");
        errno(Errno.EXDEV, () -> from("/a", "up/b", f));
        errno(Errno.EXDEV, () -> from("/a", "/a/b", f));
        errno(Errno.EXDEV, () -> from("/a", "..", f));
        errno(Errno.EXDEV, () -> from("/a/b", "../..", f));
        errno(Errno.EXDEV, () -> from("/", "abs", f));
        assertThat(from("/", "abs", PathWalk.BENEATH).attrs().isSymlink()).isTrue();
        errno(Errno.EXDEV, () -> from("/", "..", PathWalk.BENEATH));
        errno(Errno.EXDEV, () -> new PathWalk(ctx, 0, 0).parent(walk("/a", 0), "../x", PathWalk.BENEATH));
    }

    @Test
    void inRootMakesTheStartTheRoot() throws SyscallException {
        tree();
        Vnode b = walk("/a/b", 0).node();
        b.symlink("toabs", "/f", 0, 0);
        int f = PathWalk.IN_ROOT | PathWalk.FOLLOW;
        assertThat(from("/a/b", "/f", f).path()).isEqualTo("/a/b/f");
        assertThat(from("/a/b", "../../../f", f).path()).isEqualTo("/a/b/f");
        assertThat(from("/a/b", "toabs", f).path()).isEqualTo("/a/b/f");
        errno(Errno.ENOENT, () -> from("/a", "/rel", f));
        assertThat(from("/", "abs", f).path()).isEqualTo("/a/b/f");
    }

    @Test
    void noSymlinksRefusesEveryLinkFollowed() throws SyscallException {
        tree();
        errno(Errno.ELOOP, () -> walk("rel/f", PathWalk.NO_SYMLINKS));
        errno(Errno.ELOOP, () -> walk("abs", PathWalk.NO_SYMLINKS | PathWalk.FOLLOW));
        assertThat(walk("abs", PathWalk.NO_SYMLINKS).attrs().isSymlink()).isTrue();
        assertThat(walk("/a/b/f", PathWalk.NO_SYMLINKS | PathWalk.FOLLOW).path()).isEqualTo("/a/b/f");
    }

    @Test
    void noXdevRefusesCrossingAMountEitherWay() throws SyscallException {
        tree();
        RamFs other = new RamFs(frames, 1 << 20, "tmpfs", 01777, 0, 0);
        other.root().mkdir("inner", 0755, 0, 0);
        other.root().symlink("out", "/a", 0, 0);
        mounts.mount(walk("/a/b", 0), other, 0, "tmpfs");
        Location inner = walk("/a/b/inner", 0);
        errno(Errno.EXDEV, () -> walk("/a/b/inner", PathWalk.NO_XDEV));
        errno(Errno.EXDEV, () -> new PathWalk(ctx, 0, 0).resolve(inner, "../..", PathWalk.NO_XDEV));
        errno(Errno.EXDEV, () -> new PathWalk(ctx, 0, 0).resolve(inner, "../out", PathWalk.NO_XDEV | PathWalk.FOLLOW));
        assertThat(new PathWalk(ctx, 0, 0).resolve(inner, "..", PathWalk.NO_XDEV).node().fs()).isSameAs(other);
        assertThat(new PathWalk(ctx, 0, 0).resolve(inner, "/a", PathWalk.NO_XDEV).path()).isEqualTo("/a");
        assertThat(walk("/a", PathWalk.NO_XDEV).path()).isEqualTo("/a");
    }

    @Test
    void createParentFollowsADanglingLinkWithinTheRestrictions() throws SyscallException {
        tree();
        rootFs.root().symlink("toabs", "/a/new", 0, 0);
        Location a = walk("/a", 0);
        PathWalk.Parent p = new PathWalk(ctx, 0, 0).createParent(ctx.cwd(), "dangling", PathWalk.FOLLOW);
        assertThat(p.dir().path()).isEqualTo("/");
        assertThat(p.name()).isEqualTo("nowhere");
        assertThat(new PathWalk(ctx, 0, 0).createParent(ctx.cwd(), "toabs", PathWalk.FOLLOW).dir().path()).isEqualTo("/a");
        assertThat(new PathWalk(ctx, 0, 0).createParent(ctx.cwd(), "dangling", 0).name()).isEqualTo("dangling");
        errno(Errno.EXDEV, () -> new PathWalk(ctx, 0, 0).createParent(ctx.cwd(), "toabs", PathWalk.FOLLOW | PathWalk.BENEATH));
        errno(Errno.ELOOP, () -> new PathWalk(ctx, 0, 0).createParent(ctx.cwd(), "dangling", PathWalk.FOLLOW | PathWalk.NO_SYMLINKS));
        errno(Errno.ELOOP, () -> new PathWalk(ctx, 0, 0).createParent(ctx.cwd(), "loop1", PathWalk.FOLLOW));
        assertThat(new PathWalk(ctx, 0, 0).createParent(a, "up", PathWalk.FOLLOW | PathWalk.IN_ROOT).name()).isEqualTo("a");
    }
}
