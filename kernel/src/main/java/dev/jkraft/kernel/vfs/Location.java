package dev.jkraft.kernel.vfs;

/**
 * A place in the guest's namespace (Linux's struct path with its dentry chain): a node, the mount
 * it was reached in, and how it was reached — the parent location and the name there. The root of
 * a mounted file system has its mount point's parent and name, so ".." and getcwd cross mounts
 * without asking the file system. The root of the namespace has no parent.
 */
public record Location(Mount mount, Vnode node, Location parent, String name) {

    /** The guest path, "/" for the root. */
    public String path() {
        if (parent == null) {
            return "/";
        }
        StringBuilder sb = new StringBuilder();
        for (Location l = this; l.parent != null; l = l.parent) {
            sb.insert(0, l.name).insert(0, '/');
        }
        return sb.toString();
    }

    /** The same node in the same mount. */
    public boolean sameAs(Location other) {
        return other != null && other.mount == mount && other.node.sameNode(node);
    }

    public Attrs attrs() throws dev.jkraft.kernel.syscall.SyscallException {
        return node.fs().attrs(node);
    }

    /** A child reached by {@code childName}. */
    public Location child(Vnode childNode, String childName) {
        return new Location(mount, childNode, this, childName);
    }
}
