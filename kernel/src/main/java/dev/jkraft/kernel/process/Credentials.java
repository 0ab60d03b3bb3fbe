package dev.jkraft.kernel.process;

/** User and group ids; jkraft reports the host process's own ids, as a container without a user namespace does. */
public record Credentials(int uid, int euid, int gid, int egid) {}
