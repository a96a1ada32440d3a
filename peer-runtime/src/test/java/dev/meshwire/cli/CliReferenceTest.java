package dev.meshwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code --help} and docs/cli.md agree, for every verb in the command model (so verbs added later are covered
 * without touching this test): each verb, option and positional is described, each verb has an example, each verb
 * has a section in docs/cli.md, and the file's generated reference block is every verb's {@code --help} as the CLI
 * prints it. Regenerate the block with
 * {@code mvn -B -o -pl peer-runtime -am verify -Dtest=CliReferenceTest -Dsurefire.failIfNoSpecifiedTests=false -DskipITs -Dmeshwire.writeDocs=true}.
 */
class CliReferenceTest {
    private static final Path DOC = Path.of("..", "docs", "cli.md");

    @Test
    void theModelHasEveryVerb() {
        // guards the other tests against walking a partial tree (the CLI may build only the verb it runs)
        var verbs = CliReference.root().getSubcommands().keySet();
        assertTrue(verbs.containsAll(List.of("up", "send", "peers", "mesh", "completion")) && verbs.size() > 20, verbs.toString());
    }

    @Test
    void everyVerbOptionAndPositionalIsDescribedAndEveryVerbHasAnExample() {
        List<String> missing = new ArrayList<>();
        for (CommandLine cl : CliReference.commands(CliReference.root())) {
            CommandSpec spec = cl.getCommandSpec();
            String name = spec.qualifiedName(" ");
            if (blank(spec.usageMessage().description())) missing.add(name + ": no description");
            if (String.join("\n", spec.usageMessage().footer()).indexOf("Example") < 0) {
                missing.add(name + ": no example (add one to " + HelpText.EXAMPLES + ")");
            }
            List<ArgSpec> args = new ArrayList<>(spec.options());
            args.addAll(spec.positionalParameters());
            for (ArgSpec a : args) {
                if (!a.hidden() && blank(a.description())) missing.add(name + " " + label(a) + ": no description");
                if (a.defaultValue() != null && String.join(" ", a.description()).matches("(?s).*\\(default[: ].*")) {
                    missing.add(name + " " + label(a) + ": says its default in the description too (--help adds \"Default: ...\")");
                }
            }
        }
        if (!missing.isEmpty()) fail("undocumented in --help:\n  " + String.join("\n  ", missing));
    }

    @Test
    void everyVerbHasASectionInDocsCliMd() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        String prose = doc.contains(CliReference.BEGIN) ? doc.substring(0, doc.indexOf(CliReference.BEGIN)) : doc;
        List<String> missing = new ArrayList<>();
        for (CommandLine cl : CliReference.commands(CliReference.root())) {
            CommandSpec spec = cl.getCommandSpec();
            String path = HelpText.path(spec);
            if (path.isEmpty() || cl.getCommand() instanceof CommandGroup) continue; // the root; pure groups (mesh, msg)
            // "### `meshwire kick|ban|unban PEER", "### `meshwire mesh create NAME", "## `meshwire nat-test`"
            String[] words = path.split(" ");
            String last = Pattern.quote(words[words.length - 1]);
            String parents = words.length == 1 ? "" : Pattern.quote(String.join(" ", List.of(words).subList(0, words.length - 1))) + " ";
            Pattern heading = Pattern.compile("(?m)^#{2,4} `meshwire " + parents + "([\\w-]+\\|)*" + last + "(\\|[\\w-]+)*[ `]");
            if (!heading.matcher(prose).find()) missing.add("meshwire " + path);
        }
        if (!missing.isEmpty()) fail("verbs without a section (\"### `meshwire VERB ...`\") in docs/cli.md:\n  " + String.join("\n  ", missing));
    }

    @Test
    void theReferenceBlockInDocsCliMdIsEveryVerbsHelp() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        String block = CliReference.markdown();
        int b = doc.indexOf(CliReference.BEGIN);
        int e = doc.indexOf(CliReference.END);
        if (Boolean.getBoolean("meshwire.writeDocs")) {
            String updated = b >= 0 && e > b
                    ? doc.substring(0, b) + block + doc.substring(e + CliReference.END.length())
                    : doc.stripTrailing() + "\n\n## Reference: every verb's `--help`\n\n" + block + "\n";
            Files.writeString(DOC, updated, StandardCharsets.UTF_8);
            doc = updated;
            b = doc.indexOf(CliReference.BEGIN);
            e = doc.indexOf(CliReference.END);
        }
        assertTrue(b >= 0 && e > b, "docs/cli.md has no generated reference block; run this test with -Dmeshwire.writeDocs=true");
        assertEquals(block, doc.substring(b, e + CliReference.END.length()),
                "docs/cli.md's reference is not what --help prints; regenerate it: run CliReferenceTest with -Dmeshwire.writeDocs=true");
    }

    private static String label(ArgSpec a) {
        return a.isOption() ? ((CommandLine.Model.OptionSpec) a).longestName() : a.paramLabel();
    }

    private static boolean blank(String[] lines) {
        return lines == null || String.join("", lines).isBlank();
    }
}
