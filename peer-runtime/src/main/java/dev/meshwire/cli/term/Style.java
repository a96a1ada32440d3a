package dev.meshwire.cli.term;

import java.util.Map;

/**
 * Whether output is coloured, and the few colours the CLI uses. Colour is on only when stdout is a terminal
 * (a pipe or a file gets plain text, so scripts and {@code grep} never see escape codes), {@code NO_COLOR} is
 * unset or empty (https://no-color.org), {@code TERM} is not {@code dumb}, and {@code --no-color} was not given.
 * Every method returns its argument unchanged when colour is off. Immutable.
 */
public final class Style {
    /** Plain text, whatever the terminal: tests and in-process callers writing to a buffer. */
    public static final Style PLAIN = new Style(false);

    private static final String RESET = "\u001b[0m";

    private final boolean on;

    private Style(boolean on) {
        this.on = on;
    }

    /**
     * The style for this process's stdout.
     *
     * @param noColorFlag   {@code --no-color} was given
     * @param stdoutIsTty   stdout is a terminal (see {@link #stdoutIsTerminal()})
     * @param env           the environment ({@code NO_COLOR}, {@code TERM})
     */
    public static Style decide(boolean noColorFlag, boolean stdoutIsTty, Map<String, String> env) {
        String noColor = env.get("NO_COLOR");
        boolean on = !noColorFlag && stdoutIsTty && (noColor == null || noColor.isEmpty()) && !"dumb".equals(env.get("TERM"));
        return on ? new Style(true) : PLAIN;
    }

    /**
     * True when stdout is a terminal. Java 17's {@link System#console()} is non-null only when both stdin and stdout
     * are terminals; that errs on the side of plain text (stdin redirected, stdout a terminal: no colour), which is
     * the safe side. From Java 22 on a console exists even for a pipe, and {@code Console.isTerminal()} (looked up
     * reflectively, since this builds for 17) says whether it is one.
     */
    public static boolean stdoutIsTerminal() {
        java.io.Console c = System.console();
        if (c == null) return false;
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (NoSuchMethodException e) {
            return true; // Java 17 to 21: a console means a terminal
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    public boolean on() { return on; }

    public String bold(String s) { return wrap("1", s); }
    public String dim(String s) { return wrap("2", s); }
    public String red(String s) { return wrap("31", s); }
    public String green(String s) { return wrap("32", s); }
    public String yellow(String s) { return wrap("33", s); }
    public String cyan(String s) { return wrap("36", s); }

    private String wrap(String sgr, String s) {
        return on && s != null && !s.isEmpty() ? "\u001b[" + sgr + "m" + s + RESET : s;
    }

    /** The printed width of {@code s}: its length without escape sequences (for aligning coloured cells). */
    public static int width(String s) {
        int w = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\u001b' && i + 1 < s.length() && s.charAt(i + 1) == '[') {
                i += 2;
                while (i < s.length() && (s.charAt(i) < '@' || s.charAt(i) > '~')) i++;
            } else {
                w++;
            }
        }
        return w;
    }
}
