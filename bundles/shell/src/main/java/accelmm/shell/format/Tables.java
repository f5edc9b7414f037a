package accelmm.shell.format;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders {@link TableRow}s as aligned text.
 *
 * <p>Concurrency: stateless.
 */
public final class Tables {
    private Tables() {
    }

    /** Renders rows under a header; numbers are right-aligned, text left-aligned. */
    public static String table(List<? extends TableRow> rows) {
        if (rows.isEmpty()) {
            return "(none)";
        }
        List<String> header = rows.get(0).columns();
        int n = header.size();
        int[] width = new int[n];
        boolean[] numeric = new boolean[n];
        java.util.Arrays.fill(numeric, true);
        List<String[]> text = new ArrayList<>(rows.size());
        for (TableRow row : rows) {
            List<Object> cells = row.cells();
            String[] t = new String[n];
            for (int i = 0; i < n; i++) {
                Object c = cells.get(i);
                t[i] = String.valueOf(c);
                numeric[i] &= c instanceof Number;
            }
            text.add(t);
        }
        for (int i = 0; i < n; i++) {
            width[i] = header.get(i).length();
            for (String[] t : text) {
                width[i] = Math.max(width[i], t[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header.toArray(new String[0]), width, numeric);
        for (String[] t : text) {
            sb.append('\n');
            line(sb, t, width, numeric);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] cells, int[] width, boolean[] right) {
        int mark = sb.length();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                sb.append("  ");
            }
            String pad = " ".repeat(width[i] - cells[i].length());
            if (right[i]) {
                sb.append(pad).append(cells[i]);
            } else {
                sb.append(cells[i]);
                if (i < cells.length - 1) {
                    sb.append(pad);
                }
            }
        }
        int end = sb.length();
        while (end > mark && sb.charAt(end - 1) == ' ') {
            end--;
        }
        sb.setLength(end);
    }

    /** Renders a header line alone. */
    public static String header(List<String> columns) {
        return String.join("  ", columns);
    }

    /** Renders one row as {@code column: value} lines. */
    public static String record(TableRow row) {
        List<String> cols = row.columns();
        List<Object> cells = row.cells();
        int w = cols.stream().mapToInt(String::length).max().orElse(0);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cols.size(); i++) {
            if (i > 0) {
                sb.append('\n');
            }
            sb.append(cols.get(i)).append(':').append(" ".repeat(w - cols.get(i).length() + 1)).append(cells.get(i));
        }
        return sb.toString();
    }

    /** Renders one row on one line, cells separated by two spaces. */
    public static String line(TableRow row) {
        StringBuilder sb = new StringBuilder();
        for (Object c : row.cells()) {
            if (sb.length() > 0) {
                sb.append("  ");
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
