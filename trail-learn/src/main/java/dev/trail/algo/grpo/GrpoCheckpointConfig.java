package dev.trail.algo.grpo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** {@link GrpoConfig} in checkpoint metadata (Jackson's record binding). */
final class GrpoCheckpointConfig {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private GrpoCheckpointConfig() {
    }

    static JsonNode toJson(GrpoConfig config) {
        return MAPPER.valueToTree(config);
    }

    static GrpoConfig fromJson(JsonNode node) {
        try {
            return MAPPER.treeToValue(node, GrpoConfig.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("checkpoint config is not a GRPO config: " + e.getOriginalMessage(), e);
        }
    }
}
