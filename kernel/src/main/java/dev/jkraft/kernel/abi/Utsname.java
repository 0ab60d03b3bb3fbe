package dev.jkraft.kernel.abi;

/** Layout of {@code struct new_utsname} (linux/utsname.h): six NUL-terminated fields. */
public final class Utsname {
    private Utsname() {}

    public static final int FIELD_LENGTH = 65;
    public static final int SYSNAME_OFFSET = 0;
    public static final int NODENAME_OFFSET = FIELD_LENGTH;
    public static final int RELEASE_OFFSET = 2 * FIELD_LENGTH;
    public static final int VERSION_OFFSET = 3 * FIELD_LENGTH;
    public static final int MACHINE_OFFSET = 4 * FIELD_LENGTH;
    public static final int DOMAINNAME_OFFSET = 5 * FIELD_LENGTH;
    public static final int SIZE = 6 * FIELD_LENGTH;
}
