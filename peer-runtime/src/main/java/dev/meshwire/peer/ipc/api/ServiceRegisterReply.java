package dev.meshwire.peer.ipc.api;

import dev.meshwire.signaling.service.ServiceAttestation;

/**
 * What {@code POST /v1/services} made: the recorded service, the signed {@code attestation} the integration
 * presents, and {@code keyFile}: the service's secret key (hex of the 64-byte libsodium Ed25519 secret key),
 * written once with mode 0600 under the meshwire home; it is never printed nor sent anywhere.
 */
public record ServiceRegisterReply(String mesh, ServiceItem service, ServiceAttestation attestation, String keyFile, String detail) {}
