package dev.meshwire.cli;

import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** A verb that prints one daemon answer: as JSON with {@code --json} (the stable form), else as text. */
abstract class ReplyVerb extends Verb {
    @Option(names = "--json", description = "print the daemon's answer as JSON (shapes in docs/ipc.md) instead of text") boolean json;

    /** Prints {@code answer} (a record of dev.meshwire.peer.ipc.api) in the chosen form and returns {@link ExitCodes#OK}. */
    <T> int reply(T answer, Consumer<T> asText) {
        if (json) printJson(answer);
        else asText.accept(answer);
        return ExitCodes.OK;
    }
}
