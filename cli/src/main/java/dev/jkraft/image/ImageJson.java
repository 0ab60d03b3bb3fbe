package dev.jkraft.image;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON documents of an image (config, manifest, descriptor) to and from Jackson trees, with
 * errors that name the document and the field that is wrong.
 */
final class ImageJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private ImageJson() {}

    static JsonNode parse(byte[] json, String what) {
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null || !node.isObject() && !node.isArray()) {
                throw new ImageException(what + " is not a JSON object");
            }
            return node;
        } catch (JacksonException e) {
            throw new ImageException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    static byte[] bytes(JsonNode node) {
        return MAPPER.writeValueAsBytes(node);
    }

    /** An OCI image config for amd64 Linux with the given run settings and layers. */
    static ObjectNode config(ImageConfig c, List<Digest> diffIds, Instant created) {
        ObjectNode root = MAPPER.createObjectNode();
        if (created != null) {
            root.put("created", created.toString());
        }
        root.put("architecture", "amd64");
        root.put("os", "linux");
        ObjectNode cfg = root.putObject("config");
        if (!c.entrypoint().isEmpty()) {
            strings(cfg.putArray("Entrypoint"), c.entrypoint());
        }
        if (!c.cmd().isEmpty()) {
            strings(cfg.putArray("Cmd"), c.cmd());
        }
        if (!c.env().isEmpty()) {
            strings(cfg.putArray("Env"), c.env());
        }
        if (c.workingDir() != null && !c.workingDir().isEmpty()) {
            cfg.put("WorkingDir", c.workingDir());
        }
        if (!c.exposedPorts().isEmpty()) {
            ObjectNode ports = cfg.putObject("ExposedPorts");
            c.exposedPorts().forEach(p -> ports.putObject(p));
        }
        if (!c.labels().isEmpty()) {
            ObjectNode labels = cfg.putObject("Labels");
            c.labels().forEach(labels::put);
        }
        ObjectNode rootfs = root.putObject("rootfs");
        rootfs.put("type", "layers");
        strings(rootfs.putArray("diff_ids"), diffIds.stream().map(Digest::toString).toList());
        ArrayNode history = root.putArray("history");
        ObjectNode h = history.addObject();
        if (created != null) {
            h.put("created", created.toString());
        }
        h.put("created_by", "jkraft build");
        return root;
    }

    /** The run settings of an OCI or Docker image config ({@code config.Entrypoint} ...). */
    static ImageConfig runConfig(JsonNode root, String what) {
        JsonNode cfg = root.path("config");
        if (!cfg.isObject() && !cfg.isMissingNode() && !cfg.isNull()) {
            throw new ImageException(what + ": \"config\" is not an object");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        JsonNode l = cfg.path("Labels");
        if (l.isObject()) {
            for (Map.Entry<String, JsonNode> e : l.properties()) {
                labels.put(e.getKey(), e.getValue().asString(""));
            }
        }
        JsonNode ports = cfg.path("ExposedPorts");
        List<String> exposed = ports.isObject() ? List.copyOf(ports.propertyNames()) : List.of();
        JsonNode wd = cfg.path("WorkingDir");
        return new ImageConfig(stringList(cfg, "Entrypoint", what), stringList(cfg, "Cmd", what),
                stringList(cfg, "Env", what), wd.isString() && !wd.stringValue().isEmpty() ? wd.stringValue() : null,
                exposed, labels);
    }

    /** {@code rootfs.diff_ids} of a config. */
    static List<Digest> diffIds(JsonNode root, String what) {
        JsonNode rootfs = root.path("rootfs");
        if (!rootfs.path("type").asString("").equals("layers") || !rootfs.path("diff_ids").isArray()) {
            throw new ImageException(what + " has no rootfs of type \"layers\" with diff_ids");
        }
        List<Digest> ids = new ArrayList<>();
        for (JsonNode d : rootfs.path("diff_ids")) {
            ids.add(Digest.parse(d.asString("")));
        }
        return ids;
    }

    static ObjectNode descriptor(Descriptor d) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("mediaType", d.mediaType());
        n.put("digest", d.digest().toString());
        n.put("size", d.size());
        return n;
    }

    static Descriptor descriptor(JsonNode n, String what) {
        if (!n.isObject() || !n.path("mediaType").isString() || !n.path("digest").isString()
                || !n.path("size").isIntegralNumber() || n.path("size").asLong() < 0) {
            throw new ImageException(what + " has a descriptor without mediaType, digest and size: " + n);
        }
        return new Descriptor(n.path("mediaType").stringValue(), Digest.parse(n.path("digest").stringValue()),
                n.path("size").longValue());
    }

    static ObjectNode manifest(Descriptor config, List<Descriptor> layers) {
        ObjectNode m = MAPPER.createObjectNode();
        m.put("schemaVersion", 2);
        m.put("mediaType", MediaTypes.MANIFEST);
        m.set("config", descriptor(config));
        ArrayNode ls = m.putArray("layers");
        layers.forEach(d -> ls.add(descriptor(d)));
        return m;
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static List<String> stringList(JsonNode cfg, String field, String what) {
        JsonNode n = cfg.path(field);
        if (n.isMissingNode() || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw new ImageException(what + ": config." + field + " is not a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : n) {
            if (!s.isString()) {
                throw new ImageException(what + ": config." + field + " is not a list of strings");
            }
            out.add(s.stringValue());
        }
        return out;
    }
}
