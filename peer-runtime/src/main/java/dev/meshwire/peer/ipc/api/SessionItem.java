package dev.meshwire.peer.ipc.api;

import java.util.List;

/**
 * A session held by this daemon (docs/ipc.md "Sessions"): an item of {@code GET /v1/sessions}.
 *
 * @param id        the session's id: the first 16 hex characters of its key (for {@code session end})
 * @param name      its label, when given (others see {@code <member name>/<name>})
 * @param pubkey    the session's public key (where dms to it are addressed)
 * @param parent    the member key that vouches for it (this daemon's identity in the mesh)
 * @param expiresAt epoch ms when the attestation expires (the session ends then)
 * @param caps      the capabilities the attestation states; absent = the full member set
 * @param pid       the process whose exit ends the session, when given
 * @param state     the session's coordinator link: connecting, connected, reconnecting, ...
 */
public record SessionItem(String id, String mesh, String name, String pubkey, String parent, long expiresAt, List<String> caps,
                          Long pid, String state, long createdAt) {}
