package e2kd.data;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The unreadable image files a run has skipped ({@code skip_bad_images}): each is found when a {@link DataLoader}
 * first decodes it, not up front, so only the samples a run actually reads are ever decoded. Shared by a run's
 * loaders and their decoding threads; a file counts once however often and by however many loaders it is read.
 */
public final class SkippedImages {
    private final ConcurrentSkipListMap<Path, String> files = new ConcurrentSkipListMap<>();

    /** Records the file of {@code e} (with its message); a file already recorded keeps its first message. */
    void add(UnreadableImageException e) {
        files.putIfAbsent(e.file(), e.getMessage());
    }

    /** Number of distinct files skipped so far. */
    public int count() {
        return files.size();
    }

    /** The files skipped so far, sorted by path (so the list does not depend on decoding threads' timing). */
    public List<Path> files() {
        return List.copyOf(files.keySet());
    }

    /** The one-line error of each skipped file, in {@link #files()} order. */
    public List<String> messages() {
        return List.copyOf(files.values());
    }
}
