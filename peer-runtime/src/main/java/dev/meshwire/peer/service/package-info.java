/**
 * Delegated services (docs/protocol.md §6.4 "Delegated services"): the daemon holds a service's secret on its
 * owner's behalf, keeps the service's own coordinator connection while the service is active, stores what is
 * sent to the service in the inbox tagged with the service key, and sends as the service for a local app.
 */
package dev.meshwire.peer.service;
