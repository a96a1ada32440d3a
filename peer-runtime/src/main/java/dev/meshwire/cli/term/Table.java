package dev.meshwire.cli.term;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An aligned text table: a header row and rows, each column as wide as its widest cell (header included), two
 * spaces between columns, no trailing spaces (the last column is not padded). Cells may hold colour codes; widths
 * count printed characters only. Headers are bold when the style has colour. Not thread-safe; build, then render.
 */
public final class Table {
    private final String[] headers;
    private final List<String[]> rows = new ArrayList<>();
    private final String indent;

    /** A table whose lines start with {@code indent} (e.g. two spaces under a heading line). */
    public Table(String indent, String... headers) {
        this.indent = indent;
        this.headers = headers.clone();
    }

    /** Adds a row; {@code null} cells print as {@code -}. Fewer cells than headers leave the rest empty. */
    public Table row(String... cells) {
        if (cells.length > headers.length) throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + headers.length + " columns");
        String[] r = Arrays.copyOf(cells, headers.length);
        for (int i = 0; i < r.length; i++) {
            if (r[i] == null) r[i] = i < cells.length ? "-" : "";
        }
        rows.add(r);
        return this;
    }

    public boolean isEmpty() { return rows.isEmpty(); }

    /** The table, one line per row, each ending in a newline. */
    public String render(Style style) {
        int[] w = new int[headers.length];
        for (int i = 0; i < headers.length; i++) w[i] = Style.width(headers[i]);
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) w[i] = Math.max(w[i], Style.width(r[i]));
        }
        StringBuilder sb = new StringBuilder();
        String[] hs = new String[headers.length];
        for (int i = 0; i < headers.length; i++) hs[i] = style.bold(headers[i]);
        line(sb, hs, w);
        for (String[] r : rows) line(sb, r, w);
        return sb.toString();
    }

    private void line(StringBuilder sb, String[] cells, int[] w) {
        StringBuilder l = new StringBuilder(indent);
        for (int i = 0; i < cells.length; i++) {
            l.append(cells[i]);
            if (i < cells.length - 1) l.append(" ".repeat(w[i] - Style.width(cells[i]) + 2));
        }
        int end = l.length();
        while (end > 0 && l.charAt(end - 1) == ' ') end--;
        sb.append(l, 0, end).append('\n');
    }
}
