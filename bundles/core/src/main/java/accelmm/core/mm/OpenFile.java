package accelmm.core.mm;

import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open file shared by every descriptor that refers to it (the kernel's {@code struct file}):
 * {@code dup} and {@code fork} add references; the last close closes the file.
 *
 * <p>Concurrency: thread-safe.
 */
final class OpenFile {
    private static final Logger LOG = LoggerFactory.getLogger(OpenFile.class);

    final AutoCloseable file;
    private final AtomicInteger refs = new AtomicInteger(1);

    OpenFile(AutoCloseable file) {
        this.file = file;
    }

    OpenFile get() {
        refs.incrementAndGet();
        return this;
    }

    void put() {
        if (refs.decrementAndGet() == 0) {
            try {
                file.close();
            } catch (Exception e) {
                LOG.debug("closing {} failed", file, e);
            }
        }
    }

    @Override
    public String toString() {
        return String.valueOf(file);
    }
}
