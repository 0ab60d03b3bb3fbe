package dev.jkraft.kernel.vfs;

/**
 * Who asks for access to a file, as generic_permission sees a cred: the filesystem ids, the
 * supplementary groups and the effective capabilities. {@code process.Credentials} is one.
 */
public interface Subject {
    int fsuid();

    int fsgid();

    /** in_group_p: {@code gid} is the fsgid or one of the supplementary groups. */
    boolean inGroup(int gid);

    /** The capability {@code cap} (abi.Capabilities) is in the effective set. */
    boolean capable(int cap);

    /** A subject with ids only, root holding every capability (for the kernel's own walks and old callers). */
    static Subject of(int uid, int gid) {
        return new Subject() {
            @Override
            public int fsuid() {
                return uid;
            }

            @Override
            public int fsgid() {
                return gid;
            }

            @Override
            public boolean inGroup(int g) {
                return g == gid;
            }

            @Override
            public boolean capable(int cap) {
                return uid == 0;
            }
        };
    }
}
