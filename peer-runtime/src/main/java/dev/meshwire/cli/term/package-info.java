/**
 * What a person reads in a terminal: colour (only on a TTY, never with {@code NO_COLOR} or {@code --no-color}),
 * tables with headers sized to their content, human times, and the one vocabulary for how a message travels.
 * Nothing here talks to the daemon; {@code dev.meshwire.cli.Render} feeds it data.
 */
package dev.meshwire.cli.term;
