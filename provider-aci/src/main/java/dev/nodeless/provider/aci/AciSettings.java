package dev.nodeless.provider.aci;

import dev.nodeless.plan.PlanSettings;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code aci.*} planning settings, read and checked once per translation. A malformed setting
 * becomes a problem whose field path is the setting key.
 */
final class AciSettings {
  static final String REGION = "aci.region";
  static final String RESOURCE_GROUP = "aci.resourceGroup";
  static final String SUBNET_IDS = "aci.subnetIds";
  static final String PUBLIC_IP = "aci.publicIp";
  static final String CLUSTER_ID = "aci.clusterId";
  static final String PRICE_TABLE = "aci.priceTable";
  static final String GPU_SKU = "aci.gpuSku";
  static final String DEFAULT_CPU = "aci.defaultCpu";
  static final String DEFAULT_MEMORY_GB = "aci.defaultMemoryGb";
  static final String AZURE_FILE_PREFIX = "aci.azureFile.";

  /** Pod annotation that requests a public IP address when set to {@code true}. */
  static final String PUBLIC_IP_ANNOTATION = "aci.nodeless.dev/public-ip";

  /** Pod annotation with the DNS name label of the public IP address. */
  static final String DNS_NAME_LABEL_ANNOTATION = "aci.nodeless.dev/dns-name-label";

  /** Pod annotation with the GPU SKU, which wins over {@code aci.gpuSku}. */
  static final String GPU_SKU_ANNOTATION = "aci.nodeless.dev/gpu-sku";

  static final BigDecimal STANDARD_DEFAULT_CPU = new BigDecimal("0.25");
  static final BigDecimal STANDARD_DEFAULT_MEMORY_GB = new BigDecimal("0.5");

  /** Azure resource group names: 1-90 letters, digits, '_', '-', '.', '(' and ')', no final '.'. */
  private static final Pattern RESOURCE_GROUP_NAME = Pattern.compile("[-\\w._()]{0,89}[-\\w_()]");

  private static final int MAX_TAG_VALUE = 256;

  private final PlanSettings settings;
  private final String region;
  private final String resourceGroup;
  private final List<String> subnetIds;
  private final boolean publicIp;
  private final String clusterId;
  private final BigDecimal defaultCpu;
  private final BigDecimal defaultMemoryGb;

  private AciSettings(PlanSettings settings, Findings findings) {
    this.settings = settings;

    this.region = normalizeRegion(settings.option(REGION).orElse(settings.region()));
    if (region.isEmpty()) {
      findings.reject(
          REGION, "", "the Azure region is empty", "set aci.region, for example to eastus");
    }

    this.resourceGroup = settings.option(RESOURCE_GROUP).map(String::trim).orElse(null);
    if (resourceGroup != null && !RESOURCE_GROUP_NAME.matcher(resourceGroup).matches()) {
      findings.reject(
          RESOURCE_GROUP,
          resourceGroup,
          "a resource group name has 1-90 letters, digits, '_', '-', '.', '(' or ')' and does not"
              + " end with '.'",
          "set aci.resourceGroup to the name of an existing resource group");
    }

    this.subnetIds = splitList(settings.option(SUBNET_IDS).orElse(""));
    for (String subnet : subnetIds) {
      if (!subnet.toLowerCase(Locale.ROOT).contains("/subnets/")) {
        findings.reject(
            SUBNET_IDS,
            subnet,
            "a subnet ID is an ARM resource ID ending in /subnets/NAME",
            "use /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks/"
                + "VNET/subnets/NAME, comma-separated for several");
      }
    }

    this.publicIp = bool(PUBLIC_IP, findings);
    this.clusterId = settings.option(CLUSTER_ID).map(String::trim).orElse(null);
    if (clusterId != null && (clusterId.isEmpty() || clusterId.length() > MAX_TAG_VALUE)) {
      findings.reject(
          CLUSTER_ID,
          clusterId,
          "the cluster ID becomes an Azure tag value, which has 1-" + MAX_TAG_VALUE + " characters",
          "use a shorter cluster ID");
    }

    this.defaultCpu = positive(DEFAULT_CPU, STANDARD_DEFAULT_CPU, findings);
    this.defaultMemoryGb = positive(DEFAULT_MEMORY_GB, STANDARD_DEFAULT_MEMORY_GB, findings);
  }

  static AciSettings read(PlanSettings settings, Findings findings) {
    return new AciSettings(settings, findings);
  }

  /** ARM location names are lower case without spaces: {@code West US} becomes {@code westus}. */
  static String normalizeRegion(String region) {
    return region.trim().replace(" ", "").toLowerCase(Locale.ROOT);
  }

  String region() {
    return region;
  }

  Optional<String> resourceGroup() {
    return Optional.ofNullable(resourceGroup);
  }

  List<String> subnetIds() {
    return subnetIds;
  }

  boolean publicIp() {
    return publicIp;
  }

  Optional<String> clusterId() {
    return Optional.ofNullable(clusterId);
  }

  Optional<String> priceTable() {
    return settings.option(PRICE_TABLE).map(String::trim).filter(path -> !path.isEmpty());
  }

  Optional<String> gpuSku() {
    return settings.option(GPU_SKU).map(String::trim).filter(sku -> !sku.isEmpty());
  }

  BigDecimal defaultCpu() {
    return defaultCpu;
  }

  BigDecimal defaultMemoryGb() {
    return defaultMemoryGb;
  }

  /** The storage account name configured for an azureFile credentials Secret. */
  Optional<String> azureFileAccountName(String secretName) {
    return settings.option(AZURE_FILE_PREFIX + secretName + ".accountName");
  }

  /** The storage account key configured for an azureFile credentials Secret. */
  Optional<String> azureFileAccountKey(String secretName) {
    return settings.option(AZURE_FILE_PREFIX + secretName + ".accountKey");
  }

  private boolean bool(String key, Findings findings) {
    String text = settings.option(key).map(String::trim).orElse("false");
    if (text.equalsIgnoreCase("true")) {
      return true;
    }
    if (!text.equalsIgnoreCase("false")) {
      findings.reject(
          key, text, "the setting is true or false", "set " + key + " to true or false");
    }
    return false;
  }

  private BigDecimal positive(String key, BigDecimal fallback, Findings findings) {
    Optional<String> text = settings.option(key).map(String::trim);
    if (text.isEmpty()) {
      return fallback;
    }
    try {
      BigDecimal value = new BigDecimal(text.get());
      if (value.signum() > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    findings.reject(
        key,
        text.get(),
        "the setting is a positive decimal number",
        "set " + key + " to, say, 0.5");
    return fallback;
  }

  private static List<String> splitList(String text) {
    List<String> items = new ArrayList<>();
    for (String item : text.split(",")) {
      if (!item.isBlank()) {
        items.add(item.trim());
      }
    }
    return List.copyOf(items);
  }
}
