package dev.nodeless.plan;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Unit prices of serverless container services (per vCPU-hour, per GB-hour), such as Fargate and
 * Azure Container Instances, read from a CSV table with the columns {@code
 * provider,service,region,os,arch,capacity,dimension,unit,price_usd,source,source_date,notes}.
 *
 * <p>The bundled table ({@link #bundled()}) was written from public price pages and the Azure
 * Retail Prices API in 2026; its rows name their sources. Users can load their own table in the
 * same format with {@link #load(Path)}. Immutable and thread-safe.
 */
public final class UnitPriceTable {
  private static final String BUNDLED = "serverless-container-prices.csv";
  private static final int COLUMNS = 12;

  /**
   * One unit price.
   *
   * @param service such as {@code fargate}, {@code fargate-spot} or {@code container-instances}
   * @param os {@code linux}, {@code windows} or {@code any}
   * @param arch {@code x86_64}, {@code arm64} or {@code any}
   * @param dimension {@code vcpu}, {@code memory}, {@code ephemeral-storage} or {@code
   *     windows-software}
   * @param unit the unit text of the table, such as {@code per vCPU-hour}
   * @param sourceDate the date text of the source, such as {@code 2026-06}
   */
  public record UnitPrice(
      String provider,
      String service,
      String region,
      String os,
      String arch,
      String capacity,
      String dimension,
      String unit,
      BigDecimal priceUsd,
      String source,
      String sourceDate,
      String notes) {}

  private final List<UnitPrice> prices;
  private final String origin;

  private UnitPriceTable(List<UnitPrice> prices, String origin) {
    this.prices = List.copyOf(prices);
    this.origin = origin;
  }

  /** The table shipped with Nodeless. */
  public static UnitPriceTable bundled() {
    try (InputStream in = UnitPriceTable.class.getResourceAsStream(BUNDLED)) {
      if (in == null) {
        throw new IllegalStateException(BUNDLED + " is missing from the nodeless-core jar");
      }
      return parse(in, "bundled " + BUNDLED);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads a user-supplied table.
   *
   * @throws IllegalArgumentException naming the file and line of a malformed row
   */
  public static UnitPriceTable load(Path csv) {
    try (InputStream in = Files.newInputStream(csv)) {
      return parse(in, csv.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read price table " + csv, e);
    }
  }

  private static UnitPriceTable parse(InputStream in, String origin) throws IOException {
    List<UnitPrice> rows = new ArrayList<>();
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String line = reader.readLine();
    int number = 1;
    while ((line = reader.readLine()) != null) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      List<String> cells = splitCsv(line);
      if (cells.size() != COLUMNS) {
        throw new IllegalArgumentException(
            origin
                + " line "
                + number
                + ": expected "
                + COLUMNS
                + " columns, found "
                + cells.size());
      }
      BigDecimal price;
      try {
        price = new BigDecimal(cells.get(8).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            origin + " line " + number + ": price_usd \"" + cells.get(8) + "\" is not a number", e);
      }
      rows.add(
          new UnitPrice(
              cells.get(0),
              cells.get(1),
              cells.get(2),
              cells.get(3),
              cells.get(4),
              cells.get(5),
              cells.get(6),
              cells.get(7),
              price,
              cells.get(9),
              cells.get(10),
              cells.get(11)));
    }
    return new UnitPriceTable(rows, origin);
  }

  /** Splits one CSV line, honouring double-quoted cells that contain commas. */
  private static List<String> splitCsv(String line) {
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (c == ',' && !quoted) {
        cells.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    cells.add(cell.toString());
    return cells;
  }

  /** Where the table was read from, for messages and price sources. */
  public String origin() {
    return origin;
  }

  public List<UnitPrice> prices() {
    return prices;
  }

  /**
   * Finds the price of one dimension. A row whose os or arch is {@code any} matches every value.
   * Exact matches win over {@code any}.
   */
  public Optional<UnitPrice> find(
      String service, String region, String os, String arch, String dimension) {
    Objects.requireNonNull(service, "service");
    UnitPrice best = null;
    int bestScore = -1;
    for (UnitPrice price : prices) {
      if (!price.service().equals(service)
          || !price.region().equals(region)
          || !price.dimension().equals(dimension)) {
        continue;
      }
      int score = matchScore(price.os(), os) + matchScore(price.arch(), arch);
      if (score < 0) {
        continue;
      }
      if (score > bestScore) {
        best = price;
        bestScore = score;
      }
    }
    return Optional.ofNullable(best);
  }

  private static int matchScore(String cell, String wanted) {
    if (cell.equals(wanted)) {
      return 2;
    }
    return "any".equals(cell) ? 0 : Integer.MIN_VALUE / 2;
  }
}
