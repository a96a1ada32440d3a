package dev.meshwire.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What every verb's {@code --help} has besides its own annotations: a {@code -h/--help} option (usage errors point
 * users at it), option defaults shown ("Default: 50"), and an example section. The examples live in one file,
 * {@code cli-examples.properties} (key: the verb path, e.g. {@code mesh create}; value: lines separated by
 * {@code \n}), so that adding a verb means adding its example next to the others; {@code CliReferenceTest} fails
 * for a verb without one. A command's own {@code footer} wins over the file.
 */
final class HelpText {
    static final String EXAMPLES = "cli-examples.properties";

    private HelpText() {}

    static void apply(CommandLine root) {
        Properties examples = examples();
        walk(root, examples);
    }

    /** The verb path of a command below the root: {@code "mesh create"} for {@code meshwire mesh create}. */
    static String path(CommandSpec spec) {
        String q = spec.qualifiedName(" ");
        int sp = q.indexOf(' ');
        return sp < 0 ? "" : q.substring(sp + 1);
    }

    private static void walk(CommandLine cl, Properties examples) {
        CommandSpec spec = cl.getCommandSpec();
        if (spec.findOption("--help") == null) {
            spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("Show this help and exit.").build());
        }
        spec.usageMessage().showDefaultValues(true);
        // A repeatable option without a default starts as an empty list; "Default: []" says nothing.
        for (OptionSpec o : List.copyOf(spec.options())) {
            if (o.isMultiValue() && o.defaultValue() == null && o.showDefaultValue() == CommandLine.Help.Visibility.ON_DEMAND) {
                spec.remove(o);
                spec.addOption(o.toBuilder().showDefaultValue(CommandLine.Help.Visibility.NEVER).build());
            }
        }
        String key = path(spec);
        String ex = examples.getProperty(key.isEmpty() ? "meshwire" : key);
        if (ex != null && spec.usageMessage().footer().length == 0) {
            List<String> footer = new ArrayList<>();
            footer.add("");
            footer.add(ex.contains("\n") ? "Examples:" : "Example:");
            for (String line : ex.split("\n")) footer.add("  " + line);
            spec.usageMessage().footer(footer.toArray(String[]::new));
        }
        cl.getSubcommands().values().forEach(c -> walk(c, examples));
    }

    private static Properties examples() {
        Properties p = new Properties();
        try (InputStream in = HelpText.class.getResourceAsStream(EXAMPLES)) {
            if (in != null) p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
