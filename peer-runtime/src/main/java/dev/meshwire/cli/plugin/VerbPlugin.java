package dev.meshwire.cli.plugin;

/**
 * A verb another module contributes to the {@code meshwire} command line (docs/architecture.md "Plug-in verbs").
 *
 * <p>Contract:
 * <ul>
 *   <li>Found with {@link java.util.ServiceLoader}: the module lists its implementation in
 *       {@code META-INF/services/dev.meshwire.cli.plugin.VerbPlugin} and is on the class path of the JVM that runs the
 *       CLI (the {@code ./meshwire} launcher puts it there for the verbs that need it). A plug-in that is absent simply
 *       has no verb; nothing in peer-runtime depends on one.</li>
 *   <li>{@link #name()} is the verb; it must not be the name of a built-in verb (the built-in one wins and the plug-in
 *       is ignored with a warning on stderr).</li>
 *   <li>{@link #command(VerbContext)} returns a new picocli command object (a class annotated with
 *       {@code @picocli.CommandLine.Command} whose {@code name} is {@link #name()}) for one call. It is added under the
 *       root command, so it inherits the root's {@code --home} and {@code --no-color} options: it must not declare
 *       them itself, and reads the home through {@code context}. Failures are reported as the built-in verbs do: a
 *       {@code PeerException}/{@code IpcException} thrown from {@code call()} becomes one line and its exit code
 *       ({@code dev.meshwire.cli.ExitCodes}); a usage error is a picocli {@code ParameterException}.</li>
 *   <li>Cheap to construct: the root builds the plug-in's command only when the call names its verb, or for
 *       {@code --help}, {@code help} and {@code completion} (which list every verb).</li>
 * </ul>
 */
public interface VerbPlugin {
    /** The verb, e.g. {@code sidecar}. */
    String name();

    /** A fresh picocli command object for one call (see the class contract). */
    Object command(VerbContext context);
}
