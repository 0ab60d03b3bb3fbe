/**
 * The {@code kvm} platform: guest code runs in a KVM virtual machine driven through
 * {@code java.lang.foreign} (no JNI, no C). The guest program runs at CPL 3 on the kernel's page
 * tables; a few dozen bytes of ring-0 code ({@link dev.jkraft.plat.kvm.Ring0}) turn {@code syscall}
 * and CPU exceptions into port writes, which leave the VM. Registers travel through
 * {@code KVM_CAP_SYNC_REGS}, so a system call costs one {@code KVM_RUN}. Depends on
 * {@code kernel.platform} and {@code kernel.mem}.
 */
package dev.jkraft.plat.kvm;
