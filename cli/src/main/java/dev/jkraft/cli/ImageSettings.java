package dev.jkraft.cli;

import dev.jkraft.image.ImageConfig;
import dev.jkraft.kernel.socket.inet.PortMapping;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * How a Kraftfile's settings travel in an image's OCI config: the program as {@code Entrypoint}
 * (its arguments as {@code Cmd}, which {@code jkraft run IMAGE ARGS} replaces, as docker does),
 * {@code Env}, {@code WorkingDir}, guest ports as {@code ExposedPorts}, and what OCI has no field
 * for as {@code dev.jkraft.*} labels: memory, cpus, platform, options (a JSON object), ports to
 * publish and volumes (JSON arrays).
 */
record ImageSettings(List<String> entrypoint, List<String> cmd, Map<String, String> env, String workdir,
        String memory, Integer cpus, String platform, Map<String, String> options, List<String> publish,
        List<String> volumes) {

    static final String MEMORY = "dev.jkraft.memory";
    static final String CPUS = "dev.jkraft.cpus";
    static final String PLATFORM = "dev.jkraft.platform";
    static final String OPTIONS = "dev.jkraft.options";
    static final String PUBLISH = "dev.jkraft.publish";
    static final String VOLUMES = "dev.jkraft.volumes";
    static final String TITLE = "org.opencontainers.image.title";

    /** The settings of an image built from {@code kf}, whose program is at guest path {@code program}. */
    static ImageSettings of(Kraftfile kf, String program) {
        return new ImageSettings(List.of(program), kf.cmd().subList(1, kf.cmd().size()), kf.env(), kf.workdir(),
                kf.memory(), kf.cpus(), kf.platform(), kf.options(), kf.ports(), kf.volumes());
    }

    ImageConfig toConfig(String title) {
        List<String> envList = new ArrayList<>();
        env.forEach((k, v) -> envList.add(k + "=" + v));
        List<String> exposed = new ArrayList<>();
        for (String p : publish) {
            PortMapping m = PortMapping.parse(p);
            String port = m.guestPort() + (m.udp() ? "/udp" : "/tcp");
            if (!exposed.contains(port)) {
                exposed.add(port);
            }
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(TITLE, title);
        if (memory != null) {
            labels.put(MEMORY, memory);
        }
        if (cpus != null) {
            labels.put(CPUS, cpus.toString());
        }
        if (platform != null) {
            labels.put(PLATFORM, platform);
        }
        if (!options.isEmpty()) {
            ObjectNode o = Instance.JSON.createObjectNode();
            options.forEach(o::put);
            labels.put(OPTIONS, o.toString());
        }
        if (!publish.isEmpty()) {
            labels.put(PUBLISH, array(publish));
        }
        if (!volumes.isEmpty()) {
            labels.put(VOLUMES, array(volumes));
        }
        return new ImageConfig(entrypoint, cmd, envList, workdir, exposed, labels);
    }

    /** An image's settings; images from elsewhere (docker save) simply lack the labels. */
    static ImageSettings of(ImageConfig c) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String kv : c.env()) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                env.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        Map<String, String> labels = c.labels();
        Map<String, String> options = new LinkedHashMap<>();
        JsonNode o = json(labels.get(OPTIONS), OPTIONS);
        if (o != null) {
            o.properties().forEach(e -> options.put(e.getKey(), e.getValue().asString()));
        }
        Integer cpus = null;
        if (labels.containsKey(CPUS)) {
            try {
                cpus = Integer.valueOf(labels.get(CPUS));
            } catch (NumberFormatException e) {
                throw new ExitException(ExitException.JKRAFT_FAILED, "the image's label " + CPUS + " is not a number");
            }
        }
        return new ImageSettings(c.entrypoint(), c.cmd(), env, c.workingDir(), labels.get(MEMORY), cpus,
                labels.get(PLATFORM), options, strings(labels.get(PUBLISH), PUBLISH), strings(labels.get(VOLUMES), VOLUMES));
    }

    private static String array(List<String> items) {
        ArrayNode a = Instance.JSON.createArrayNode();
        items.forEach(a::add);
        return a.toString();
    }

    private static List<String> strings(String text, String label) {
        List<String> out = new ArrayList<>();
        JsonNode a = json(text, label);
        if (a != null) {
            a.forEach(e -> out.add(e.asString()));
        }
        return out;
    }

    private static JsonNode json(String text, String label) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return Instance.JSON.readTree(text);
        } catch (tools.jackson.core.JacksonException e) {
            throw new ExitException(ExitException.JKRAFT_FAILED, "the image's label " + label + " is not valid JSON");
        }
    }
}
