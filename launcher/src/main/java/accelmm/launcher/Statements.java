package accelmm.launcher;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a Gogo script into top-level statements at {@code ;} and line ends, leaving separators
 * inside quotes, braces, brackets and parentheses alone, so that {@code exec} can run, print and
 * judge each statement on its own.
 *
 * <p>Concurrency: stateless.
 */
public final class Statements {
    private Statements() {
    }

    /**
     * Splits {@code script}; blank statements and {@code #} comment lines are dropped.
     *
     * @throws IllegalArgumentException for an unclosed quote or bracket
     */
    public static List<String> split(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        char quote = 0;
        for (int i = 0; i < script.length(); i++) {
            char c = script.charAt(i);
            if (quote != 0) {
                cur.append(c);
                if (c == '\\' && quote == '"' && i + 1 < script.length()) {
                    cur.append(script.charAt(++i));
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            switch (c) {
                case '\'', '"' -> {
                    quote = c;
                    cur.append(c);
                }
                case '{', '[', '(' -> {
                    depth++;
                    cur.append(c);
                }
                case '}', ']', ')' -> {
                    depth--;
                    if (depth < 0) {
                        throw new IllegalArgumentException("unbalanced '" + c + "' at character " + (i + 1));
                    }
                    cur.append(c);
                }
                case '#' -> {
                    if (depth == 0 && cur.toString().isBlank()) {
                        while (i + 1 < script.length() && script.charAt(i + 1) != '\n') {
                            i++;
                        }
                    } else {
                        cur.append(c);
                    }
                }
                case ';', '\n' -> {
                    if (depth == 0) {
                        add(out, cur);
                    } else {
                        cur.append(c);
                    }
                }
                case '\\' -> {
                    if (i + 1 < script.length() && script.charAt(i + 1) == '\n') {
                        i++;
                        cur.append(' ');
                    } else {
                        cur.append(c);
                    }
                }
                default -> cur.append(c);
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unclosed " + quote + " quote");
        }
        if (depth != 0) {
            throw new IllegalArgumentException("unclosed bracket");
        }
        add(out, cur);
        return out;
    }

    private static void add(List<String> out, StringBuilder cur) {
        String s = cur.toString().strip();
        if (!s.isEmpty()) {
            out.add(s);
        }
        cur.setLength(0);
    }
}
