/**
 * jkraft images: the OCI image layout and archives ({@code jkraft build}, {@code pkg}, and
 * {@code run} of an image), the shared-library closure that specializes an image's root file
 * system to its programs, and the content-addressed cache of unpacked root file systems.
 *
 * <p>Depends on the JDK, Jackson (JSON) and commons-compress (tar); nothing here starts a guest.
 * Errors a user can act on are {@link dev.jkraft.image.ImageException}s.
 */
package dev.jkraft.image;
