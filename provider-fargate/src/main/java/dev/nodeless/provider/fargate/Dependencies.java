package dev.nodeless.provider.fargate;

import dev.nodeless.spi.ResolvedContainer;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.ecs.model.ContainerCondition;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerDependency;
import software.amazon.awssdk.services.ecs.model.LogConfiguration;

/**
 * Start order, expressed with ECS {@code dependsOn}, as the kubelet orders containers:
 *
 * <ul>
 *   <li>the file writer (when there is one) and the init containers form a chain in spec order:
 *       each waits for the one before it;
 *   <li>waiting for a regular init container or the writer means condition {@code SUCCESS} (it
 *       exited 0); waiting for a native sidecar means {@code HEALTHY} when it has a health check
 *       and {@code START} otherwise, because a sidecar keeps running;
 *   <li>every app container waits for every element of the chain.
 * </ul>
 *
 * ECS forbids {@code SUCCESS} on an essential container; init containers and the writer are not
 * essential.
 */
final class Dependencies {
  private Dependencies() {}

  /** The container definitions in start order, writer first, with their dependencies set. */
  static List<ContainerDefinition> order(
      FileWriter.Writer writer,
      List<ResolvedContainer> inits,
      List<ContainerDefinition.Builder> initDefinitions,
      List<ContainerDefinition.Builder> appDefinitions,
      Context context) {
    List<ContainerDefinition> chain = new ArrayList<>();
    List<ContainerDependency> waits = new ArrayList<>();
    if (writer != null) {
      ContainerDefinition.Builder definition = writer.definition().toBuilder();
      LogConfiguration logs = Containers.logConfiguration(context);
      if (logs != null) {
        definition.logConfiguration(logs);
      }
      ContainerDefinition built = definition.build();
      chain.add(built);
      waits.add(dependency(built.name(), ContainerCondition.SUCCESS));
    }
    for (int i = 0; i < initDefinitions.size(); i++) {
      ContainerDefinition.Builder definition = initDefinitions.get(i);
      if (!chain.isEmpty()) {
        definition.dependsOn(waits.get(waits.size() - 1));
      }
      ContainerDefinition built = definition.build();
      chain.add(built);
      ContainerCondition condition =
          !inits.get(i).sidecar()
              ? ContainerCondition.SUCCESS
              : built.healthCheck() != null ? ContainerCondition.HEALTHY : ContainerCondition.START;
      waits.add(dependency(built.name(), condition));
    }
    List<ContainerDefinition> result = new ArrayList<>(chain);
    for (ContainerDefinition.Builder definition : appDefinitions) {
      if (!waits.isEmpty()) {
        definition.dependsOn(waits);
      }
      result.add(definition.build());
    }
    return result;
  }

  private static ContainerDependency dependency(String name, ContainerCondition condition) {
    return ContainerDependency.builder().containerName(name).condition(condition).build();
  }
}
