package dev.jkraft.image;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Checks the names of tar entries: what a layer may say and how jkraft spells it. */
final class TarPaths {
    private TarPaths() {}

    /**
     * "usr/bin/ls" for "/usr/bin/ls", "./usr/bin/ls/" or "usr//bin/./ls"; "" for the root. Used
     * for paths jkraft is given, so a leading "/" is allowed; ".." is not.
     */
    static String normalize(String path) {
        List<String> parts = new ArrayList<>();
        for (String c : path.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                throw new ImageException("path \"" + path + "\" contains \"..\"");
            }
            parts.add(c);
        }
        return String.join("/", parts);
    }

    /**
     * The components of a tar entry name read from a layer or archive. Absolute names and ".."
     * are rejected: a layer must not reach outside the root file system it is applied to.
     */
    static List<String> components(String entryName, String what) {
        if (entryName.startsWith("/")) {
            throw new ImageException(what + " has an absolute entry \"" + entryName + "\"");
        }
        if (entryName.indexOf('\0') >= 0) {
            throw new ImageException(what + " has an entry with a NUL in its name: \"" + entryName + "\"");
        }
        List<String> parts = new ArrayList<>();
        for (String c : entryName.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                throw new ImageException(what + " has an entry that escapes with \"..\": \"" + entryName + "\"");
            }
            parts.add(c);
        }
        return parts;
    }

    /**
     * Whether an entry is a regular file with content. commons-compress's {@code isFile()} is also
     * true of symlinks, devices and fifos, so the type flag is read here.
     */
    static boolean isRegularFile(TarArchiveEntry e) {
        byte flag = e.getLinkFlag();
        return !e.isDirectory()
                && (flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM || flag == TarConstants.LF_CONTIG);
    }
}
