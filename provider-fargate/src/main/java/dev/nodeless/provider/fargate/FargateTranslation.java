package dev.nodeless.provider.fargate;

import dev.nodeless.plan.PriceSource;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;

/**
 * A pod translated for Fargate: what the provider sends and what it costs. Holds no secret value:
 * secrets are referenced by SSM parameter in the task definition and listed in {@link
 * #secretParameters()} for the provider to write first. Immutable.
 *
 * <p>The provider registers {@link #registerTaskDefinition()} only when no ACTIVE revision of
 * {@link #family()} exists (the family name contains a digest of the definition's content, so every
 * revision of it is the same definition), then writes the parameters, then sends {@link
 * #runTask()}.
 */
public final class FargateTranslation {
  private final RegisterTaskDefinitionRequest registerTaskDefinition;
  private final RunTaskRequest runTask;
  private final String registerTaskDefinitionJson;
  private final String runTaskJson;
  private final TaskSize size;
  private final int ephemeralStorageGib;
  private final List<SecretParameter> secretParameters;
  private final BigDecimal hourlyUsd;
  private final PriceSource priceSource;
  private final List<String> notes;

  FargateTranslation(
      RegisterTaskDefinitionRequest registerTaskDefinition,
      String registerTaskDefinitionJson,
      RunTaskRequest runTask,
      String runTaskJson,
      TaskSize size,
      int ephemeralStorageGib,
      List<SecretParameter> secretParameters,
      BigDecimal hourlyUsd,
      PriceSource priceSource,
      List<String> notes) {
    this.registerTaskDefinition = Objects.requireNonNull(registerTaskDefinition);
    this.runTask = Objects.requireNonNull(runTask);
    this.registerTaskDefinitionJson = Objects.requireNonNull(registerTaskDefinitionJson);
    this.runTaskJson = Objects.requireNonNull(runTaskJson);
    this.size = Objects.requireNonNull(size);
    this.ephemeralStorageGib = ephemeralStorageGib;
    this.secretParameters = List.copyOf(secretParameters);
    this.hourlyUsd = Objects.requireNonNull(hourlyUsd);
    this.priceSource = Objects.requireNonNull(priceSource);
    this.notes = List.copyOf(notes);
  }

  /** The task definition family: {@code nodeless-<clusterId>-<container>-<content digest>}. */
  public String family() {
    return registerTaskDefinition.family();
  }

  public RegisterTaskDefinitionRequest registerTaskDefinition() {
    return registerTaskDefinition;
  }

  public RunTaskRequest runTask() {
    return runTask;
  }

  /** The RegisterTaskDefinition request as compact JSON, as ECS receives it. */
  public String registerTaskDefinitionJson() {
    return registerTaskDefinitionJson;
  }

  /** The RunTask request as compact JSON, as ECS receives it. */
  public String runTaskJson() {
    return runTaskJson;
  }

  public TaskSize size() {
    return size;
  }

  /** The task's ephemeral storage in GiB; 20 when the pod needs no more than Fargate includes. */
  public int ephemeralStorageGib() {
    return Math.max(ephemeralStorageGib, Sizing.INCLUDED_STORAGE_GIB);
  }

  /** The SSM parameters the provider writes before RunTask, one per distinct secret value. */
  public List<SecretParameter> secretParameters() {
    return secretParameters;
  }

  /** The estimated price per hour in USD: on-demand, or Spot when {@code fargate.spot=true}. */
  public BigDecimal hourlyUsd() {
    return hourlyUsd;
  }

  public PriceSource priceSource() {
    return priceSource;
  }

  /** What a user should know about the translation: rounding, fallbacks, fields left out. */
  public List<String> notes() {
    return notes;
  }

  @Override
  public String toString() {
    return "FargateTranslation{family="
        + family()
        + ", size="
        + size
        + ", hourlyUsd="
        + hourlyUsd.toPlainString()
        + ", secretParameters="
        + secretParameters.size()
        + ", notes="
        + notes.size()
        + "}";
  }
}
