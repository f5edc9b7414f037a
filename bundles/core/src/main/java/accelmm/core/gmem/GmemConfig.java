package accelmm.core.gmem;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the GMEM framework ({@code accelmm.core.gmem}).
 */
@ObjectClassDefinition(name = "accelmm GMEM", description = "The generalized memory-management framework for devices.")
public @interface GmemConfig {
    /** The highest GMEM device id ({@code xa_limit_32b} by default). */
    @AttributeDefinition(name = "max device id", description = "The highest id a GMEM device may get; creating more answers EBUSY.")
    long maxDeviceId() default 0xFFFF_FFFFL;
}
