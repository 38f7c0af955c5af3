package dev.nodeless.cli;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;

/**
 * fabric8's serialization, except that a number or a boolean where a string belongs is an error, as
 * the API server makes it. YAML reads {@code value: 1.10} as the number 1.1, so converting it
 * quietly would run the pod with a value that the manifest does not hold.
 */
final class StrictSerialization extends KubernetesSerialization {
  @Override
  protected ObjectMapper configureMapper(ObjectMapper mapper) {
    return super.configureMapper(mapper)
        .rebuild()
        .withCoercionConfig(
            LogicalType.Textual,
            config ->
                config
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
        .build();
  }
}
