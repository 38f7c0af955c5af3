package dev.nodeless.provider.fargate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeless.ValidationProblem;
import dev.nodeless.plan.PlacementQuote;
import dev.nodeless.plan.PlanSettings;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/** Pods, settings and shortcuts for the example-based Fargate tests. */
final class Examples {
  static final String EXECUTION_ROLE = "arn:aws:iam::123456789012:role/nodeless-exec";
  static final Map<String, String> BASE =
      Map.of(
          "fargate.subnetIds", "subnet-0a1b2c3d,subnet-4e5f6a7b",
          "fargate.securityGroupIds", "sg-0a1b2c3d",
          "fargate.executionRoleArn", EXECUTION_ROLE,
          "fargate.cluster", "pods",
          "fargate.clusterId", "test");
  static final PlanSettings SETTINGS = new PlanSettings("us-east-1", BASE);
  static final FargateTranslator TRANSLATOR = new FargateTranslator();

  private Examples() {}

  /** The base settings with some options replaced (or removed, for a null value). */
  static PlanSettings settings(String... keysAndValues) {
    return inRegion("us-east-1", keysAndValues);
  }

  static PlanSettings inRegion(String region, String... keysAndValues) {
    Map<String, String> options = new HashMap<>(BASE);
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (keysAndValues[i + 1] == null) {
        options.remove(keysAndValues[i]);
      } else {
        options.put(keysAndValues[i], keysAndValues[i + 1]);
      }
    }
    return new PlanSettings(region, options);
  }

  static ContainerBuilder container(String name) {
    return new ContainerBuilder()
        .withName(name)
        .withImage("public.ecr.aws/docker/library/nginx:1.27");
  }

  /** A container that requests cpu and memory, such as {@code ("250m", "512Mi")}. */
  static Container requesting(String name, String cpu, String memory) {
    ContainerBuilder builder = container(name);
    if (cpu != null) {
      builder.editOrNewResources().addToRequests("cpu", new Quantity(cpu)).endResources();
    }
    if (memory != null) {
      builder.editOrNewResources().addToRequests("memory", new Quantity(memory)).endResources();
    }
    return builder.build();
  }

  static PodBuilder pod(Container... containers) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("web-0")
        .withNamespace("shop")
        .withUid("0b7e1f7c-1d2e-4c55-9a0e-5d3f2b1a9c11")
        .addToLabels("app", "web")
        .endMetadata()
        .withNewSpec()
        .withContainers(containers)
        .endSpec();
  }

  static FargateTranslation translate(Pod pod) {
    return translate(pod, SETTINGS);
  }

  static FargateTranslation translate(Pod pod, PlanSettings settings, HasMetadata... objects) {
    return TRANSLATOR.translate(TestPods.resolve(pod, List.of(objects)), settings);
  }

  static List<ValidationProblem> problems(Pod pod, PlanSettings settings, HasMetadata... objects) {
    PlacementQuote quote = TRANSLATOR.plan(TestPods.resolve(pod, List.of(objects)), settings);
    assertThat(quote).isInstanceOf(PlacementQuote.Rejected.class);
    return ((PlacementQuote.Rejected) quote).problems();
  }

  static List<ValidationProblem> problems(Pod pod) {
    return problems(pod, SETTINGS);
  }

  static ContainerDefinition definition(FargateTranslation translation, String name) {
    return translation.registerTaskDefinition().containerDefinitions().stream()
        .filter(container -> container.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container " + name));
  }
}
