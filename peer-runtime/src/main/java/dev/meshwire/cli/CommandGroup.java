package dev.meshwire.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A verb that only groups subcommands ({@code mesh}, {@code msg}): alone, it is a usage error. */
abstract class CommandGroup implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing subcommand (" + String.join(", ", spec.subcommands().keySet()) + ")");
    }
}
