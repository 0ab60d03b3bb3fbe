package dev.jkraft.kernel.vfs;

import dev.jkraft.kernel.syscall.SyscallException;

/** Makes a file system of one type from mount's options ("size=64m,mode=1777"). */
@FunctionalInterface
public interface FileSystemFactory {
    FileSystem make(String options) throws SyscallException;
}
