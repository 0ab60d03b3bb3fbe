package dev.jkraft.kernel.boot;

import dev.jkraft.kernel.abi.Auxv;
import dev.jkraft.kernel.abi.Mman;
import dev.jkraft.kernel.elf.ElfImage;
import dev.jkraft.kernel.elf.ElfLoader;
import dev.jkraft.kernel.elf.InitialStack;
import dev.jkraft.kernel.elf.StackImage;
import dev.jkraft.kernel.mem.FrameAllocator;
import dev.jkraft.kernel.mem.OutOfFramesException;
import dev.jkraft.kernel.process.Credentials;
import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.syscall.linux.SysRandom;
import dev.jkraft.kernel.vdso.VdsoImage;
import dev.jkraft.kernel.vmem.AddressSpace;
import dev.jkraft.kernel.vmem.Vma;
import java.lang.foreign.MemorySegment;

/**
 * Builds a new address space around a program, as Linux's load_elf_binary: the layout (ASLR),
 * the image and its interpreter, [vvar] and [vdso], the stack with its guard gaps and the initial
 * stack contents (arguments, environment, auxiliary vector). Used for the first process and for
 * every execve.
 */
final class ProgramLoader {
    /** What Linux's setup_arg_pages maps below the arguments for the stack to start with. */
    private static final long STACK_EXPAND = 128L << 10;
    private static final int CLOCK_TICKS = 100;

    private final Libraries libs;
    private final FrameAllocator frames;
    private final long hwcap;
    /** The kernel's [vvar] and [vdso] frames, mapped into every space; 0 without a vDSO. */
    private final long vvarFrame;
    private final long vdsoFrame;

    ProgramLoader(Libraries libs, FrameAllocator frames, long hwcap, long vvarFrame, long vdsoFrame) {
        this.libs = libs;
        this.frames = frames;
        this.hwcap = hwcap;
        this.vvarFrame = vvarFrame;
        this.vdsoFrame = vdsoFrame;
    }

    /** Allocates the vDSO's two frames and copies the image in: {vvar, vdso}. */
    static long[] vdsoFrames(FrameAllocator frames, String release) throws OutOfFramesException {
        long vvarPa = frames.allocate();
        long vdsoPa = frames.allocate();
        MemorySegment.copy(MemorySegment.ofArray(VdsoImage.forRelease(release).bytes()), 0, frames.ram(), vdsoPa,
                VdsoImage.SIZE);
        return new long[] {vvarPa, vdsoPa};
    }

    /**
     * A new address space with {@code program} (and its interpreter) loaded and the initial stack
     * built. On failure nothing is left allocated.
     */
    Process.NewImage load(Process.Program program, long stackSize) throws SyscallException, OutOfFramesException {
        AddressSpace space = new AddressSpace(frames, libs.faultAroundPages.get());
        try {
            return build(space, program, stackSize);
        } catch (SyscallException | OutOfFramesException | RuntimeException e) {
            space.destroy();
            throw e;
        }
    }

    private Process.NewImage build(AddressSpace space, Process.Program program, long stackSize)
            throws SyscallException, OutOfFramesException {
        ElfImage image = program.image();
        ElfImage interpreter = program.interpreter();
        long guardBelow = libs.stackGuardBottom.get() * AddressSpace.PAGE;
        Layout layout = Layout.of(libs.aslr.get(), stackSize, guardBelow, SysRandom.generator()::nextLong);
        space.setMmapBase(layout.mmapBase());
        String programName = program.path();
        long bias = 0;
        if (image.type() == ElfImage.Type.DYN) {
            // Linux's load_elf_binary: a PIE with an interpreter goes to ELF_ET_DYN_BASE; a
            // static PIE goes where mmap would put it, top-down, like an interpreter.
            bias = interpreter != null ? layout.pieBase() - (image.minVaddr() & -AddressSpace.PAGE)
                    : placeTopDown(space, image, programName);
        }
        ElfLoader.Loaded loaded = ElfLoader.load(image, space, bias, programName, program.device(), program.inode());
        // Linux 5.18+ gives a static PIE its brk at ELF_ET_DYN_BASE, clear of the image.
        long brk = image.type() == ElfImage.Type.DYN && interpreter == null ? Layout.ELF_ET_DYN_BASE : loaded.end();
        space.setBrkStart(brk + layout.brkShift());
        long interpBias = 0;
        long entry = image.entry() + bias;
        if (interpreter != null) {
            interpBias = placeTopDown(space, interpreter, program.interpreterPath());
            ElfLoader.load(interpreter, space, interpBias, program.interpreterPath(), program.interpreterDevice(),
                    program.interpreterInode());
            entry = interpreter.entry() + interpBias;
        }
        long vdsoBase = 0;
        if (vdsoFrame != 0) {
            // Linux's arch_setup_additional_pages: [vvar] then [vdso], top-down after the interpreter.
            long at = space.findTopDown((VdsoImage.VVAR_PAGES + 1) * AddressSpace.PAGE);
            space.mapFrames(at, new long[] {vvarFrame}, Mman.PROT_READ, "[vvar]");
            vdsoBase = at + AddressSpace.PAGE * VdsoImage.VVAR_PAGES;
            space.mapFrames(vdsoBase, new long[] {vdsoFrame}, Mman.PROT_READ | Mman.PROT_EXEC, "[vdso]");
        }
        if (libs.vsyscall.get()) {
            space.setGateLine(Vsyscall.MAPS_LINE);
        }
        long stackTop = layout.stackTop();
        space.map(stackTop - stackSize, stackSize, Mman.PROT_READ | Mman.PROT_WRITE, true, false, Vma.Kind.STACK,
                "[stack]");
        space.reserveGuard(stackTop - stackSize - guardBelow, stackTop - stackSize, "stack guard gap");
        space.reserveGuard(stackTop,
                Math.min(AddressSpace.TASK_SIZE, stackTop + libs.stackGuardTop.get() * AddressSpace.PAGE),
                "stack guard page above the stack");
        Credentials creds = program.credentials();
        byte[] random = new byte[16];
        SysRandom.generator().nextBytes(random);
        InitialStack.Builder stack = InitialStack.builder()
                .stackTop(stackTop)
                .alignShift(layout.alignShift())
                .argv(program.argv())
                .envp(program.envp())
                .execfn(program.execfn())
                .platform("x86_64")
                .random(random);
        if (vdsoBase != 0) {
            stack.aux(Auxv.AT_SYSINFO_EHDR, vdsoBase);
        }
        stack.aux(Auxv.AT_HWCAP, hwcap)
                .aux(Auxv.AT_PAGESZ, AddressSpace.PAGE)
                .aux(Auxv.AT_CLKTCK, CLOCK_TICKS)
                .aux(Auxv.AT_PHDR, image.phdrVaddr() + bias)
                .aux(Auxv.AT_PHENT, image.phentsize())
                .aux(Auxv.AT_PHNUM, image.phnum())
                .aux(Auxv.AT_BASE, interpreter != null ? interpBias + interpreter.minVaddr() : 0)
                .aux(Auxv.AT_FLAGS, 0)
                .aux(Auxv.AT_ENTRY, image.entry() + bias)
                .aux(Auxv.AT_UID, Integer.toUnsignedLong(creds.uid()))
                .aux(Auxv.AT_EUID, Integer.toUnsignedLong(creds.euid()))
                .aux(Auxv.AT_GID, Integer.toUnsignedLong(creds.gid()))
                .aux(Auxv.AT_EGID, Integer.toUnsignedLong(creds.egid()))
                .aux(Auxv.AT_SECURE, 0)
                .aux(Auxv.AT_RANDOM, 0)
                .aux(Auxv.AT_HWCAP2, 0)
                .aux(Auxv.AT_EXECFN, 0)
                .aux(Auxv.AT_PLATFORM, 0);
        StackImage si = stack.build();
        space.poke(si.base(), si.bytes(), 0, si.bytes().length);
        // As setup_arg_pages: the stack area starts 128 KiB below the arguments and grows on
        // demand down to RLIMIT_STACK below its top.
        long initialStart = Math.max(stackTop - stackSize, (si.base() & -AddressSpace.PAGE) - STACK_EXPAND);
        if (initialStart > stackTop - stackSize) {
            space.unmap(stackTop - stackSize, initialStart - (stackTop - stackSize));
        }
        space.setStackLimit(stackTop, stackSize, guardBelow);
        return new Process.NewImage(space, entry, si.sp());
    }

    /** A load bias that puts the image where a top-down mmap of its span would go. */
    private static long placeTopDown(AddressSpace space, ElfImage image, String name) throws SyscallException {
        long span = image.maxVaddr() - image.minVaddr();
        long at = space.map(0, span, Mman.PROT_NONE, false, false, Vma.Kind.IMAGE, name);
        space.unmap(at, span);
        return at - image.minVaddr();
    }
}
