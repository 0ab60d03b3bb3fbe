package dev.jkraft.cli;

import dev.jkraft.image.Image;
import dev.jkraft.image.ImageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The image store's commands: {@code images} lists what {@code jkraft build} made, {@code rmi} forgets images. */
final class ImageCommands {
    private ImageCommands() {}

    @Command(name = "images", description = "Lists the images jkraft build made (the image store).")
    static final class Images implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;

        @Option(names = {"-q", "--quiet"}, description = "Show only references.")
        boolean quiet;

        private final Map<String, String> hostEnv;

        Images(Map<String, String> hostEnv) {
            this.hostEnv = hostEnv;
        }

        @Override
        public Integer call() {
            ImageStore store = ImageStore.of(hostEnv);
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"IMAGE", "ID", "LAYERS", "SIZE"});
            for (String ref : store.refs()) {
                if (quiet) {
                    spec.commandLine().getOut().println(ref);
                    continue;
                }
                try {
                    Image image = store.find(ref).orElseThrow();
                    long size = image.layers().stream().mapToLong(l -> l.descriptor().size()).sum();
                    rows.add(new String[] {ref, image.configDigest().shortHex(), Integer.toString(image.layers().size()),
                        BuildCommand.megabytes(size) + " MB"});
                } catch (ImageException e) {
                    rows.add(new String[] {ref, "-", "-", "damaged: " + e.getMessage()});
                }
            }
            if (!quiet) {
                Table.print(spec.commandLine().getOut(), rows);
            }
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "rmi", description = "Removes images from the image store (their blobs stay: nothing collects them yet; "
            + "unpacked root file systems stay in the cache).")
    static final class Rmi implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;

        @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "NAME or NAME:TAG.")
        List<String> refs;

        private final Map<String, String> hostEnv;

        Rmi(Map<String, String> hostEnv) {
            this.hostEnv = hostEnv;
        }

        @Override
        public Integer call() {
            int status = 0;
            ImageStore store = ImageStore.of(hostEnv);
            for (String r : refs) {
                String ref = BuildCommand.reference(r);
                if (store.find(ref).isPresent() && store.layout().removeImage(ref)) {
                    spec.commandLine().getOut().println(ref);
                } else {
                    spec.commandLine().getErr().println("jkraft: no image " + ref);
                    status = ExitException.NOT_FOUND;
                }
            }
            spec.commandLine().getOut().flush();
            return status;
        }
    }
}
