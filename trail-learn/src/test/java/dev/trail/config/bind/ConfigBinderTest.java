package dev.trail.config.bind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.trail.config.Option;
import dev.trail.config.Param;
import dev.trail.loss.Aggregation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigBinderTest {

    record Shape(@Param(value = "layers", min = 1, max = 8) int layers, @Param("width") int width) {
    }

    record Demo(
            @Param(value = "copies", min = 1, max = 64) int numEnvs,
            @Param(value = "rate", min = Double.MIN_VALUE, max = 1) double learningRate,
            @Param("flag") boolean annealLr,
            @Param(value = "optional", min = 0) Double targetKl,
            @Param(value = "clip", min = 1, none = "Infinity") double dualClipC,
            @Param("sizes") String hiddenSizes,
            @Param(value = "mode", name = "loss_aggregation") Aggregation aggregation,
            @Param("steps") long totalSteps,
            @Param("shape") Shape model,
            @Param("preset") boolean fast) {

        Demo {
            if (numEnvs == 3) {
                throw new IllegalArgumentException("num_envs=3 is unlucky");
            }
        }

        static Demo defaults() {
            return new Demo(4, 2.5e-4, true, null, Double.POSITIVE_INFINITY, "64,64", Aggregation.TOKEN_MEAN, 500_000L,
                    new Shape(2, 128), false);
        }

        Demo asFast() {
            return new Demo(16, 1e-3, annealLr, targetKl, dualClipC, hiddenSizes, aggregation, totalSteps, model, true);
        }
    }

    private static final ConfigBinder<Demo> BINDER = ConfigBinder.of("demo", Demo.class, Demo.defaults())
            .withPreset("fast", Demo::asFast);

    private static IllegalArgumentException refused(Map<String, String> sets) {
        return assertThrows(IllegalArgumentException.class, () -> BINDER.parse(sets));
    }

    @Test
    void withReplacesTheNamedComponentsOnlyAndChecksThem() {
        Demo base = Demo.defaults().asFast(); // the preset flag on: with() must not re-apply the preset's values
        Map<String, Object> changes = new LinkedHashMap<>();
        changes.put("num_envs", 8);
        changes.put("loss_aggregation", Aggregation.SEQ_MEAN_TOKEN_MEAN);
        changes.put("model", new Shape(3, 32));
        changes.put("target_kl", null);
        Demo changed = BINDER.with(base, changes);
        assertEquals(new Demo(8, 1e-3, true, null, Double.POSITIVE_INFINITY, "64,64", Aggregation.SEQ_MEAN_TOKEN_MEAN,
                500_000L, new Shape(3, 32), true), changed);
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> BINDER.with(base, Map.of("num_envs", 65)));
        assertTrue(range.getMessage().contains("num_envs"), range.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> BINDER.with(base, Map.of("num_env", 2)));
        assertTrue(unknown.getMessage().contains("num_env"), unknown.getMessage());
    }

    @Test
    void defaultsWhenNothingIsSet() {
        assertEquals(Demo.defaults(), BINDER.parse(Map.of()));
        assertEquals(Demo.defaults(), BINDER.bind(null, null));
    }

    @Test
    void keysAreSnakeCaseAndValuesAreYamlScalars() {
        Map<String, String> sets = new LinkedHashMap<>();
        sets.put("num_envs", "8");
        sets.put("learning_rate", "1e-3");
        sets.put("anneal_lr", "false");
        sets.put("target_kl", "0.02");
        sets.put("hidden_sizes", "32,32");
        sets.put("loss_aggregation", "seq-mean-token-mean");
        sets.put("total_steps", "1e6");
        sets.put("model.layers", "3");
        Demo d = BINDER.parse(sets);
        assertEquals(8, d.numEnvs());
        assertEquals(1e-3, d.learningRate());
        assertEquals(false, d.annealLr());
        assertEquals(0.02, d.targetKl());
        assertEquals("32,32", d.hiddenSizes());
        assertEquals(Aggregation.SEQ_MEAN_TOKEN_MEAN, d.aggregation());
        assertEquals(1_000_000L, d.totalSteps(), "a whole float in range is the integer it names");
        assertEquals(new Shape(3, 128), d.model(), "a dotted key sets one key of a nested record");
        assertNull(BINDER.parse(Map.of("target_kl", "none")).targetKl());
        assertEquals(5.0, BINDER.parse(Map.of("dual_clip_c", "5")).dualClipC());
        assertEquals(Double.POSITIVE_INFINITY, BINDER.parse(Map.of("dual_clip_c", "none")).dualClipC());
    }

    @Test
    void unknownKeysNameTheClosestKnownOneBeforeAnyValueIsRead() {
        IllegalArgumentException e = refused(Map.of("num_env", "x"));
        assertTrue(e.getMessage().contains("unknown key 'num_env' for demo"), e.getMessage());
        assertTrue(e.getMessage().contains("closest known key is 'num_envs'"), e.getMessage());
        e = refused(Map.of("model.layer", "2"));
        assertTrue(e.getMessage().contains("'model.layer'") && e.getMessage().contains("'model.layers'"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> BINDER.bind(Map.of("learning_rate", "nonsense", "learnin_rate", 1.0), null));
        assertTrue(e.getMessage().contains("unknown key 'learnin_rate'"), "keys first: " + e.getMessage());
    }

    @Test
    void wrongTypesAreRefusedNamingKeyValueAndRange() {
        IllegalArgumentException e = refused(Map.of("num_envs", "2.5"));
        assertTrue(e.getMessage().contains("num_envs=2.5 is not an integer") && e.getMessage().contains("[1, 64]"),
                e.getMessage());
        e = refused(Map.of("learning_rate", "fast"));
        assertTrue(e.getMessage().contains("learning_rate=fast is not a number"), e.getMessage());
        e = refused(Map.of("anneal_lr", "yes"));
        assertTrue(e.getMessage().contains("anneal_lr=yes must be true or false"), e.getMessage());
        e = refused(Map.of("anneal_lr", "1"));
        assertTrue(e.getMessage().contains("must be true or false"), e.getMessage());
        e = refused(Map.of("loss_aggregation", "mean"));
        assertTrue(e.getMessage().contains("must be one of [token-mean"), e.getMessage());
        e = refused(Map.of("num_envs", "none"));
        assertTrue(e.getMessage().contains("num_envs=none needs an integer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BINDER.bind(Map.of("model", 3), null));
        assertTrue(e.getMessage().contains("'model' is a section"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BINDER.bind(Map.of("gamma", Map.of("a", 1)), null));
        assertTrue(e.getMessage().contains("unknown key 'gamma'"), e.getMessage());
    }

    @Test
    void outOfRangeAndOverflowAreRefusedNotCoerced() {
        IllegalArgumentException e = refused(Map.of("num_envs", "65"));
        assertTrue(e.getMessage().contains("num_envs=65 is outside the allowed range [1, 64]"), e.getMessage());
        e = refused(Map.of("model.width", "4294967296"));
        assertTrue(e.getMessage().contains("model.width=4294967296 is outside the allowed range [-2147483648, "
                + "2147483647]"), e.getMessage());
        e = refused(Map.of("num_envs", "1e300"));
        assertTrue(e.getMessage().contains("num_envs=1e300 is outside the allowed range [1, 64]"), e.getMessage());
        e = refused(Map.of("total_steps", "1e300"));
        assertTrue(e.getMessage().contains("total_steps=1e300 is outside"), e.getMessage());
        e = refused(Map.of("total_steps", "9223372036854775808"));
        assertTrue(e.getMessage().contains("total_steps=9223372036854775808 is outside the allowed range "
                + "[-9223372036854775808, 9223372036854775807]"), e.getMessage());
        assertEquals(Long.MAX_VALUE, BINDER.parse(Map.of("total_steps", "9223372036854775807")).totalSteps());
        e = refused(Map.of("learning_rate", "0"));
        assertTrue(e.getMessage().contains("learning_rate=0 is outside the allowed range (0, 1]"), e.getMessage());
        e = refused(Map.of("learning_rate", ".nan"));
        assertTrue(e.getMessage().contains("learning_rate=.nan is outside"), e.getMessage());
        e = refused(Map.of("target_kl", "-1"));
        assertTrue(e.getMessage().contains("target_kl=-1") && e.getMessage().contains("or none"), e.getMessage());
    }

    @Test
    void theRecordsOwnValidationIsReportedWithTheOwner() {
        IllegalArgumentException e = refused(Map.of("num_envs", "3"));
        assertEquals("demo: num_envs=3 is unlucky", e.getMessage());
    }

    @Test
    void yamlSectionsQuotesAndNestedMaps() throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> section = new YAMLMapper().readValue("""
                learning_rate: '3e-4'   # quoted: text, read as the component's number
                hidden_sizes: "64,32"
                total_steps: 2000
                model:
                  width: 64
                """, Map.class);
        Demo d = BINDER.bind(section, Map.of("model.layers", "1"));
        assertEquals(3e-4, d.learningRate());
        assertEquals("64,32", d.hiddenSizes());
        assertEquals(2000L, d.totalSteps());
        assertEquals(new Shape(1, 64), d.model(), "--set on top of the file's section");
        assertEquals("32,16", BINDER.bind(Map.of("hidden_sizes", List.of(32, 16)), null).hiddenSizes());
    }

    @Test
    void presetGivesItsValuesUnlessSetExplicitly() {
        Demo fast = BINDER.parse(Map.of("fast", "true"));
        assertEquals(Demo.defaults().asFast(), fast);
        Demo fastButFour = BINDER.parse(Map.of("fast", "true", "num_envs", "4"));
        assertEquals(4, fastButFour.numEnvs());
        assertEquals(1e-3, fastButFour.learningRate());
        assertEquals(fastButFour, BINDER.bind(BINDER.toMap(fastButFour)), "resolved map reproduces the preset run");
    }

    @Test
    void roundTripsRecordToYamlToRecord() throws Exception {
        Demo d = BINDER.parse(Map.of("target_kl", "0.5", "dual_clip_c", "3", "model.width", "32", "fast", "true"));
        Map<String, Object> map = BINDER.toMap(d);
        assertEquals("token-mean", map.get("loss_aggregation"));
        assertEquals(Map.of("layers", 2, "width", 32), map.get("model"));
        @SuppressWarnings("unchecked")
        Map<String, Object> back = new YAMLMapper().readValue(BINDER.toYaml(d), Map.class);
        assertEquals(d, BINDER.bind(back));
        Demo defaults = Demo.defaults();
        @SuppressWarnings("unchecked")
        Map<String, Object> back2 = new YAMLMapper().readValue(BINDER.toYaml(defaults), Map.class);
        assertEquals(defaults, BINDER.bind(back2), "null and Infinity survive the trip");
    }

    @Test
    void optionsListEveryKeyWithDefaultRangeAndMeaning() {
        List<Option> options = BINDER.options();
        assertEquals(List.of("num_envs", "learning_rate", "anneal_lr", "target_kl", "dual_clip_c", "hidden_sizes",
                "loss_aggregation", "total_steps", "model.layers", "model.width", "fast"),
                options.stream().map(Option::name).toList());
        assertEquals("[1, 64]", options.get(0).rangeText());
        assertEquals("(0, 1]", options.get(1).rangeText());
        assertEquals("none", options.get(3).defaultValue());
        assertEquals("none", options.get(4).defaultValue());
        assertEquals("token-mean", options.get(6).defaultValue());
        assertEquals("copies", options.get(0).description());
    }

    @Test
    void closestKeyIsByEditDistance() {
        assertEquals("num_envs", dev.trail.config.Options.closest("num_env", List.of("num_steps", "num_envs")));
        assertEquals("ent_coef", dev.trail.config.Options.closest("entropy_coef", List.of("vf_coef", "ent_coef",
                "gamma")));
        assertEquals("sitting", dev.trail.config.Options.closest("kitten", List.of("sitting", "mittens!!")));
    }
}
