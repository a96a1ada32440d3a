package dev.meshwire.peer.ipc.api;

/**
 * The answer to {@code POST /v1/cli}: what the forwarded command line printed and how it ended. The client writes
 * {@code stdout} and {@code stderr} as they are and exits with {@code exit}, byte for byte what a local run prints.
 */
public record CliReply(int exit, String stdout, String stderr) {
}
