package dev.meshwire.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The reference section of docs/cli.md, generated from the command model: every verb's {@code --help} exactly as
 * the CLI prints it (no colour, 80 columns), in model order. {@link CliReferenceTest} compares it with the file and
 * rewrites it when run with {@code -Dmeshwire.writeDocs=true}.
 */
final class CliReference {
    static final String BEGIN = "<!-- BEGIN GENERATED: meshwire --help reference (CliReferenceTest; do not edit by hand) -->";
    static final String END = "<!-- END GENERATED: meshwire --help reference -->";

    private CliReference() {}

    /** The root command as {@code meshwire} builds it (help options, defaults and examples added). */
    static CommandLine root() {
        Main main = new Main();
        main.out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        CommandLine cl = Main.commandLine(main);
        HelpText.apply(cl);
        return cl;
    }

    /** Every command once (aliases skipped), root first, depth first in declaration order. */
    static List<CommandLine> commands(CommandLine root) {
        List<CommandLine> all = new ArrayList<>();
        Map<CommandSpec, Boolean> seen = new IdentityHashMap<>();
        walk(root, all, seen);
        return all;
    }

    private static void walk(CommandLine cl, List<CommandLine> all, Map<CommandSpec, Boolean> seen) {
        CommandSpec spec = cl.getCommandSpec();
        if (seen.put(spec, true) != null || spec.usageMessage().hidden()) return;
        all.add(cl);
        cl.getSubcommands().values().forEach(c -> walk(c, all, seen));
    }

    /** The generated block, markers included. */
    static String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append(BEGIN).append("\n\n");
        for (CommandLine cl : commands(root())) {
            CommandSpec spec = cl.getCommandSpec();
            spec.usageMessage().width(80);
            sb.append("### `").append(spec.qualifiedName(" ")).append(" --help`\n\n```text\n");
            sb.append(cl.getUsageMessage(CommandLine.Help.Ansi.OFF).stripTrailing()).append("\n```\n\n");
        }
        return sb.append(END).toString();
    }
}
