package dev.meshwire.peer.ipc.api;

import java.util.Map;

/** {@code daemon.outbox} of the status: rows per state and the drain worker's counters. */
public record OutboxCounters(Map<String, Long> states, int outstanding, long sent, long done, long retried, long dead) {}
