package dev.meshwire.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The text of a hardened systemd unit for a long-running meshwire command (the daemon's {@code up --foreground}, or
 * {@code coordinator}). The command line is pinned: absolute JVM path, absolute jar (or class path), absolute home or
 * data directory — so a later {@code PATH}, {@code JAVA_HOME} or working directory cannot change what runs.
 *
 * <p>The sandbox: no new privileges, the whole file system read-only ({@code ProtectSystem=strict}) except the one
 * state directory ({@code ReadWritePaths}), home directories read-only when the JVM, jar or state live under them and
 * hidden otherwise, private /tmp and /dev, no kernel tunables/modules/logs/cgroups/clock/hostname changes, only IP,
 * Unix and netlink sockets (WebRTC and the TURN code enumerate interfaces through netlink), no namespaces, no
 * realtime, no SUID, native system calls only, umask 0077. Not set, on purpose: {@code MemoryDenyWriteExecute}
 * (the JVM's JIT writes code) and a system-call filter (the JVM and WebRTC's native threads use a wide set).
 *
 * @param description    the unit's Description
 * @param command        the absolute command line
 * @param writable       the one directory the service writes (the meshwire home, the coordinator's data)
 * @param system         a system unit ({@code User=} and capabilities apply) rather than a user unit
 * @param runAs          the account of a system unit (null: root)
 * @param bindLowPorts   keep CAP_NET_BIND_SERVICE (the coordinator may listen below 1024); otherwise no capabilities
 */
record ServiceUnit(String description, List<String> command, Path writable, boolean system, String runAs, boolean bindLowPorts) {

    String text() {
        List<String> l = new ArrayList<>();
        l.add("# Written by 'meshwire install-service'; 'meshwire uninstall-service' removes it.");
        l.add("[Unit]");
        l.add("Description=" + description);
        l.add("After=network-online.target");
        l.add("Wants=network-online.target");
        l.add("");
        l.add("[Service]");
        l.add("Type=simple");
        l.add("ExecStart=" + String.join(" ", command.stream().map(ServiceUnit::quote).toList()));
        if (system && runAs != null) l.add("User=" + runAs);
        l.add("Restart=on-failure");
        l.add("RestartSec=5s");
        l.add("# SIGTERM runs the shutdown hook; the daemon closes its stores before exiting");
        l.add("TimeoutStopSec=30s");
        l.add("# a JVM stopped by SIGTERM exits 143 (128+15) when it did not end itself first");
        l.add("SuccessExitStatus=143");
        l.add("UMask=0077");
        l.add("NoNewPrivileges=yes");
        l.add("ProtectSystem=strict");
        l.add("ProtectHome=" + (underHomes() ? "read-only" : "yes"));
        l.add("ReadWritePaths=" + quote(writable.toString()));
        // a private /tmp would hide state kept under /tmp (a test or throwaway home): then /tmp stays shared
        boolean stateInTmp = writable.startsWith("/tmp") || writable.startsWith("/var/tmp");
        l.add("PrivateTmp=" + (stateInTmp ? "no" : "yes"));
        l.add("PrivateDevices=yes");
        l.add("ProtectKernelTunables=yes");
        l.add("ProtectKernelModules=yes");
        l.add("ProtectKernelLogs=yes");
        l.add("ProtectControlGroups=yes");
        l.add("ProtectClock=yes");
        l.add("ProtectHostname=yes");
        l.add("RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK");
        l.add("RestrictNamespaces=yes");
        l.add("RestrictRealtime=yes");
        l.add("RestrictSUIDSGID=yes");
        l.add("LockPersonality=yes");
        l.add("SystemCallArchitectures=native");
        if (system) {
            if (bindLowPorts) {
                l.add("CapabilityBoundingSet=CAP_NET_BIND_SERVICE");
                l.add("AmbientCapabilities=CAP_NET_BIND_SERVICE");
            } else {
                l.add("CapabilityBoundingSet=");
            }
        }
        l.add("");
        l.add("[Install]");
        l.add("WantedBy=" + (system ? "multi-user.target" : "default.target"));
        return String.join("\n", l) + "\n";
    }

    /** Whether the state, the JVM or the jar is under /home, /root or /run/user (then those stay visible, read-only). */
    private boolean underHomes() {
        List<String> paths = new ArrayList<>(command);
        paths.add(writable.toString());
        for (String p : paths) {
            for (String home : List.of("/home/", "/root/", "/run/user/")) {
                if (p.startsWith(home) || p.contains(":" + home)) return true;
            }
        }
        return false;
    }

    /**
     * One ExecStart word: bare when it is plain, else double-quoted with {@code \} and {@code "} escaped. Always:
     * {@code %} → {@code %%} (systemd specifiers) and {@code $} → {@code $$} (no variable expansion).
     */
    static String quote(String word) {
        String w = word.replace("%", "%%").replace("$", "$$");
        if (!w.isEmpty() && w.matches("[A-Za-z0-9_./:=@%+,$-]+")) return w;
        return "\"" + w.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
