package dev.jkraft.kernel.process;

import dev.jkraft.kernel.abi.Capabilities;
import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Subject;
import java.util.Arrays;
import java.util.List;

/**
 * What Linux keeps in a {@code struct cred}: real, effective, saved and filesystem user and group
 * ids, the supplementary groups, and the capability sets as 64-bit masks (bit n is capability n of
 * {@link Capabilities}). Immutable: the set*id and capset rules ({@code kernel/sys.c},
 * {@code security/commoncap.c}) return a new one, so a forked child can share its parent's as is.
 * There is no user namespace: ids are the host's, as in a container without one.
 *
 * @param groups the supplementary groups, sorted as set_groups keeps them
 */
public record Credentials(int uid, int euid, int suid, int fsuid, int gid, int egid, int sgid, int fsgid,
        List<Integer> groups, long effective, long permitted, long inheritable, long bounding, long ambient)
        implements Subject {

    /** "Leave this id alone" in setre*id and setres*id, and the id make_kuid cannot map. */
    public static final int UNCHANGED = -1;

    public Credentials {
        groups = List.copyOf(groups);
    }

    /** As {@link #atExec} with no supplementary groups: saved and filesystem ids follow the effective ones. */
    public Credentials(int uid, int euid, int gid, int egid) {
        this(uid, euid, euid, euid, gid, egid, egid, egid, List.of(), euid == 0 ? Capabilities.ALL : 0,
                uid == 0 || euid == 0 ? Capabilities.ALL : 0, 0, Capabilities.ALL, 0);
    }

    /**
     * The capabilities exec gives a program without file capabilities (cap_bprm_creds_from_file):
     * a real or effective uid 0 gets the bounding set as permitted, and as effective too when the
     * effective uid is 0; anyone else gets none.
     */
    public static Credentials atExec(int uid, int euid, int gid, int egid, List<Integer> groups) {
        Credentials c = new Credentials(uid, euid, gid, egid);
        return new Credentials(uid, euid, euid, euid, gid, egid, egid, egid, sorted(groups), c.effective,
                c.permitted, 0, Capabilities.ALL, 0);
    }

    /** A process that is {@code uid}:{@code gid} in every id, with no supplementary groups (--user). */
    public static Credentials user(int uid, int gid) {
        return atExec(uid, uid, gid, gid, List.of());
    }

    @Override
    public boolean capable(int cap) {
        return (effective & Capabilities.bit(cap)) != 0;
    }

    @Override
    public boolean inGroup(int g) {
        return g == fsgid || groups.contains(g);
    }

    // --- user ids (kernel/sys.c), each followed by cap_task_fix_setuid ---

    /** setuid(2): with CAP_SETUID every id; without, the effective and fs ids to the real or saved one. */
    public Credentials setuid(int id, boolean keepCaps) throws SyscallException {
        if (id == UNCHANGED) {
            throw new SyscallException(Errno.EINVAL);
        }
        int r = uid;
        int s = suid;
        if (capable(Capabilities.CAP_SETUID)) {
            r = id;
            s = id;
        } else if (id != uid && id != suid) {
            throw new SyscallException(Errno.EPERM);
        }
        return withUids(r, id, s, id).fixSetuid(this, keepCaps);
    }

    /** setreuid(2): -1 leaves an id; the saved id follows the effective one when the real one is set or the effective one moves off it. */
    public Credentials setreuid(int r, int e, boolean keepCaps) throws SyscallException {
        boolean may = capable(Capabilities.CAP_SETUID);
        int nr = uid;
        int ne = euid;
        if (r != UNCHANGED) {
            if (r != uid && r != euid && !may) {
                throw new SyscallException(Errno.EPERM);
            }
            nr = r;
        }
        if (e != UNCHANGED) {
            if (e != uid && e != euid && e != suid && !may) {
                throw new SyscallException(Errno.EPERM);
            }
            ne = e;
        }
        int ns = suid;
        if (r != UNCHANGED || (e != UNCHANGED && e != uid)) {
            ns = ne;
        }
        return withUids(nr, ne, ns, ne).fixSetuid(this, keepCaps);
    }

    /** setresuid(2): without CAP_SETUID each new id must be one of the current real, effective or saved ids. */
    public Credentials setresuid(int r, int e, int s, boolean keepCaps) throws SyscallException {
        if ((r == UNCHANGED || r == uid) && (e == UNCHANGED || (e == euid && e == fsuid))
                && (s == UNCHANGED || s == suid)) {
            return this;
        }
        if ((isNew(r, uid, euid, suid) || isNew(e, uid, euid, suid) || isNew(s, uid, euid, suid))
                && !capable(Capabilities.CAP_SETUID)) {
            throw new SyscallException(Errno.EPERM);
        }
        int ne = e == UNCHANGED ? euid : e;
        return withUids(r == UNCHANGED ? uid : r, ne, s == UNCHANGED ? suid : s, ne).fixSetuid(this, keepCaps);
    }

    /**
     * setfsuid(2): the new credentials, or these when the change is not allowed (the call never
     * fails; it returns the old fsuid either way).
     */
    public Credentials setfsuid(int id) {
        if (id == UNCHANGED || id == fsuid) {
            return this;
        }
        if (id != uid && id != euid && id != suid && !capable(Capabilities.CAP_SETUID)) {
            return this;
        }
        Credentials n = withUids(uid, euid, suid, id);
        // cap_task_fix_setuid, LSM_SETID_FS: the file capabilities follow fsuid 0.
        long eff = n.effective;
        if (fsuid == 0 && id != 0) {
            eff &= ~Capabilities.FS_SET;
        } else if (fsuid != 0 && id == 0) {
            eff |= permitted & Capabilities.FS_SET;
        }
        return n.withCaps(eff, n.permitted, n.inheritable, n.ambient);
    }

    // --- group ids: no capability changes ---

    /** setgid(2): with CAP_SETGID every id; without, the effective and fs ids to the real or saved one. */
    public Credentials setgid(int id) throws SyscallException {
        if (id == UNCHANGED) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (capable(Capabilities.CAP_SETGID)) {
            return withGids(id, id, id, id);
        }
        if (id != gid && id != sgid) {
            throw new SyscallException(Errno.EPERM);
        }
        return withGids(gid, id, sgid, id);
    }

    public Credentials setregid(int r, int e) throws SyscallException {
        boolean may = capable(Capabilities.CAP_SETGID);
        int nr = gid;
        int ne = egid;
        if (r != UNCHANGED) {
            if (r != gid && r != egid && !may) {
                throw new SyscallException(Errno.EPERM);
            }
            nr = r;
        }
        if (e != UNCHANGED) {
            if (e != gid && e != egid && e != sgid && !may) {
                throw new SyscallException(Errno.EPERM);
            }
            ne = e;
        }
        int ns = sgid;
        if (r != UNCHANGED || (e != UNCHANGED && e != gid)) {
            ns = ne;
        }
        return withGids(nr, ne, ns, ne);
    }

    public Credentials setresgid(int r, int e, int s) throws SyscallException {
        if ((r == UNCHANGED || r == gid) && (e == UNCHANGED || (e == egid && e == fsgid))
                && (s == UNCHANGED || s == sgid)) {
            return this;
        }
        if ((isNew(r, gid, egid, sgid) || isNew(e, gid, egid, sgid) || isNew(s, gid, egid, sgid))
                && !capable(Capabilities.CAP_SETGID)) {
            throw new SyscallException(Errno.EPERM);
        }
        int ne = e == UNCHANGED ? egid : e;
        return withGids(r == UNCHANGED ? gid : r, ne, s == UNCHANGED ? sgid : s, ne);
    }

    /** setfsgid(2): as {@link #setfsuid} with CAP_SETGID. */
    public Credentials setfsgid(int id) {
        if (id == UNCHANGED || id == fsgid) {
            return this;
        }
        if (id != gid && id != egid && id != sgid && !capable(Capabilities.CAP_SETGID)) {
            return this;
        }
        return withGids(gid, egid, sgid, id);
    }

    /** setgroups(2): EPERM without CAP_SETGID; -1 is no group (EINVAL); kept sorted as Linux does. */
    public Credentials setgroups(int[] list) throws SyscallException {
        if (!capable(Capabilities.CAP_SETGID)) {
            throw new SyscallException(Errno.EPERM);
        }
        for (int g : list) {
            if (g == UNCHANGED) {
                throw new SyscallException(Errno.EINVAL);
            }
        }
        return new Credentials(uid, euid, suid, fsuid, gid, egid, sgid, fsgid,
                sorted(Arrays.stream(list).boxed().toList()), effective, permitted, inheritable, bounding, ambient);
    }

    /**
     * capset(2) on oneself (cap_capset): inheritable within old inheritable|permitted unless
     * CAP_SETPCAP, and within old inheritable|bounding; permitted within the old permitted;
     * effective within the new permitted.
     */
    public Credentials capset(long eff, long perm, long inh) throws SyscallException {
        eff &= Capabilities.ALL;
        perm &= Capabilities.ALL;
        inh &= Capabilities.ALL;
        if (!capable(Capabilities.CAP_SETPCAP) && !subset(inh, inheritable | permitted)) {
            throw new SyscallException(Errno.EPERM);
        }
        if (!subset(inh, inheritable | bounding) || !subset(perm, permitted) || !subset(eff, perm)) {
            throw new SyscallException(Errno.EPERM);
        }
        return withCaps(eff, perm, inh, ambient & perm & inh);
    }

    /** The credentials faccessat checks with (without AT_EACCESS): the real ids, and root's powers only for a real root. */
    public Credentials forAccess() {
        // access_override_creds: fsuid/fsgid from the real ids; effective = permitted for a real root, else none.
        long eff = uid == 0 ? permitted : 0;
        return new Credentials(uid, euid, suid, uid, gid, egid, sgid, gid, groups, eff, permitted, inheritable,
                bounding, ambient);
    }

    /**
     * cap_emulate_setxuid: dropping every 0 among the real, effective and saved uids clears the
     * permitted and effective sets (unless PR_SET_KEEPCAPS) and the ambient one; the effective
     * uid leaving 0 clears the effective set, coming to 0 restores it from the permitted one.
     */
    private Credentials fixSetuid(Credentials old, boolean keepCaps) {
        long eff = effective;
        long perm = permitted;
        long amb = ambient;
        if ((old.uid == 0 || old.euid == 0 || old.suid == 0) && uid != 0 && euid != 0 && suid != 0) {
            if (!keepCaps) {
                perm = 0;
                eff = 0;
            }
            amb = 0;
        }
        if (old.euid == 0 && euid != 0) {
            eff = 0;
        }
        if (old.euid != 0 && euid == 0) {
            eff = perm;
        }
        return withCaps(eff, perm, inheritable, amb);
    }

    private Credentials withUids(int r, int e, int s, int fs) {
        return new Credentials(r, e, s, fs, gid, egid, sgid, fsgid, groups, effective, permitted, inheritable,
                bounding, ambient);
    }

    private Credentials withGids(int r, int e, int s, int fs) {
        return new Credentials(uid, euid, suid, fsuid, r, e, s, fs, groups, effective, permitted, inheritable,
                bounding, ambient);
    }

    private Credentials withCaps(long eff, long perm, long inh, long amb) {
        return new Credentials(uid, euid, suid, fsuid, gid, egid, sgid, fsgid, groups, eff, perm, inh, bounding, amb);
    }

    private static boolean isNew(int id, int r, int e, int s) {
        return id != UNCHANGED && id != r && id != e && id != s;
    }

    private static boolean subset(long a, long b) {
        return (a & ~b) == 0;
    }

    /** groups_sort: by the unsigned gid. */
    private static List<Integer> sorted(List<Integer> groups) {
        return groups.stream().sorted(Integer::compareUnsigned).toList();
    }
}
