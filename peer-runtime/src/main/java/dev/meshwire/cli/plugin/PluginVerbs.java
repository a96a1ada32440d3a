package dev.meshwire.cli.plugin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.ServiceLoader;

/** The {@link VerbPlugin}s on the class path, minus those whose name a built-in verb already has. */
public final class PluginVerbs {
    private PluginVerbs() {}

    /**
     * Every plug-in on the class path whose verb is not in {@code builtIn}, in class-path order. A clash is reported on
     * {@code warnings} (one line) and the plug-in skipped; a plug-in that cannot be loaded (a broken jar) too.
     */
    public static List<VerbPlugin> load(Collection<String> builtIn, java.io.PrintStream warnings) {
        List<VerbPlugin> found = new ArrayList<>();
        var it = ServiceLoader.load(VerbPlugin.class, PluginVerbs.class.getClassLoader()).iterator();
        while (true) {
            VerbPlugin p;
            try {
                if (!it.hasNext()) break;
                p = it.next();
            } catch (java.util.ServiceConfigurationError e) {
                warnings.println("meshwire: a plug-in verb could not be loaded: " + e.getMessage());
                continue;
            }
            if (builtIn.contains(p.name()) || found.stream().anyMatch(f -> f.name().equals(p.name()))) {
                warnings.println("meshwire: the plug-in verb '" + p.name() + "' (" + p.getClass().getName() + ") is ignored: that verb exists already");
                continue;
            }
            found.add(p);
        }
        return found;
    }
}
