package dev.meshwire.peer.ipc.api;

import java.util.List;

/**
 * {@code POST /v1/sidecars}: run a side-car under the daemon as a managed bridge (docs/livekit.md "Managed bridges").
 * The daemon runs {@code java -cp <classPath> dev.meshwire.cli.Main --home <home> sidecar <kind> <args...>}, restarts
 * it when it exits, and remembers it across its own restarts until {@code POST /v1/sidecars/stop}.
 *
 * @param name      the bridge's name (the side-car's service name), unique in this daemon
 * @param kind      the side-car verb, e.g. {@code livekit}
 * @param args      its arguments, without {@code --home} (secrets never: only paths of files holding them)
 * @param classPath the class path holding peer-runtime and the side-car's plug-in (the CLI sends its own)
 */
public record SidecarStartRequest(String name, String kind, List<String> args, String classPath) {}
