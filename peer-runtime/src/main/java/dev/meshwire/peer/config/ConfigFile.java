package dev.meshwire.peer.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.signaling.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;

/**
 * {@code $MESHWIRE_HOME/config.json}: one flat JSON object from config keys to values, e.g.
 * {@code {"p2p.mode": "off", "log.level": "debug"}}. Values are strings (numbers are accepted and read as their
 * text). A missing file is an empty config. Reading checks every key and value, so a typo fails the daemon's start
 * with a line naming the file and the key instead of being ignored. Written atomically with mode 0600 (the file sits
 * next to keys and tokens and is owned by the same user).
 *
 * <p>JSON rather than TOML: the project already ships Jackson 2.18, and the TOML data format of that line is not
 * available here; a flat object keeps {@code config set} and hand edits equally simple.
 */
public final class ConfigFile {
    public static final String NAME = "config.json";

    private final Path path;
    private final Map<ConfigKey, String> values;

    private ConfigFile(Path path, Map<ConfigKey, String> values) {
        this.path = path;
        this.values = Collections.unmodifiableMap(values);
    }

    /** No file at all (for callers that configure only through the environment, such as tests). */
    public static ConfigFile none() {
        return new ConfigFile(null, new EnumMap<>(ConfigKey.class));
    }

    public static Path pathOf(MeshwireHome home) {
        return home.root().resolve(NAME);
    }

    /**
     * Reads and checks the home's config file.
     *
     * @throws PeerException BAD_REQUEST naming the file and the key when the file is not a JSON object, a key is
     *                       unknown (with the likely key) or a value is not valid
     */
    public static ConfigFile read(MeshwireHome home) {
        Path p = pathOf(home);
        String text;
        try {
            text = Files.readString(p);
        } catch (NoSuchFileException e) {
            return new ConfigFile(p, new EnumMap<>(ConfigKey.class));
        } catch (IOException e) {
            throw new PeerException(PeerException.BAD_REQUEST, "cannot read " + p + ": " + e.getMessage());
        }
        JsonNode root;
        try {
            root = text.isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new PeerException(PeerException.BAD_REQUEST, p + " is not valid JSON (a flat object like {\"p2p.mode\": \"off\"})");
        }
        if (root == null || !root.isObject()) {
            throw new PeerException(PeerException.BAD_REQUEST, p + " must hold one JSON object like {\"p2p.mode\": \"off\"}");
        }
        Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            ConfigKey k = ConfigKey.byKey(e.getKey()).orElseThrow(() -> new PeerException(PeerException.BAD_REQUEST,
                    KeyNames.unknown(e.getKey()) + " in " + p));
            JsonNode v = e.getValue();
            if (!v.isTextual() && !v.isNumber()) {
                throw new PeerException(PeerException.BAD_REQUEST, k.key() + " in " + p + " must be a string or a number");
            }
            try {
                values.put(k, k.normalize(v.asText()));
            } catch (IllegalArgumentException bad) {
                throw new PeerException(PeerException.BAD_REQUEST, k.key() + " in " + p + " " + bad.getMessage());
            }
        }
        return new ConfigFile(p, values);
    }

    /** The file's value for {@code k}, or null. */
    public String get(ConfigKey k) {
        return values.get(k);
    }

    public Path path() {
        return path;
    }

    /** A copy of this file with {@code k} set to {@code value} (already normalized), or removed when value is null. */
    public ConfigFile with(ConfigKey k, String value) {
        Map<ConfigKey, String> m = new EnumMap<>(ConfigKey.class);
        m.putAll(values);
        if (value == null) m.remove(k);
        else m.put(k, value);
        return new ConfigFile(path, m);
    }

    /** Writes this file atomically, 0600, keys in the documented order. */
    public void write() {
        if (path == null) throw new IllegalStateException("no config file path");
        ObjectNode o = Json.MAPPER.createObjectNode();
        values.forEach((k, v) -> o.put(k.key(), v));
        try {
            MeshwireHome.writePrivate(path, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n");
        } catch (IOException e) {
            throw new PeerException(PeerException.BAD_REQUEST, "cannot write " + path + ": " + e.getMessage());
        }
    }
}
