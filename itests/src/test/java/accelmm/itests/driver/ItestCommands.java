package accelmm.itests.driver;

/** The plugin driver's shell commands (scope {@code itest}). */
public final class ItestCommands {
    private final String version;

    public ItestCommands(String version) {
        this.version = version;
    }

    public String hello() {
        return "itest driver " + version;
    }
}
