/**
 * What the daemon needs to act as a key it holds for its member — a session ({@code peer.session}) or a
 * delegated service ({@code peer.service}): the key's own coordinator link whose deliveries go through the
 * member's inbound checks into the inbox tagged with the key ({@link dev.meshwire.peer.held.HeldLink}), the
 * synchronous relay send signed with the key ({@link dev.meshwire.peer.held.HeldSend}) and the key's inbox
 * listing ({@link dev.meshwire.peer.held.HeldInbox}). The registries decide when such a key is held; these
 * classes are the one place that does the rest.
 */
package dev.meshwire.peer.held;
