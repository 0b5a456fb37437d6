package dev.trail.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;

/**
 * The one place that starts DJL's PyTorch engine, with Trail's defaults applied first.
 *
 * <p>Before the engine loads, each of these system properties is set unless the launcher (or an
 * environment variable, for the cache) already set it:
 * <ul>
 *   <li>{@code ai.djl.pytorch.num_threads=1} and {@code ai.djl.pytorch.num_interop_threads=1}:
 *       one libtorch thread of each kind; oversubscribing the 2-core machines made updates 10-50x
 *       slower (ARCHITECTURE §4). Set them higher on bigger machines.</li>
 *   <li>{@code ai.djl.offline=true}: libtorch comes from the {@code pytorch-native-cpu} jar on the
 *       class path and is never downloaded.</li>
 *   <li>{@code DJL_CACHE_DIR} (also read from the environment, which wins): where the native
 *       libraries are unpacked; defaults to {@code .trail/djl-cache} under the working directory
 *       instead of {@code ~/.djl.ai}.</li>
 *   <li>{@code jna.tmpdir}: {@code <DJL_CACHE_DIR>/jna}.</li>
 * </ul>
 * Launchers should also pass {@code --enable-native-access=ALL-UNNAMED}.
 */
public final class Torch {

    /** The engine name DJL registers PyTorch under. */
    public static final String ENGINE = "PyTorch";

    private static volatile Engine engine;

    private Torch() {
    }

    /** The PyTorch engine, loading it (with Trail's defaults) on first use. */
    public static Engine engine() {
        Engine e = engine;
        if (e == null) {
            synchronized (Torch.class) {
                e = engine;
                if (e == null) {
                    applyDefaults();
                    e = Engine.getEngine(ENGINE);
                    engine = e;
                }
            }
        }
        return e;
    }

    /** A new root manager on the CPU; close it when done. */
    public static NDManager newManager() {
        engine();
        return NDManager.newBaseManager(ai.djl.Device.cpu(), ENGINE);
    }

    /** Sets the defaults described in the class comment where nothing is set yet. */
    static void applyDefaults() {
        setIfAbsent("ai.djl.pytorch.num_threads", "1");
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        setIfAbsent("ai.djl.offline", "true");
        String cache = System.getenv("DJL_CACHE_DIR");
        if (cache == null || cache.isEmpty()) {
            cache = System.getProperty("DJL_CACHE_DIR");
        }
        if (cache == null || cache.isEmpty()) {
            cache = Path.of(System.getProperty("user.dir"), ".trail", "djl-cache").toAbsolutePath().toString();
            System.setProperty("DJL_CACHE_DIR", cache);
        }
        setIfAbsent("jna.tmpdir", Path.of(cache, "jna").toString());
    }

    private static void setIfAbsent(String key, String value) {
        String v = System.getProperty(key);
        if (v == null || v.isEmpty()) {
            System.setProperty(key, value);
        }
    }
}
