package dev.jkraft.image;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A resolved image: what {@code jkraft run} needs to unpack and start it.
 *
 * @param ref the reference it was found under, "redis:latest", or null if it had none
 * @param manifestDigest the manifest's digest, or null for a legacy {@code docker save} archive
 *     (which has no manifest blob)
 * @param configDigest the config blob's digest (docker's image id)
 * @param config the run settings from the config's {@code config} object
 * @param layers the layers, lowest first; their blobs are valid while the source is open
 */
public record Image(String ref, Digest manifestDigest, Digest configDigest, ImageConfig config, List<Layer> layers) {
    public Image {
        layers = List.copyOf(layers);
    }

    /** The layers' {@code diff_ids}, lowest first. */
    public List<Digest> diffIds() {
        return layers.stream().map(Layer::diffId).toList();
    }

    /**
     * The OCI ChainID of the whole layer stack (image-spec config.md): the name of the root file
     * system the layers make, whatever compression or manifest carried them. For no layers it is
     * the sha256 of the empty string.
     */
    public Digest chainId() {
        if (layers.isEmpty()) {
            return Digest.of(new byte[0]);
        }
        Digest chain = layers.get(0).diffId();
        for (int i = 1; i < layers.size(); i++) {
            chain = Digest.of((chain + " " + layers.get(i).diffId()).getBytes(StandardCharsets.US_ASCII));
        }
        return chain;
    }
}
