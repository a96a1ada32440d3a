package dev.meshwire.peer.ipc.api;

/**
 * One side-car the daemon knows of: a managed bridge it runs, or a side-car started by hand that reports to it.
 *
 * @param name       the bridge's name (its service name)
 * @param kind       the side-car verb, e.g. {@code livekit}
 * @param managed    whether the daemon runs and restarts it
 * @param state      {@code running}, {@code restarting} (exited; started again after {@code restartInMs}),
 *                   {@code failed} (exited with a usage error: not restarted until started again) or, for a side-car
 *                   not run by the daemon, {@code reporting} / {@code silent} (no report for 15 s)
 * @param pid        the running process (0 if none)
 * @param restarts   how many times the daemon started it again after it exited
 * @param lastExit   the exit code of its last run (null if it has not exited)
 * @param lastError  why its last run ended (the last line it wrote), or the last error it reported; empty if none
 * @param restartInMs when {@code restarting}: the back-off left before the next start
 * @param reportAgeMs how old {@code report} is (null without one)
 * @param report     its last report (null before the first)
 */
public record SidecarItem(String name, String kind, boolean managed, String state, long pid, int restarts, Integer lastExit,
                          String lastError, Long restartInMs, Long reportAgeMs, SidecarReport report) {}
