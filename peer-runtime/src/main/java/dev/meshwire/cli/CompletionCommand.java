package dev.meshwire.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code meshwire completion bash|zsh|fish}: a shell completion script for every verb, sub-verb and option, written
 * from the command model, so it is complete for whatever verbs this build has. bash gets picocli's script; zsh the
 * same script, which enables zsh's {@code bashcompinit} itself; fish a script from {@link FishCompletion}.
 */
@Command(name = "completion", description = "Print a shell completion script.",
        footer = {"", "Examples:",
                "  source <(meshwire completion bash)                  # this bash session; add it to ~/.bashrc to keep it",
                "  meshwire completion zsh > \"${fpath[1]}/_meshwire\"   # zsh (or 'source <(meshwire completion zsh)' in ~/.zshrc)",
                "  meshwire completion fish > ~/.config/fish/completions/meshwire.fish"})
final class CompletionCommand extends Verb {
    enum Shell { bash, zsh, fish }

    @Parameters(paramLabel = "SHELL", description = "bash, zsh or fish") Shell shell;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        String script = switch (shell) {
            case bash, zsh -> AutoComplete.bash("meshwire", root);
            case fish -> FishCompletion.script("meshwire", root.getCommandSpec());
        };
        out().print(script);
        out().flush();
        return ExitCodes.OK;
    }
}
