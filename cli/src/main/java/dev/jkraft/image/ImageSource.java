package dev.jkraft.image;

import java.util.List;

/** Somewhere images can be looked up by reference: an {@link ImageLayout} or an {@link ImageArchive}. */
public sealed interface ImageSource permits ImageLayout, ImageArchive {
    /** The references of the images held, as stored ("redis:latest"); sorted. */
    List<String> refs();

    /**
     * The image called {@code ref} ("redis", "redis:latest", or a manifest digest "sha256:..."),
     * or, if {@code ref} is null, the only image held. An {@link ImageException} says which refs
     * exist when {@code ref} is not found or is null and there are several images.
     */
    Image image(String ref);
}
