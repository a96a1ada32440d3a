package dev.meshwire.signaling.crypto;

import com.goterl.lazysodium.LazySodiumJava;
import com.goterl.lazysodium.SodiumJava;
import com.goterl.lazysodium.utils.LibraryLoader;

/**
 * The process-wide libsodium binding. Loading the native library takes 150–250 ms, so it happens
 * once, lazily, on first use. The bundled library is used so that no system package is needed.
 */
public final class Sodium {
    private Sodium() {}

    private static final class Holder {
        static final LazySodiumJava LAZY = new LazySodiumJava(new SodiumJava(LibraryLoader.Mode.BUNDLED_ONLY));
    }

    public static LazySodiumJava get() {
        return Holder.LAZY;
    }

    /** Cryptographically secure random bytes from libsodium's CSPRNG. */
    public static byte[] randomBytes(int n) {
        return get().randomBytesBuf(n);
    }
}
