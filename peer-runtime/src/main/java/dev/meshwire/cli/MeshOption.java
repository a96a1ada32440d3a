package dev.meshwire.cli;

import picocli.CommandLine.Option;

/** {@code --mesh NAME}: which joined mesh a verb acts in (optional when only one is joined). */
final class MeshOption {
    // The label is what the option showed when it was a field named "mesh" (help text is unchanged).
    @Option(names = "--mesh", paramLabel = "<mesh>", description = "the joined mesh to act in (needed only when several are joined)") String name;
}
