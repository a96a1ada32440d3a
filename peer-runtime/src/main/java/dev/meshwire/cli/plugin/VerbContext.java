package dev.meshwire.cli.plugin;

import dev.meshwire.peer.home.MeshwireHome;

/**
 * What the root command gives a {@link VerbPlugin}'s command. Read it in {@code call()}, not in the constructor: the
 * root's options are parsed between the two.
 */
public interface VerbContext {
    /** The home of this call: {@code --home}, else {@code $MESHWIRE_HOME}, else {@code ~/.meshwire}. */
    MeshwireHome home();
}
