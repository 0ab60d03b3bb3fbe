package dev.jkraft.kernel.socket;

import dev.jkraft.kernel.file.OpenFile;
import java.util.List;

/** Ancillary data carried with a message (a cmsghdr's payload) as Java objects. */
public sealed interface Control {
    /**
     * SCM_RIGHTS: open files in flight. The message holds one reference on each file (taken by the
     * sender's system call); whoever consumes or drops the message must {@link #release} it once.
     */
    record Rights(List<OpenFile> files, java.util.concurrent.atomic.AtomicLong inFlight) implements Control {
        /** Counts the files in flight on {@code inFlight} (the sending process's, for ETOOMANYREFS). */
        public Rights {
            files = List.copyOf(files);
            inFlight.addAndGet(files.size());
        }

        /** The message is dropped: its references go, and the files are no longer in flight. */
        public void release() {
            files.forEach(OpenFile::release);
            handedOver();
        }

        /** Each file's reference went on by itself (installed or closed by a receive): no longer in flight. */
        public void handedOver() {
            inFlight.addAndGet(-files.size());
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
