package dev.jkraft.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;

/**
 * Unpacked root file systems of images, in {@code <cache>/rootfs/<hex>} where hex names the
 * image's layer stack (its OCI ChainID), so images that share all their layers share one
 * directory. A directory is unpacked into {@code <cache>/rootfs/.tmp-<hex>-<random>} and renamed
 * into place when complete: a directory under its final name is always whole, and a failed unpack
 * leaves nothing behind. Two unpackers of one image (threads or processes) both do the work; the
 * first rename wins and the other's copy is deleted. A process killed mid-unpack leaves its
 * {@code .tmp-} directory, which {@link #removeLeftovers} deletes. Beside each directory, {@code
 * <hex>.skipped} keeps the count of special files its layers had, for {@link
 * UnpackedRootfs#skippedSpecialFiles} when it is reused.
 *
 * <p>Files are owned by whoever unpacked them (tar owners are not kept); permission bits are,
 * setuid, setgid and sticky included (as far as the kernel lets a non-root owner set them).
 */
public final class RootfsCache {
    private final Path rootfsDir;

    /** A cache under {@code cacheRoot} (created as needed). */
    public RootfsCache(Path cacheRoot) {
        this.rootfsDir = cacheRoot.resolve("rootfs");
    }

    /** Where {@code image}'s root file system is, once unpacked. */
    public Path directoryOf(Image image) {
        return rootfsDir.resolve(image.chainId().hex());
    }

    /**
     * The unpacked root file system of {@code image}, unpacking it if it is not in the cache yet.
     * Every layer's digest and diff_id are checked; a bad layer is an {@link ImageException} and
     * leaves no directory. Progress is in bytes of layer blobs read.
     */
    public UnpackedRootfs unpack(Image image, Progress progress) {
        Path target = directoryOf(image);
        Path skippedFile = rootfsDir.resolve(target.getFileName() + ".skipped");
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            return new UnpackedRootfs(target, readSkipped(skippedFile), true);
        }
        Path tmp = rootfsDir.resolve(".tmp-" + target.getFileName() + "-" + UUID.randomUUID());
        long skipped;
        try {
            Files.createDirectories(tmp);
            LayerApplier applier = new LayerApplier(tmp);
            progress.start("unpacking " + (image.ref() != null ? image.ref() : image.configDigest().shortHex()),
                    image.layers().stream().mapToLong(l -> l.descriptor().size()).sum());
            try {
                for (Layer layer : image.layers()) {
                    applier.apply(layer, progress);
                }
            } finally {
                progress.done();
            }
            applier.finish();
            skipped = applier.skipped();
            ImageLayout.writeAtomically(skippedFile, Long.toString(skipped).getBytes(StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            deleteTreeQuietly(tmp);
            if (e instanceof ImageException ie) {
                throw ie;
            }
            throw new ImageException("cannot unpack image " + image.chainId().shortHex() + " into " + rootfsDir
                    + ": " + e.getMessage(), e);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return new UnpackedRootfs(target, skipped, false);
        } catch (IOException e) {
            deleteTreeQuietly(tmp);
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                return new UnpackedRootfs(target, skipped, true); // another unpacker finished first
            }
            throw new ImageException("cannot move the unpacked image into " + target + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the {@code .tmp-} directories of unpacks that never finished; call when none is running. */
    public void removeLeftovers() {
        if (!Files.isDirectory(rootfsDir)) {
            return;
        }
        try (var list = Files.list(rootfsDir)) {
            list.filter(p -> p.getFileName().toString().startsWith(".tmp-")).forEach(RootfsCache::deleteTreeQuietly);
        } catch (IOException e) {
            throw new ImageException("cannot list " + rootfsDir + ": " + e.getMessage(), e);
        }
    }

    private static long readSkipped(Path file) {
        try {
            return Long.parseLong(Files.readString(file).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Deletes a file or a tree without following symlinks, first making each directory writable
     * (an unpacked image, or a guest's writable layer, may have read-only directories).
     */
    public static void deleteTree(Path path) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (!a.isDirectory()) {
            Files.delete(path);
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                LayerApplier.setMode(dir, 0700);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void deleteTreeQuietly(Path path) {
        try {
            deleteTree(path);
        } catch (IOException e) {
            // Best effort: what is left is a .tmp- directory removeLeftovers can take.
        }
    }
}
