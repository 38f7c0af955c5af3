package dev.nodeless.provider.ec2.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Baselines and surplus-credit prices of the burstable families t2, t3, t3a and t4g.
 *
 * <p>Baseline vCPUs = CPU credits earned per hour / 60, from the credit table of the Amazon EC2
 * User Guide page "Key concepts and definitions for burstable performance instances"
 * (awsdocs/amazon-ec2-user-guide, commit 0147f878dcbad26b1151a12701a773743f0cd496). For example
 * t3.nano earns 6 credits per hour, a baseline of 0.1 vCPU.
 *
 * <p>In unlimited mode, CPU use above the baseline, averaged over 24 hours, is billed per
 * vCPU-hour. The default price is 0.05 USD per vCPU-hour for Linux, the rate the User Guide's
 * t3.large break-even example uses (us-east-1). The same 0.05 is applied to t2, t3a and t4g. NOTE:
 * two third-party pages quote 0.04 USD for t4g; check the EC2 on-demand pricing page and override
 * with the {@code ec2.burstCreditPrice} setting if it differs.
 */
public final class Burstable {
  // TODO: confirm the t4g rate on the EC2 on-demand pricing page; it may be 0.04.
  public static final BigDecimal DEFAULT_CREDIT_USD_PER_VCPU_HOUR = new BigDecimal("0.05");
  private static final BigDecimal MINUTES_PER_HOUR = BigDecimal.valueOf(60);

  public static final Set<String> FAMILIES = Set.of("t2", "t3", "t3a", "t4g");

  /** CPU credits earned per hour, by size; t3, t3a and t4g share one table. */
  private static final Map<String, BigDecimal> T2_CREDITS =
      Map.of(
          "nano", new BigDecimal("3"),
          "micro", new BigDecimal("6"),
          "small", new BigDecimal("12"),
          "medium", new BigDecimal("24"),
          "large", new BigDecimal("36"),
          "xlarge", new BigDecimal("54"),
          "2xlarge", new BigDecimal("81.6"));

  private static final Map<String, BigDecimal> T3_CREDITS =
      Map.of(
          "nano", new BigDecimal("6"),
          "micro", new BigDecimal("12"),
          "small", new BigDecimal("24"),
          "medium", new BigDecimal("24"),
          "large", new BigDecimal("36"),
          "xlarge", new BigDecimal("96"),
          "2xlarge", new BigDecimal("192"));

  private Burstable() {}

  public static boolean isBurstable(InstanceType type) {
    return FAMILIES.contains(type.family());
  }

  /**
   * Returns the sustained vCPUs of a burstable type, or empty for a fixed-performance type or a
   * burstable size missing from the credit table.
   */
  public static Optional<BigDecimal> baselineVcpus(InstanceType type) {
    if (!isBurstable(type)) {
      return Optional.empty();
    }
    String size = type.name().substring(type.name().indexOf('.') + 1);
    Map<String, BigDecimal> credits = "t2".equals(type.family()) ? T2_CREDITS : T3_CREDITS;
    return Optional.ofNullable(credits.get(size))
        .map(
            perHour ->
                perHour.divide(MINUTES_PER_HOUR, 4, RoundingMode.HALF_UP).stripTrailingZeros());
  }

  /**
   * The hourly surplus-credit charge when the pod uses {@code cpuCores} without pause: zero when
   * that is within the baseline, else the vCPUs above the baseline times the credit price.
   */
  public static BigDecimal surchargeUsd(
      InstanceType type, BigDecimal cpuCores, BigDecimal creditUsdPerVcpuHour) {
    return baselineVcpus(type)
        .map(baseline -> cpuCores.subtract(baseline).max(BigDecimal.ZERO))
        .map(above -> above.multiply(creditUsdPerVcpuHour))
        .orElse(BigDecimal.ZERO);
  }
}
