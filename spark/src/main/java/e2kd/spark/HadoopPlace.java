package e2kd.spark;

import e2kd.experiments.Workers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import scala.Tuple2;

/**
 * A Spark process as a {@link Workers.Place}. Inputs named by URI ({@code hdfs://}, {@code s3a://}, {@code file://},
 * any scheme Hadoop has a file system for) are copied through Hadoop's FileSystem API, once per process and URI,
 * into the process's Spark files folder (which ends with the application); paths are read where they are. A task's
 * output folder lies in that folder too, named by the folder it stands for, so a retried task on the same executor
 * finds what the failed attempt wrote.
 */
final class HadoopPlace implements Workers.Place {
    static final HadoopPlace INSTANCE = new HadoopPlace();
    private static final Map<String, Object> COPYING = new ConcurrentHashMap<>();

    private HadoopPlace() {}

    @Override
    public Path input(String location) throws IOException {
        if (!Workers.Place.isUri(location)) {
            return Path.of(location);
        }
        org.apache.hadoop.fs.Path source = new org.apache.hadoop.fs.Path(location);
        Path copy = Path.of(SparkFiles.getRootDirectory(), "e2kd-inputs", digest(location))
                .resolve(source.getName().isEmpty() ? "root" : source.getName());
        synchronized (COPYING.computeIfAbsent(location, l -> new Object())) {
            if (Files.exists(copy)) {
                return copy;
            }
            FileSystem fs = source.getFileSystem(hadoopConfiguration());
            if (!fs.exists(source)) {
                throw new IOException(location + ": no such file or folder");
            }
            Path partial = Files.createTempDirectory(Files.createDirectories(copy.getParent()), ".copy");
            Path target = partial.resolve(copy.getFileName());
            // the raw local file system: no .crc files beside the copy
            fs.copyToLocalFile(false, source, new org.apache.hadoop.fs.Path(target.toUri()), true);
            // a copy cut short by a failing task is never taken for a whole one
            Files.move(target, copy, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Files.delete(partial);
        }
        return copy;
    }

    @Override
    public Path outputFolder(Path driverFolder) {
        return Path.of(
                SparkFiles.getRootDirectory(),
                "e2kd-outputs",
                digest(driverFolder.toAbsolutePath().toString()));
    }

    /** Hadoop's settings with the {@code spark.hadoop.*} ones of this Spark application. */
    private static Configuration hadoopConfiguration() {
        Configuration conf = new Configuration();
        for (Tuple2<String, String> setting : SparkEnv.get().conf().getAllWithPrefix("spark.hadoop.")) {
            conf.set(setting._1(), setting._2());
        }
        return conf;
    }

    private static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
