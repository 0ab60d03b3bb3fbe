package dev.jkraft.kernel.syscall;

import java.util.List;

/** A system call's number, name, arguments and return value, as a trace prints them. */
public record SyscallSignature(int number, String name, List<SyscallArg> args, ReturnKind returns) {
    public SyscallSignature {
        args = List.copyOf(args);
        if (args.size() > SyscallCatalog.MAX_ARGS) {
            throw new IllegalArgumentException(name + " has more than " + SyscallCatalog.MAX_ARGS + " arguments");
        }
        for (int i = 0; i < args.size(); i++) {
            int ref = args.get(i).ref();
            if (ref != SyscallArg.NO_REF && (ref < 0 || ref >= args.size() || ref == i)) {
                throw new IllegalArgumentException(name + ": argument " + i + " refers to argument " + ref);
            }
        }
    }

    /** The kind of argument {@code i}. */
    public ArgKind kind(int i) {
        return args.get(i).kind();
    }
}
