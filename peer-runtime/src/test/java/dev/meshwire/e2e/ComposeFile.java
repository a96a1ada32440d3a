package dev.meshwire.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The parts of a compose file that say what runs: each service's entrypoint, command, environment, named volumes,
 * health check and dependencies, after compose's variable interpolation ({@code ${VAR}}, {@code ${VAR:-default}},
 * nested defaults, {@code $$} for a literal {@code $}) with the variables given. Anchors and merge keys ({@code <<})
 * are resolved by SnakeYAML as compose resolves them.
 */
final class ComposeFile {
    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^{}]*(?:\\{[^{}]*}[^{}]*)*))?}");

    /** One service. {@code entrypoint} and {@code command} are null when the file does not set them (the image's apply). */
    record Service(String name, List<String> entrypoint, List<String> command, Map<String, String> environment,
                   Map<String, String> volumes, List<String> healthcheck, List<String> dependsOn, List<String> profiles) {}

    private final Map<String, Service> services = new LinkedHashMap<>();
    private final Map<String, Object> root;

    @SuppressWarnings("unchecked")
    ComposeFile(Path file, Map<String, String> variables) throws IOException {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        root = (Map<String, Object>) new Yaml(options).load(Files.readString(file));
        Map<String, Object> svc = (Map<String, Object>) root.get("services");
        for (Map.Entry<String, Object> e : svc.entrySet()) {
            Map<String, Object> s = (Map<String, Object>) e.getValue();
            Function<String, String> in = v -> interpolate(v, variables);
            Map<String, String> env = new LinkedHashMap<>();
            Object rawEnv = s.get("environment");
            if (rawEnv instanceof Map<?, ?> m) {
                m.forEach((k, v) -> env.put(String.valueOf(k), v == null ? "" : in.apply(String.valueOf(v))));
            } else if (rawEnv instanceof List<?> l) {
                for (Object item : l) {
                    String kv = in.apply(String.valueOf(item));
                    int eq = kv.indexOf('=');
                    env.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : kv.substring(eq + 1));
                }
            }
            Map<String, String> volumes = new LinkedHashMap<>();
            for (Object v : (List<Object>) s.getOrDefault("volumes", List.of())) {
                String[] parts = in.apply(String.valueOf(v)).split(":");
                volumes.put(parts[1], parts[0]); // container path -> volume name
            }
            List<String> health = null;
            if (s.get("healthcheck") instanceof Map<?, ?> hc) health = strings(hc.get("test"), in);
            List<String> deps = new ArrayList<>();
            Object d = s.get("depends_on");
            if (d instanceof Map<?, ?> m) m.keySet().forEach(k -> deps.add(String.valueOf(k)));
            else if (d instanceof List<?> l) l.forEach(k -> deps.add(String.valueOf(k)));
            services.put(e.getKey(), new Service(e.getKey(), strings(s.get("entrypoint"), in), strings(s.get("command"), in), env,
                    volumes, health, deps, strings(s.getOrDefault("profiles", List.of()), in)));
        }
    }

    private static List<String> strings(Object o, Function<String, String> in) {
        if (o == null) return null;
        if (o instanceof List<?> l) return l.stream().map(x -> in.apply(String.valueOf(x))).toList();
        return List.of(in.apply(String.valueOf(o))); // a string command: compose splits it like a shell; none here
    }

    Service service(String name) {
        Service s = services.get(name);
        if (s == null) throw new AssertionError("compose file has no service " + name + "; it has " + services.keySet());
        return s;
    }

    Map<String, Service> services() {
        return services;
    }

    /** The top-level keys (services, volumes, ...). */
    Map<String, Object> root() {
        return root;
    }

    /** Compose's interpolation: variables from {@code vars}, else the default after {@code :-}, else empty; {@code $$} is {@code $}. */
    static String interpolate(String text, Map<String, String> vars) {
        String escaped = text.replace("$$", "\u0000");
        String out = escaped;
        // Repeated, so a default may itself hold ${...} (resolved in the next round).
        for (int guard = 0; guard < 20; guard++) {
            Matcher m = VAR.matcher(out);
            StringBuilder b = new StringBuilder();
            boolean any = false;
            while (m.find()) {
                any = true;
                String value = vars.get(m.group(1));
                if (value == null || value.isEmpty()) value = m.group(2) != null ? m.group(2) : "";
                m.appendReplacement(b, Matcher.quoteReplacement(value));
            }
            m.appendTail(b);
            out = b.toString();
            if (!any) break;
        }
        return out.replace("\u0000", "$");
    }
}
