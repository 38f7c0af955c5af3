package dev.nodeless.provider.aci;

import com.azure.resourcemanager.containerinstance.fluent.models.ContainerGroupInner;
import dev.nodeless.plan.PlacementQuote;
import dev.nodeless.plan.PriceSource;
import dev.nodeless.plan.ProviderRequest;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A pod translated into an Azure container group: the name to create it under, the ARM model to
 * send with {@code ContainerGroups_CreateOrUpdate}, and its price.
 *
 * <p>The model contains secrets (secure environment values, registry passwords, secret volume
 * files, storage account keys) because the provider must send them; {@link #redactedJson()} and
 * {@link #toString()} never show them. Each translation owns a fresh model, which callers must not
 * share between threads while changing it.
 */
public final class AciTranslation {
  /** The ARM operation that creates the group. */
  public static final String OPERATION = "ContainerGroups_CreateOrUpdate";

  private final String containerGroupName;
  private final String resourceGroup;
  private final String location;
  private final ContainerGroupInner containerGroup;
  private final String size;
  private final BigDecimal hourlyUsd;
  private final PriceSource priceSource;
  private final List<String> notes;
  private final String redactedJson;

  AciTranslation(
      String containerGroupName,
      String resourceGroup,
      String location,
      ContainerGroupInner containerGroup,
      String size,
      BigDecimal hourlyUsd,
      PriceSource priceSource,
      List<String> notes,
      String redactedJson) {
    this.containerGroupName = Objects.requireNonNull(containerGroupName, "containerGroupName");
    this.resourceGroup = resourceGroup;
    this.location = Objects.requireNonNull(location, "location");
    this.containerGroup = Objects.requireNonNull(containerGroup, "containerGroup");
    this.size = Objects.requireNonNull(size, "size");
    this.hourlyUsd = Objects.requireNonNull(hourlyUsd, "hourlyUsd");
    this.priceSource = Objects.requireNonNull(priceSource, "priceSource");
    this.notes = List.copyOf(notes);
    this.redactedJson = Objects.requireNonNull(redactedJson, "redactedJson");
  }

  /** The container group name: 1-63 characters, unique per pod UID, stable across calls. */
  public String containerGroupName() {
    return containerGroupName;
  }

  /** The resource group from {@code aci.resourceGroup}, empty when the setting is missing. */
  public Optional<String> resourceGroup() {
    return Optional.ofNullable(resourceGroup);
  }

  /** The ARM location, such as {@code eastus}. */
  public String location() {
    return location;
  }

  /** The request body model, secrets included. */
  public ContainerGroupInner containerGroup() {
    return containerGroup;
  }

  /** The group size, such as {@code 1.25 vCPU / 2.5 GB Linux}. */
  public String size() {
    return size;
  }

  /** The estimated price per hour in USD of the group's total request. */
  public BigDecimal hourlyUsd() {
    return hourlyUsd;
  }

  public PriceSource priceSource() {
    return priceSource;
  }

  /** Rounding, defaults and other changes a user should read. */
  public List<String> notes() {
    return notes;
  }

  /** The ARM request body with every secret value replaced by {@code <redacted>}. */
  public String redactedJson() {
    return redactedJson;
  }

  /** This translation as a placement offer with one request. */
  public PlacementQuote.Offer toOffer() {
    return new PlacementQuote.Offer(
        AciTranslator.PROVIDER,
        location,
        size,
        hourlyUsd,
        priceSource,
        notes,
        List.of(new ProviderRequest(OPERATION, containerGroup, redactedJson)));
  }

  @Override
  public String toString() {
    return "AciTranslation{"
        + containerGroupName
        + " in "
        + (resourceGroup == null ? "(no resource group)" : resourceGroup)
        + "/"
        + location
        + ", "
        + size
        + ", "
        + hourlyUsd.toPlainString()
        + " USD/h}";
  }
}
