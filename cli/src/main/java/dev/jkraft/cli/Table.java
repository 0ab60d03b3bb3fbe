package dev.jkraft.cli;

import java.io.PrintWriter;
import java.util.List;

/** Plain text tables as jkraft's listings print them: columns two spaces apart, the last unpadded. */
final class Table {
    private Table() {}

    static void print(PrintWriter out, List<String[]> rows) {
        int[] width = new int[rows.getFirst().length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                sb.append(row[i]);
                if (i < row.length - 1) {
                    sb.append(" ".repeat(width[i] - row[i].length() + 2));
                }
            }
            out.println(sb);
        }
        out.flush();
    }
}
