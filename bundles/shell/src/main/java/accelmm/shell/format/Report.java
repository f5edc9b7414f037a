package accelmm.shell.format;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A multi-part command result: sections printed one after the other.
 *
 * <p>Concurrency: immutable.
 *
 * @param sections the parts, in order
 */
public record Report(List<Section> sections) {
    /** Renders every section. */
    public String render() {
        return sections.stream().map(Section::render).collect(Collectors.joining("\n"));
    }

    @Override
    public String toString() {
        return render();
    }
}
