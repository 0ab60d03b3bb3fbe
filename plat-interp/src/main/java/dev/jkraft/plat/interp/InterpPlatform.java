package dev.jkraft.plat.interp;

import dev.jkraft.kernel.platform.Availability;
import dev.jkraft.kernel.platform.Machine;
import dev.jkraft.kernel.platform.MachineSpec;
import dev.jkraft.kernel.platform.Platform;

/** The portable platform: x86-64 user code interpreted in Java, wherever a JVM runs. */
public final class InterpPlatform implements Platform {
    @Override
    public String name() {
        return "interp";
    }

    @Override
    public Availability probe() {
        return Availability.yes();
    }

    @Override
    public Machine boot(MachineSpec spec) {
        return new InterpMachine(spec);
    }
}
