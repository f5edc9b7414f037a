package accelmm.shell.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.apache.felix.service.command.Converter;
import org.junit.jupiter.api.Test;

class TablesTest {
    record Row(long id, String name) implements TableRow {
        @Override
        public List<String> columns() {
            return List.of("ID", "NAME");
        }

        @Override
        public List<Object> cells() {
            return List.of(id, name);
        }
    }

    private final TableConverter converter = new TableConverter();

    @Test
    void numbersAlignRightTextLeftAndNoTrailingBlanks() {
        assertEquals("ID  NAME\n 7  core\n12  a", Tables.table(List.of(new Row(7, "core"), new Row(12, "a"))));
    }

    @Test
    void aSingleRowPrintsAsFieldsWhenInspectedAndAsALineInsideAList() {
        Row row = new Row(3, "x");
        assertEquals("ID:   3\nNAME: x", converter.format(row, Converter.INSPECT, null));
        assertEquals("3  x", converter.format(row, Converter.LINE, null));
    }

    @Test
    void anEmptyResultStillShowsItsColumns() {
        assertEquals("ID  NAME\n(none)", converter.format(new Rows<Row>(List.of("ID", "NAME")), Converter.INSPECT, null));
    }

    @Test
    void foreignObjectsAreLeftToGogo() {
        assertNull(converter.format("text", Converter.INSPECT, null));
        assertNull(converter.format(List.of("a", "b"), Converter.INSPECT, null));
        assertNull(converter.convert(String.class, "x"));
    }

    @Test
    void reportsPrintSectionsWithIndentedBodies() {
        Report r = new Report(List.of(new Section("module", new Row(1, "core"), null),
                new Section("rows", null, List.of(new Row(2, "b")))));
        assertEquals("module\n  ID:   1\n  NAME: core\nrows\n  ID  NAME\n   2  b", converter.format(r, Converter.INSPECT, null));
    }
}
