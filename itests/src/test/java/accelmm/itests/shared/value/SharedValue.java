package accelmm.itests.shared.value;

/** A class one test bundle exports and another imports, to create a wire. */
public final class SharedValue {
    private SharedValue() {
    }

    /** Returns a constant. */
    public static String get() {
        return "shared";
    }
}
