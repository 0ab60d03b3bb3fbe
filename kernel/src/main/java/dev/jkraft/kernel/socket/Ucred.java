package dev.jkraft.kernel.socket;

/** struct ucred: who created or sent something (SO_PEERCRED, SCM_CREDENTIALS). */
public record Ucred(int pid, int uid, int gid) {
    /** What Linux reports for a peer with no credentials: pid 0 and the overflow ids. */
    public static final Ucred NONE = new Ucred(0, 65534, 65534);
    /** What SO_PEERCRED reports for a socket whose peer has no credentials (cred_to_ucred without a cred: ids -1). */
    public static final Ucred NO_PEER = new Ucred(0, -1, -1);

    /** The 12-byte struct. */
    public byte[] toBytes() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(12).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        return b.putInt(pid).putInt(uid).putInt(gid).array();
    }
}
