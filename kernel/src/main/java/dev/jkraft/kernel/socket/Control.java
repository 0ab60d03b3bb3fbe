package dev.jkraft.kernel.socket;

import dev.jkraft.kernel.file.OpenFile;
import java.util.List;

/** Ancillary data carried with a message (a cmsghdr's payload) as Java objects. */
public sealed interface Control {
    /**
     * SCM_RIGHTS: open files in flight. The message holds one reference on each file (taken by the
     * sender's system call); whoever consumes or drops the message must {@link #release} it once.
     */
    record Rights(List<OpenFile> files) implements Control {
        public void release() {
            files.forEach(OpenFile::release);
        }
    }

    /** SCM_CREDENTIALS: the sender's pid, uid and gid. */
    record Credentials(Ucred cred) implements Control {}

    /** Releases the files every SCM_RIGHTS in {@code control} holds: a message that is dropped unread. */
    static void releaseAll(List<Control> control) {
        for (Control c : control) {
            if (c instanceof Rights r) {
                r.release();
            }
        }
    }
}
