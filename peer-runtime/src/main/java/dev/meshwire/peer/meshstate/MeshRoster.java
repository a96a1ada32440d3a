package dev.meshwire.peer.meshstate;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.outbox.TargetResolver;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.grants.Caps;
import dev.meshwire.signaling.meshstate.GroupEntry;
import dev.meshwire.signaling.meshstate.MemberEntry;
import dev.meshwire.signaling.meshstate.MeshState;
import dev.meshwire.signaling.service.Scopes;
import dev.meshwire.signaling.service.ServiceEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * The one owner of membership in the daemon, for one mesh. Who is a member, and in what standing, is
 * the verified {@link MeshReplica}: offline members stay in it (addressable by name or public key
 * prefix), {@code *} is every active member but self, online or not, and banned, revoked, left or
 * expired keys are not members. Presence (online, connected since, capabilities, last seen) is what
 * the coordinator reports ({@code hello_ack.peers}, {@code peer_joined}, {@code peer_left},
 * {@code peers}) and is tracked separately on top: it never adds or removes a member.
 *
 * <p>When a key stops being active (an applied ban, revocation, leave, or its expiry passing on the
 * clock) the removal listeners hear it once: the daemon tears down direct channels with it and tells
 * {@code watch}. Thread-safe.
 */
public final class MeshRoster {
    /** A key stopped being an active member ({@code status}: banned, revoked, left or expired). */
    @FunctionalInterface
    public interface RemovalListener {
        void removed(MeshRoster roster, String pubkey, String name, String status, String reason);
    }

    private record Presence(boolean online, Long connectedSince, Frames.Capabilities capabilities, Long lastSeen) {}

    private final MeshReplica replica;
    private final String self;
    private final LongSupplier clock;
    private final Map<String, Presence> presence = new ConcurrentHashMap<>();
    private final Refusals refused = new Refusals();
    private final List<RemovalListener> removalListeners = new CopyOnWriteArrayList<>();
    private Set<String> activeKeys = Set.of();
    private final Map<String, String> lastNames = new ConcurrentHashMap<>();
    /**
     * Sessions the coordinator reported (docs/protocol.md §5 "session_hello"), each kept only after its parent's
     * attestation verified here, until that attestation expires. A session is never a member: it is addressable and
     * its envelopes are accepted while its parent is an active member and its attestation is valid.
     */
    private record SessionView(Frames.PeerInfo info, boolean online) {}
    private final Map<String, SessionView> sessions = new ConcurrentHashMap<>();
    /**
     * Service keys the coordinator reports online (a {@code session_hello} with {@code serviceAttestation}: a
     * PeerInfo with {@code parent} and no {@code attestation}), with when they connected. Only presence: what a
     * service is and whether it is active is the replica's ({@link #activeService}).
     */
    private final Map<String, Frames.PeerInfo> servicesOnline = new ConcurrentHashMap<>();
    /** The role a service's row shows in {@code peers} (it is never a member). */
    public static final String SERVICE_ROLE = "service";
    /** The role a sub-peer's row shows in {@code peers} (docs/protocol.md §6.5). */
    public static final String SUBPEER_ROLE = "subpeer";

    /** Told when a service's sub-peers came online or went offline (docs/protocol.md §6.5); may run on an event loop. */
    @FunctionalInterface
    public interface SubpeerListener {
        /** @param why null for a statement of the service; else why all its sub-peers went offline */
        void changed(MeshRoster roster, String service, String serviceName, List<String> joined, List<String> left, String why);
    }

    /** A resolved address: the key to send to and, for a sub-peer, its name (meta.subpeer of the dm to the service). */
    public record Address(Frames.PeerInfo peer, String subpeer) {}

    private final SubpeerDirectory subpeers = new SubpeerDirectory();
    private final List<SubpeerListener> subpeerListeners = new CopyOnWriteArrayList<>();

    public MeshRoster(MeshReplica replica, String selfPubkey, LongSupplier clock) {
        this.replica = replica;
        this.self = selfPubkey;
        this.clock = clock;
        recompute();
        replica.addListener((before, after, applied) -> recompute());
    }

    public MeshReplica replica() { return replica; }
    public String selfPubkey() { return self; }
    public Refusals refused() { return refused; }
    public void onRemoval(RemovalListener l) { removalListeners.add(l); }
    public void onSubpeerChange(SubpeerListener l) { subpeerListeners.add(l); }

    // ---- membership (the replica) ----

    /** A member in good standing right now: may send, receive and signal. */
    public boolean isActive(String pubkey) {
        MeshState st = replica.state();
        return st != null && st.isActive(pubkey, clock.getAsLong());
    }

    /**
     * Whether this member's grants (docs/protocol.md §6.3) let {@code sender} send it an envelope of
     * {@code channel}: null when they do (or no replica yet: the active-member check refuses then), else why not.
     * The same rule as the coordinator's, applied to every path (relay deliveries and direct channels).
     * Member-keyed: a sender that is a session is judged by its parent's entry.
     */
    public String grantRefusal(String sender, Channel channel) {
        MeshState st = replica.state();
        if (st == null || channel == null) return null;
        String cap = Caps.forChannel(channel);
        String member = memberOf(sender);
        if (st.grants(self, member, cap)) return null;
        return "sender " + sender + (member.equals(sender) ? "" : " (a session of " + member + ")")
                + " lacks the grant '" + cap + "' of this member (meshwire grants)";
    }

    /**
     * Whether {@code recipient}'s grants (its parent's, for a session) let this member send it an envelope of
     * {@code channel} (true without a replica).
     */
    public boolean grantedBy(String recipient, Channel channel) {
        MeshState st = replica.state();
        return st == null || channel == null || st.grants(memberOf(recipient), self, Caps.forChannel(channel));
    }

    /**
     * The member behind {@code key}: the parent of a valid session with that key, the owner of an active service
     * with that key, else the key itself.
     */
    public String memberOf(String key) {
        if (isActive(key)) return key;
        Frames.PeerInfo s = session(key);
        if (s != null) return s.parent();
        ServiceEntry svc = activeService(key);
        return svc != null ? svc.attestation().owner() : key;
    }

    /**
     * The service registered with key {@code pubkey} if it is {@code active} in the replica now (docs/protocol.md
     * §6.4: not revoked, not expired, its owner an active member), else null. Envelopes signed by such a key are
     * accepted as sent by a service acting for its owner (the coordinator checked its scopes).
     */
    public ServiceEntry activeService(String pubkey) {
        MeshState st = replica.state();
        if (st == null || pubkey == null) return null;
        long now = clock.getAsLong();
        return st.service(pubkey).filter(e -> ServiceEntry.ACTIVE.equals(st.serviceStatus(e, now))).orElse(null);
    }

    /** What the state knows about {@code pubkey} (any status), if anything. */
    public Optional<MemberEntry> entry(String pubkey) {
        MeshState st = replica.state();
        return st == null ? Optional.empty() : st.entry(pubkey);
    }

    /** True once the replica holds a verified history (members can be named). */
    public boolean known() {
        return replica.version() > 0;
    }

    /** Every key the state knows (active, expired, banned, revoked) with presence; self first, then by name. */
    public List<Member> members() {
        MeshState st = replica.state();
        if (st == null) return List.of();
        long now = clock.getAsLong();
        List<Member> out = new ArrayList<>();
        for (MemberEntry e : st.entries()) out.add(view(e, now));
        out.sort(Comparator.comparing((Member m) -> !m.self()).thenComparing(m -> m.name() == null ? "~" : m.name())
                .thenComparing(Member::pubkey));
        return out;
    }

    /** One key with presence, or null if the state does not know it. */
    public Member member(String pubkey) {
        return entry(pubkey).map(e -> view(e, clock.getAsLong())).orElse(null);
    }

    /** An active member as target resolution and transport selection see it (with presence), or null. */
    public Frames.PeerInfo peer(String pubkey) {
        if (!isActive(pubkey)) {
            SessionView v = pubkey == null ? null : sessions.get(pubkey);
            if (v != null && v.online() && valid(v, clock.getAsLong())) return v.info();
            ServiceEntry svc = activeService(pubkey);
            return svc == null ? null : serviceInfo(svc);
        }
        MemberEntry e = entry(pubkey).orElse(null);
        return e == null ? null : info(e);
    }

    // ---- services (the replica's active services, with the coordinator's presence) ----

    /**
     * An active service as target resolution sees it: name {@code <owner name>/<serviceId>} (the sender name its
     * envelopes are stored with), role {@link #SERVICE_ROLE}, {@code parent} = its owner, online when the
     * coordinator reported its connection. Relay only (no capabilities).
     */
    private Frames.PeerInfo serviceInfo(ServiceEntry e) {
        var a = e.attestation();
        Frames.PeerInfo reported = servicesOnline.get(a.servicePubkey());
        boolean online = reported != null && a.owner().equals(reported.parent());
        return new Frames.PeerInfo(a.servicePubkey(), serviceName(a), SERVICE_ROLE, online, online ? reported.connectedSince() : null, null,
                a.owner(), null);
    }

    /** {@code <owner name>/<serviceId>}: how a service is named in {@code peers}, {@code send} and inbox rows. */
    public String serviceName(dev.meshwire.signaling.service.ServiceAttestation a) {
        return entry(a.owner()).map(MemberEntry::name).orElse("?") + '/' + a.serviceId();
    }

    /** Every service active in the replica now (online or not), by key. */
    public List<Frames.PeerInfo> activeServices() {
        MeshState st = replica.state();
        if (st == null) return List.of();
        long now = clock.getAsLong();
        return st.services().stream().filter(e -> ServiceEntry.ACTIVE.equals(st.serviceStatus(e, now))).map(this::serviceInfo)
                .sorted(Comparator.comparing(Frames.PeerInfo::pubkey)).toList();
    }

    /** Active services whose connection the coordinator reports online now, by key. */
    public List<Frames.PeerInfo> onlineServices() {
        return activeServices().stream().filter(Frames.PeerInfo::online).toList();
    }

    /**
     * Why {@code recipient} may not be sent an envelope of {@code channel}, or null: a service receives only the
     * channels its read scopes allow ({@code Scopes.mayReceive}, docs/protocol.md §6.4); members and sessions
     * receive everything (their grants are the coordinator's and their own daemon's business).
     */
    public String receiveRefusal(String recipient, Channel channel) {
        ServiceEntry svc = activeService(recipient);
        if (svc == null || Scopes.mayReceive(Scopes.fromCsv(svc.attestation().scopes()), channel)) return null;
        return "service '" + serviceName(svc.attestation()) + "' may not receive " + channel.wireName() + " messages: its scopes ("
                + svc.attestation().scopes() + ") lack " + Scopes.readScopeFor(channel);
    }

    /**
     * For a key this daemon holds for its member ({@code held}: a session or a delegated service), why an envelope of
     * {@code channel} to it must not be stored, or null: a registered service that is no longer active (revoked,
     * expired, owner gone), or one whose read scopes do not allow the channel. Sessions: null.
     */
    public String heldRefusal(String held, Channel channel) {
        MeshState st = replica.state();
        ServiceEntry e = st == null ? null : st.service(held).orElse(null);
        if (e == null) return null;
        String status = st.serviceStatus(e, clock.getAsLong());
        if (!ServiceEntry.ACTIVE.equals(status)) return "service '" + serviceName(e.attestation()) + "' is " + status;
        return receiveRefusal(held, channel);
    }

    // ---- sessions (presence with a parent; never members) ----

    /** Records a reported session if its attestation verifies now and names the same key and parent; else ignores it. */
    private void noteSession(Frames.PeerInfo p, boolean online) {
        var a = p.attestation();
        if (a == null || !p.pubkey().equals(a.sessionPubkey()) || !a.parentPubkey().equals(p.parent())
                || !a.verify(clock.getAsLong()).ok()) {
            return;
        }
        sessions.put(p.pubkey(), new SessionView(p, online));
    }

    /**
     * Records a reported service connection. Kept even when the replica does not know the key yet (the gossip of
     * its registration may come after the presence event): {@link #serviceInfo} shows it online only for an
     * active service of that owner.
     */
    private void noteService(Frames.PeerInfo p) {
        servicesOnline.put(p.pubkey(), p.connectedSince() != null ? p : new Frames.PeerInfo(p.pubkey(), p.name(), p.role(), true,
                clock.getAsLong(), null, p.parent(), null));
    }

    private boolean valid(SessionView v, long now) {
        return v.info().attestation().expiresAt() > now && isActive(v.info().parent());
    }

    /** A session whose attestation is valid now and whose parent is an active member (online or not), or null. */
    public Frames.PeerInfo session(String pubkey) {
        SessionView v = pubkey == null ? null : sessions.get(pubkey);
        return v != null && valid(v, clock.getAsLong()) ? v.info() : null;
    }

    /** True when envelopes signed by {@code pubkey} come from a valid session of an active member. */
    public boolean isActiveSession(String pubkey) {
        return session(pubkey) != null;
    }

    /** Sessions online now with a valid attestation and an active parent, by key. */
    public List<Frames.PeerInfo> onlineSessions() {
        long now = clock.getAsLong();
        List<Frames.PeerInfo> out = new ArrayList<>();
        for (SessionView v : sessions.values()) if (v.online() && valid(v, now)) out.add(v.info());
        out.sort(Comparator.comparing(Frames.PeerInfo::pubkey));
        return out;
    }

    /** Every active member, self included, with presence. */
    public List<Frames.PeerInfo> active() {
        MeshState st = replica.state();
        if (st == null) return List.of();
        long now = clock.getAsLong();
        List<Frames.PeerInfo> out = new ArrayList<>();
        for (MemberEntry e : st.entries()) if (e.activeAt(now)) out.add(info(e));
        return out;
    }

    /**
     * The one resolver of what a user typed, for every verb ({@code send}, {@code ping}, {@code kick}, ...): a
     * display name (exact, then any case), a public key prefix of at least 8 hex characters, or a full key (any
     * case), among the active members, online or not. Refusals: {@code unknown_peer} (listing every other
     * member; a banned, revoked or expired key is named as such), {@code ambiguous_peer} (listing the
     * candidates), yourself when {@code how} refuses it.
     */
    public Frames.PeerInfo resolve(String to, PeerLookup how) {
        String t = to == null ? "" : to.trim();
        String lower = t.toLowerCase(Locale.ROOT);
        if (Hex.isHex(lower, 64)) {
            if (lower.equals(self)) return checkSelf(to, how, info(entry(self).orElse(null), lower));
            Frames.PeerInfo known = peer(lower);
            if (known != null) return known;
            Frames.PeerInfo sess = session(lower);
            if (sess != null) return sess;
            Optional<MemberEntry> e = entry(lower);
            if (e.isPresent()) {
                throw new PeerException(PeerException.UNKNOWN_PEER, "'" + to + "' is not an active member of mesh '"
                        + replica.meshName() + "' (" + (e.get().expiredAt(clock.getAsLong()) ? Member.EXPIRED : e.get().status()) + ")");
            }
            if (how.acceptUnknownKey()) return new Frames.PeerInfo(lower, null, "member", false, null, null);
        }
        requireKnown("cannot resolve '" + to + "'");
        Frames.PeerInfo p;
        try {
            List<Frames.PeerInfo> candidates = new ArrayList<>(active());
            candidates.addAll(onlineSessions()); // by label ("alice/build") or key prefix
            candidates.addAll(activeServices()); // by "<owner>/<serviceId>" or key prefix
            p = TargetResolver.resolveOne(to, candidates, self, false);
        } catch (PeerException unknown) {
            if (!PeerException.UNKNOWN_PEER.equals(unknown.code())) throw unknown;
            // A service's bare id ("hook") when exactly one active service has it and nothing else matched.
            List<Frames.PeerInfo> byId = activeServices().stream().filter(v -> v.name().endsWith('/' + t)).toList();
            if (byId.size() == 1) return byId.get(0);
            throw removed(to).orElse(unknown);
        }
        return checkSelf(to, how, p);
    }

    /**
     * {@link #resolve} for a verb that may address a sub-peer ({@code send}): a name {@code <kind>:<local>} that a
     * service this replica shows active fronts or fronted (docs/protocol.md §6.5) resolves to that service, with the
     * sub-peer's name; anything else is {@link #resolve}. {@code ambiguous_peer} when several services front it.
     */
    public Address resolveAddress(String to, PeerLookup how) {
        String t = to == null ? "" : to.trim();
        if (t.indexOf(':') > 0 && dev.meshwire.signaling.subpeer.SubpeerSet.nameProblem(t) == null) {
            List<Frames.PeerInfo> fronts = new ArrayList<>();
            for (SubpeerDirectory.Entry e : subpeers.named(t)) {
                ServiceEntry svc = frontingService(e.service());
                if (svc != null && fronts.stream().noneMatch(p -> p.pubkey().equals(e.service()))) fronts.add(serviceInfo(svc));
            }
            if (fronts.size() == 1) return new Address(fronts.get(0), t);
            if (fronts.size() > 1) {
                List<String> names = fronts.stream().map(Frames.PeerInfo::name).sorted().toList();
                throw new PeerException(PeerException.AMBIGUOUS_PEER, "'" + t + "' is fronted by " + fronts.size() + " services: "
                        + String.join(", ", names) + "; send to one of them with the text prefix instead (\"" + t + " <text>\")", names);
            }
        }
        return new Address(resolve(to, how), null);
    }

    private Frames.PeerInfo checkSelf(String to, PeerLookup how, Frames.PeerInfo p) {
        if (how.selfCode() != null && p.pubkey().equals(self)) {
            throw new PeerException(how.selfCode(), "refusing to " + how.verb() + " yourself ('" + to.trim() + "' is you)");
        }
        return p;
    }

    private Frames.PeerInfo info(MemberEntry e, String pubkey) {
        return e != null ? info(e) : new Frames.PeerInfo(pubkey, null, "member", false, null, null);
    }

    /** Says why {@code to} cannot be addressed when it names a banned, revoked or expired key. */
    private Optional<PeerException> removed(String to) {
        String t = to.trim();
        String lower = t.toLowerCase(Locale.ROOT);
        List<Member> gone = members().stream().filter(m -> !m.active()).filter(m -> t.equalsIgnoreCase(m.name())
                || (lower.length() >= TargetResolver.MIN_PREFIX && m.pubkey().startsWith(lower))).toList();
        if (gone.size() != 1) return Optional.empty();
        Member m = gone.get(0);
        String why = m.reason() != null && !m.reason().isBlank() ? ": " + m.reason() : "";
        String label = (m.name() != null ? "'" + m.name() + "' (" : "(") + m.pubkey().substring(0, 12) + ")";
        return Optional.of(new PeerException(PeerException.UNKNOWN_PEER, label + " is " + m.status() + " in mesh '" + replica.meshName()
                + "'" + why + "; nothing can be sent to that key"));
    }

    /**
     * {@code *}: every active member except self, online or not (the coordinator queues for offline ones), and every
     * session online now (this member's own included: each is another app), once each.
     */
    public List<Frames.PeerInfo> everyone() {
        requireKnown("'*' needs it");
        List<Frames.PeerInfo> out = new ArrayList<>(active().stream().filter(p -> !p.pubkey().equals(self))
                .sorted(Comparator.comparing(Frames.PeerInfo::pubkey)).toList());
        out.addAll(onlineSessions());
        // Online services only (the coordinator cannot queue for a service key it has no connection of), and only
        // those whose scopes let them receive a group message: no copy is sealed for the others.
        for (Frames.PeerInfo v : onlineServices()) if (receiveRefusal(v.pubkey(), Channel.GROUP) == null) out.add(v);
        if (out.isEmpty()) {
            throw new PeerException(PeerException.NO_ONLINE_PEERS, "there is no other member in mesh '" + replica.meshName() + "'");
        }
        return out;
    }

    // ---- groups (docs/protocol.md §12.1) ----

    /** Group {@code name} (without {@code @}) in the verified state. @throws PeerException unknown_group */
    public GroupEntry group(String name) {
        requireKnown("groups need it");
        MeshState st = replica.state();
        return st.channels().group(name).orElseThrow(() -> new PeerException(PeerException.UNKNOWN_GROUP, "no group @" + name
                + " in mesh '" + replica.meshName() + "'" + (st.channels().groups().isEmpty() ? " (it has no groups; create one with 'meshwire group create')"
                : "; groups: " + String.join(", ", st.channels().groups().stream().map(g -> "@" + g.name()).toList()))));
    }

    /**
     * {@code @name}: the active members of the group other than self, online or not (the coordinator queues for offline
     * ones), sorted by key. The sender need not be in the group. @throws PeerException unknown_group, empty_group
     */
    public List<Frames.PeerInfo> groupRecipients(String name) {
        return groupRecipients(name, self);
    }

    /**
     * {@link #groupRecipients(String)} for a sender {@code sender} that is not this member (a session or service this
     * daemon holds: its member is someone else to it and gets a copy when in the group).
     */
    public List<Frames.PeerInfo> groupRecipients(String name, String sender) {
        GroupEntry g = group(name);
        long now = clock.getAsLong();
        MeshState st = replica.state();
        List<Frames.PeerInfo> out = new ArrayList<>();
        for (GroupEntry.Member m : g.members()) {
            if (m.pubkey().equals(sender)) continue;
            st.entry(m.pubkey()).filter(e -> e.activeAt(now)).ifPresent(e -> out.add(info(e)));
        }
        if (out.isEmpty()) {
            throw new PeerException(PeerException.EMPTY_GROUP, "group @" + name + " has no active member other than "
                    + (sender.equals(self) ? "you" : "the sender")
                    + (g.members().isEmpty() ? " (it is empty; add members with 'meshwire group add " + name + " MEMBER')" : ""));
        }
        return out;
    }

    /** Whether {@code pubkey} is in group {@code name} in the verified state (false when there is no such group or state). */
    public boolean inGroup(String name, String pubkey) {
        MeshState st = replica.state();
        return st != null && st.channels().group(name).map(g -> g.includes(pubkey)).orElse(false);
    }

    public long activeCount() {
        return active().size();
    }

    /** Active members other than self that are online. */
    public long onlineCount() {
        return active().stream().filter(p -> p.online() && !p.pubkey().equals(self)).count();
    }

    private void requireKnown(String what) {
        if (!known()) {
            throw new PeerException(PeerException.COORDINATOR_UNREACHABLE, "the member list of mesh '" + replica.meshName()
                    + "' is not known yet (no verified mesh state; is the coordinator reachable?); " + what);
        }
    }

    // ---- presence (the coordinator's reports) ----

    /** {@code hello_ack}: exactly {@code self} and {@code peers} are online now. */
    public void onHelloAck(Frames.HelloAck ack) {
        List<Frames.PeerInfo> all = new ArrayList<>();
        if (ack.peers() != null) all.addAll(ack.peers());
        if (ack.self() != null) all.add(ack.self());
        replacePresence(all);
    }

    /** A {@code peers} answer: exactly these are online. */
    public void onPeers(List<Frames.PeerInfo> peers) {
        if (peers != null) replacePresence(peers);
    }

    public void peerJoined(Frames.PeerInfo p) {
        if (p == null || p.pubkey() == null) return;
        if (p.isSession()) {
            if (p.attestation() == null) noteService(p);
            else noteSession(p, true);
            return;
        }
        long now = clock.getAsLong();
        presence.put(p.pubkey(), new Presence(true, p.connectedSince() != null ? p.connectedSince() : now, p.capabilities(), now));
    }

    public void peerLeft(String pubkey) {
        peerLeft(pubkey, null);
    }

    /** {@code peer_left} with its reason: a service's sub-peers go offline with it. */
    public void peerLeft(String pubkey, String reason) {
        if (pubkey == null) return;
        if (servicesOnline.remove(pubkey) != null) subpeersGone(pubkey, reason == null ? "disconnected" : reason);
        sessions.computeIfPresent(pubkey, (k, v) -> new SessionView(v.info(), false));
        long now = clock.getAsLong();
        presence.computeIfPresent(pubkey, (k, old) -> new Presence(false, null, old.capabilities(), now));
    }

    /** Our connection ended: nobody is known to be online (last seen stays). */
    public void linkDown() {
        long now = clock.getAsLong();
        servicesOnline.clear();
        subpeers.linkDown(now);
        sessions.replaceAll((k, v) -> new SessionView(v.info(), false));
        presence.replaceAll((k, old) -> old.online() ? new Presence(false, null, old.capabilities(), now) : old);
    }

    private void replacePresence(List<Frames.PeerInfo> online) {
        long now = clock.getAsLong();
        Set<String> on = new HashSet<>();
        sessions.replaceAll((k, v) -> new SessionView(v.info(), false));
        servicesOnline.clear();
        for (Frames.PeerInfo p : online) {
            if (p != null && p.pubkey() != null && p.isSession()) {
                if (p.attestation() == null) noteService(p);
                else noteSession(p, true);
                continue;
            }
            if (p == null || p.pubkey() == null || !p.online() && !p.pubkey().equals(self)) continue;
            on.add(p.pubkey());
            presence.put(p.pubkey(), new Presence(true, p.connectedSince() != null ? p.connectedSince() : now, p.capabilities(), now));
        }
        presence.replaceAll((k, old) -> on.contains(k) || !old.online() ? old : new Presence(false, null, old.capabilities(), now));
    }

    // ---- sub-peers (docs/protocol.md §6.5) ----

    /**
     * An active service of a type that may front sub-peers, or null. Checked when sub-peers are listed or addressed, not
     * when a statement arrives: the gossip of a service's registration may reach the replica after its first statement.
     */
    private ServiceEntry frontingService(String pubkey) {
        ServiceEntry svc = activeService(pubkey);
        return svc != null && dev.meshwire.signaling.subpeer.SubpeerSet.frontingRefusal(svc.attestation()) == null ? svc : null;
    }

    /**
     * A {@code subpeers} frame: kept when it is well formed, signed by its service key for this mesh, newer than the
     * service's last one, and the service is not known to be inactive or unable to front (a registration the replica has
     * not applied yet is given the benefit of the doubt: listing and addressing check again). Listeners hear what changed.
     */
    public void onSubpeers(Frames.Subpeers f) {
        if (f == null || f.service() == null) return;
        var set = new dev.meshwire.signaling.subpeer.SubpeerSet(replica.meshId(), f.service(), f.seq(), f.names(), f.signature());
        if (!set.valid()) {
            org.slf4j.LoggerFactory.getLogger(MeshRoster.class).warn("mesh {}: subpeers of {} refused: {}", replica.meshName(),
                    f.service().substring(0, Math.min(12, f.service().length())), set.problem() != null ? set.problem() : "bad signature");
            return;
        }
        MeshState st = replica.state();
        ServiceEntry known = st == null ? null : st.service(f.service()).orElse(null);
        if (known != null && frontingService(f.service()) == null) return; // revoked, expired, or not a fronting type
        SubpeerDirectory.Change c = subpeers.apply(set, Boolean.TRUE.equals(f.initial()), clock.getAsLong());
        if (c == null || c.empty()) return;
        String name = known != null ? serviceName(known.attestation()) : f.service().substring(0, 12);
        for (SubpeerListener l : subpeerListeners) {
            try {
                l.changed(this, f.service(), name, c.joined(), c.left(), null);
            } catch (RuntimeException x) {
                org.slf4j.LoggerFactory.getLogger(MeshRoster.class).warn("sub-peer listener failed", x);
            }
        }
    }

    /** The sub-peers of services active (and allowed to front) now: online ones, then those seen before. */
    public List<SubpeerDirectory.Entry> subpeers() {
        return subpeers.entries().stream().filter(e -> frontingService(e.service()) != null).toList();
    }

    /**
     * {@code <owner>/<serviceId>} of a service key the replica knows, whatever its status (a revoked service is still
     * named by what it was), or the key's first 12 hex digits.
     */
    public String serviceLabel(String pubkey) {
        MeshState st = replica.state();
        ServiceEntry svc = st == null ? null : st.service(pubkey).orElse(null);
        return svc != null ? serviceName(svc.attestation()) : pubkey.substring(0, Math.min(12, pubkey.length()));
    }

    private void subpeersGone(String service, String why) {
        List<String> gone = subpeers.serviceGone(service, clock.getAsLong());
        if (gone.isEmpty()) return;
        String name = serviceLabel(service);
        for (SubpeerListener l : subpeerListeners) {
            try {
                l.changed(this, service, name, List.of(), gone, why);
            } catch (RuntimeException x) {
                org.slf4j.LoggerFactory.getLogger(MeshRoster.class).warn("sub-peer listener failed", x);
            }
        }
    }

    // ---- removals ----

    /** Re-evaluates who is active at the clock's now (expiries); the daemon calls it periodically. */
    public void tick() {
        long now = clock.getAsLong();
        sessions.values().removeIf(v -> v.info().attestation().expiresAt() <= now); // expired attestations are forgotten
        recompute();
    }

    private void recompute() {
        record Removal(String key, String status, String reason) {}
        List<Removal> removed = new ArrayList<>();
        // Serialized, and the state is read inside: two concurrent checks cannot report a key twice or revive it.
        synchronized (this) {
            MeshState st = replica.state();
            long now = clock.getAsLong();
            Set<String> nowActive = new HashSet<>();
            if (st != null) {
                for (MemberEntry e : st.entries()) {
                    if (e.name() != null) lastNames.put(e.pubkey(), e.name());
                    if (e.activeAt(now)) nowActive.add(e.pubkey());
                }
            }
            for (String k : activeKeys) {
                if (nowActive.contains(k)) continue;
                MemberEntry e = st == null ? null : st.entry(k).orElse(null);
                removed.add(new Removal(k, e == null ? "left" : e.expiredAt(now) ? Member.EXPIRED : e.status(),
                        e == null ? null : e.reason()));
            }
            activeKeys = nowActive;
        }
        for (Removal r : removed) {
            for (RemovalListener l : removalListeners) {
                try {
                    l.removed(this, r.key(), lastNames.get(r.key()), r.status(), r.reason());
                } catch (RuntimeException x) {
                    org.slf4j.LoggerFactory.getLogger(MeshRoster.class).warn("removal listener failed", x);
                }
            }
        }
    }

    private Member view(MemberEntry e, long now) {
        Presence p = presence.get(e.pubkey());
        boolean isSelf = e.pubkey().equals(self);
        boolean online = p != null && p.online() && e.activeAt(now);
        String status = e.expiredAt(now) ? Member.EXPIRED : e.status();
        Boolean p2p = p == null || p.capabilities() == null ? null : p.capabilities().p2p();
        return new Member(e.pubkey(), e.name(), e.role(), status, isSelf, online, online ? p.connectedSince() : null,
                p == null ? null : p.lastSeen(), p2p, e.joinedAt(), e.expiresAt(),
                MemberEntry.ACTIVE.equals(e.status()) ? null : e.since(), e.reason(), MemberEntry.ACTIVE.equals(e.status()) ? null : e.by());
    }

    private Frames.PeerInfo info(MemberEntry e) {
        Presence p = presence.get(e.pubkey());
        boolean online = p != null && p.online();
        return new Frames.PeerInfo(e.pubkey(), e.name(), e.role(), online, online ? p.connectedSince() : null,
                p == null ? null : p.capabilities());
    }
}
