package accelmm.api.idr;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A preload scope ({@code idr_preload} ... {@code idr_preload_end}); use it in try-with-resources.
 *
 * <p>Concurrency: belongs to the thread that opened it.
 */
@ProviderType
public interface Preload extends AutoCloseable {
    /** Ends the scope and gives back what it kept in reserve. Closing twice is harmless. */
    @Override
    void close();
}
